#include "bot/policy_command.hpp"

#include <istream>
#include <iterator>
#include <ostream>

#include <nlohmann/json.hpp>

#include "analyze/base/regular_file.hpp"
#include "annotate/printable.hpp"
#include "bot/cli.hpp"
#include "bot/cli_args.hpp"
#include "governance/decision.hpp"
#include "governance/policy.hpp"
#include "governance/render.hpp"
#include "governance/report_facts.hpp"

namespace pgfence::bot {
namespace {

// A report as large as the service accepts, and then some: the limit only stops runaway input.
constexpr std::uintmax_t k_report_max_bytes = 256 * 1024 * 1024;

struct PolicyArgs {
    std::string policy;
    std::string repository;
    bool json = false;
    std::string report;
};

PolicyArgs parse_policy_args(const std::vector<std::string>& args) {
    if (args.size() < 2 || args[1] != "check") {
        throw UsageError{"policy: expected 'policy check --policy FILE REPORT.json' (see 'pgfence help')"};
    }
    PolicyArgs a;
    bool have_report = false;
    for (std::size_t i = 2; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto value = [&](const std::string& flag) -> std::string {
            auto eq = arg.find('=');
            if (arg.rfind("--", 0) == 0 && eq != std::string::npos) return arg.substr(eq + 1);
            if (i + 1 >= args.size()) throw UsageError{flag + " needs a value"};
            return args[++i];
        };
        auto is = [&](const char* flag) { return arg == flag || arg.rfind(std::string(flag) + "=", 0) == 0; };
        if (is("--policy")) a.policy = value("--policy");
        else if (is("--repository")) a.repository = value("--repository");
        else if (is("--format")) {
            std::string format = value("--format");
            if (format != "text" && format != "json") throw UsageError{"--format must be text or json, not '" + format + "'"};
            a.json = format == "json";
        } else if (arg.size() > 1 && arg[0] == '-') {
            throw UsageError{"policy check: unknown option '" + arg.substr(0, arg.find('=')) + "' (see 'pgfence policy --help')",
                             arg.substr(0, arg.find('='))};
        } else if (have_report) {
            throw UsageError{"policy check takes one report (a second one: '" + arg + "')"};
        } else {
            a.report = arg;
            have_report = true;
        }
    }
    if (a.policy.empty()) throw UsageError{"policy check needs --policy FILE"};
    if (!have_report) throw UsageError{"policy check needs a report: REPORT.json, or - for standard input"};
    return a;
}

analyze::Result<std::string> read_report_text(const std::string& path, std::istream& in) {
    if (path != "-") return analyze::read_regular_file(path, k_report_max_bytes, "the report");
    std::string text;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > k_report_max_bytes) return analyze::Error{"the report is larger than 256 MiB", "<stdin>", std::nullopt};
    }
    return text;
}

}  // namespace

int run_policy(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
    PolicyArgs a = parse_policy_args(args);
    auto policy = governance::load_policy(a.policy);
    if (!policy) {
        err << "error: " << annotate::printable(policy.error().describe()) << "\n";
        return k_exit_input;
    }
    const std::string name = a.report == "-" ? "<stdin>" : a.report;
    auto text = read_report_text(a.report, in);
    if (!text) {
        err << "error: " << annotate::printable(text.error().describe()) << "\n";
        return k_exit_input;
    }
    nlohmann::json report;
    try {
        report = nlohmann::json::parse(*text);
    } catch (const nlohmann::json::parse_error& e) {
        err << "error: " << annotate::printable(name) << ": not valid JSON (at byte " << e.byte << ")\n";
        return k_exit_input;
    }
    if (auto facts = governance::read_report(report); !facts) {
        err << "error: " << annotate::printable(name) << ": not a pgfence report: " << annotate::printable(facts.error().message) << "\n";
        return k_exit_input;
    }
    // The upload envelope names its repository; --repository wins.
    std::string repository = a.repository;
    if (repository.empty() && report.contains("report")) {
        if (auto named = report.find("repository"); named != report.end() && named->is_string()) repository = named->get<std::string>();
    }
    governance::Decision decision = governance::evaluate(*policy, report, repository, {});
    if (a.json) out << governance::to_json(decision).dump(2) << "\n";
    else out << governance::to_text(decision);
    return decision.conclusion == governance::Conclusion::Success ? k_exit_ok : k_exit_findings;
}

}  // namespace pgfence::bot
