#include "bot/cli.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <filesystem>
#include <optional>
#include <sstream>

#include "analyze/analyzer.hpp"
#include "annotate/json_report.hpp"
#include "annotate/markdown.hpp"
#include "annotate/printable.hpp"
#include "annotate/terminal.hpp"
#include "analyze/rules/common.hpp"
#include "bot/cli_args.hpp"
#include "bot/config.hpp"

#ifndef PGFENCE_VERSION
#define PGFENCE_VERSION "0.1.0"
#endif

namespace pgfence::bot {
namespace {

using namespace pgfence::analyze;
namespace fs = std::filesystem;

constexpr const char* k_usage = R"(usage: pgfence <command> [options]

commands:
  analyze PATH...     report what each migration statement locks, blocks and rewrites, with findings
  rules               list every rule: id, default risk, whether it is on by default, summary
  help                show this text
  version             print the version

analyze options:
  --format text|json|markdown  output format (default: text)
  --pg-version N            target PostgreSQL major version, 11 to 17 (default: 15)
  --direction up|down|both  which part of up/down migrations to read (default: up)
  --ci                      exit 1 when a finding's risk is above --max-risk
  --max-risk LEVEL          low, medium, high or critical (default: medium)
  --enable ID[,ID...]       turn on rules (opt-in ones, or ones the config turned off)
  --disable ID[,ID...]      turn off rules
  --max-lock-timeout TIME   the most lock_timeout may be, e.g. 5s (default: 10s)
  --config FILE             read this configuration file instead of searching for one
  --no-config               ignore .pgfence.toml / .pgfence.json
  --unparsable fail|warn    exit 2 when a statement does not parse (fail, default) or not (warn)
  --color auto|always|never colour in the text format (default: auto: only on a terminal)
  --jobs N                  files analysed in parallel (default: one per core)
  -o, --output FILE         write the report to FILE instead of standard output

exit codes: 0 no finding above --max-risk (or no --ci); 1 with --ci, a finding above --max-risk;
            2 usage or configuration error, unreadable input, or a statement that does not parse
)";

struct AnalyzeArgs {
    std::vector<std::string> paths;
    std::string format = "text";
    std::string color = "auto";
    std::string output;
    std::optional<bool> fail_on_unparsable;
    bool ci = false;
    std::optional<Risk> max_risk;
    std::optional<int> pg_version;
    std::optional<Direction> direction;
    std::optional<int> max_lock_timeout_ms;
    std::string config;
    bool no_config = false;
    std::vector<std::string> enable;
    std::vector<std::string> disable;
    unsigned threads = 0;
};

std::vector<std::string> split_ids(const std::string& flag, const std::string& value) {
    std::vector<std::string> out;
    std::stringstream ss(value);
    for (std::string id; std::getline(ss, id, ',');) {
        if (id.empty()) continue;
        if (rules::find_rule(id) == nullptr) throw UsageError{flag + ": unknown rule id '" + id + "' (see 'pgfence rules')"};
        out.push_back(id);
    }
    return out;
}

AnalyzeArgs parse_analyze(const std::vector<std::string>& args) {
    AnalyzeArgs a;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto value = [&](const std::string& flag) -> std::string {
            auto eq = arg.find('=');
            if (eq != std::string::npos) return arg.substr(eq + 1);
            if (i + 1 >= args.size()) throw UsageError{flag + " needs a value"};
            return args[++i];
        };
        auto is = [&](const char* flag) { return arg == flag || arg.rfind(std::string(flag) + "=", 0) == 0; };
        if (is("--format")) {
            a.format = value("--format");
            if (a.format != "text" && a.format != "json" && a.format != "markdown")
                throw UsageError{"--format takes text, json or markdown, not '" + a.format + "'"};
        } else if (is("--pg-version")) {
            a.pg_version = parse_int("--pg-version", value("--pg-version"), 11, 17);
        } else if (is("--direction")) {
            std::string d = value("--direction");
            if (d == "up") a.direction = Direction::Up;
            else if (d == "down") a.direction = Direction::Down;
            else if (d == "both") a.direction = Direction::Both;
            else throw UsageError{"--direction takes up, down or both, not '" + d + "'"};
        } else if (is("--unparsable")) {
            std::string u = value("--unparsable");
            if (u != "fail" && u != "warn") throw UsageError{"--unparsable takes fail or warn, not '" + u + "'"};
            a.fail_on_unparsable = u == "fail";
        } else if (is("--color") || is("--colour")) {
            a.color = value("--color");
            if (a.color != "auto" && a.color != "always" && a.color != "never")
                throw UsageError{"--color takes auto, always or never, not '" + a.color + "'"};
        } else if (is("--jobs")) {
            a.threads = static_cast<unsigned>(parse_int("--jobs", value("--jobs"), 1, 256));
        } else if (arg == "-o" || is("--output")) {
            a.output = value(arg == "-o" ? "-o" : "--output");
        } else if (arg == "--ci") {
            a.ci = true;
        } else if (is("--max-risk")) {
            std::string r = value("--max-risk");
            auto risk = parse_risk(r);
            if (!risk || *risk == Risk::None) throw UsageError{"--max-risk takes low, medium, high or critical, not '" + r + "'"};
            a.max_risk = *risk;
        } else if (is("--enable")) {
            for (auto& id : split_ids("--enable", value("--enable"))) a.enable.push_back(id);
        } else if (is("--disable")) {
            for (auto& id : split_ids("--disable", value("--disable"))) a.disable.push_back(id);
        } else if (is("--max-lock-timeout")) {
            std::string t = value("--max-lock-timeout");
            auto ms = rules::duration_ms(t);
            if (!ms || *ms < 0) throw UsageError{"--max-lock-timeout takes a duration such as 5s or 500ms, not '" + t + "'"};
            a.max_lock_timeout_ms = static_cast<int>(*ms);
        } else if (is("--config")) {
            a.config = value("--config");
        } else if (arg == "--no-config") {
            a.no_config = true;
        } else if (arg == "--") {
            for (++i; i < args.size(); ++i) a.paths.push_back(args[i]);
        } else if (arg.size() > 1 && arg[0] == '-') {
            throw UsageError{"unknown option '" + arg + "' (see 'pgfence help')"};
        } else {
            a.paths.push_back(arg);
        }
    }
    return a;
}

// Defaults, then the configuration file, then the command line.
struct Settings {
    AnalyzeOptions options;
    Risk max_risk = Risk::Medium;
    bool fail_on_unparsable = true;
    std::vector<std::string> paths;
};

Settings resolve(const AnalyzeArgs& a, std::ostream& err, bool& config_failed) {
    Settings s;
    std::optional<fs::path> config_path;
    if (!a.config.empty()) config_path = fs::path(a.config);
    else if (!a.no_config) config_path = find_config(fs::current_path());
    if (config_path) {
        auto loaded = load_config(*config_path);
        if (!loaded) {
            err << "error: " << loaded.error().describe() << "\n";
            config_failed = true;
            return s;
        }
        const Config& c = *loaded;
        if (c.pg_version) s.options.pg_version = *c.pg_version;
        if (c.max_risk) s.max_risk = *c.max_risk;
        if (c.fail_on_unparsable) s.fail_on_unparsable = *c.fail_on_unparsable;
        if (c.direction) s.options.direction = *c.direction;
        s.options.rules = c.rules;
        fs::path base = config_path->parent_path();
        for (const auto& p : c.paths) s.paths.push_back(fs::path(p).is_absolute() || base.empty() ? p : (base / p).string());
    }
    if (a.pg_version) s.options.pg_version = *a.pg_version;
    if (a.direction) s.options.direction = *a.direction;
    if (a.max_risk) s.max_risk = *a.max_risk;
    if (a.fail_on_unparsable) s.fail_on_unparsable = *a.fail_on_unparsable;
    if (a.max_lock_timeout_ms) s.options.rules.max_lock_timeout_ms = *a.max_lock_timeout_ms;
    for (const auto& id : a.enable) {
        s.options.rules.enabled.insert(id);
        s.options.rules.disabled.erase(id);
    }
    for (const auto& id : a.disable) s.options.rules.disabled.insert(id);
    s.options.threads = a.threads;
    if (!a.paths.empty()) s.paths = a.paths;
    return s;
}

int run_analyze(const AnalyzeArgs& a, std::ostream& out, std::ostream& err) {
    bool config_failed = false;
    Settings settings = resolve(a, err, config_failed);
    if (config_failed) return k_exit_input;
    if (settings.paths.empty()) throw UsageError{"analyze needs at least one file, directory or glob (or paths in the config file)"};

    std::vector<Error> input_errors;
    std::vector<std::string> files = expand_inputs(settings.paths, input_errors);
    for (const auto& e : input_errors) err << "error: " << annotate::printable(e.describe()) << "\n";
    Report report = analyze_files(files, settings.options);

    bool failed = !input_errors.empty();
    bool over = false;
    for (const auto& f : report.files) {
        if (f.error) {
            err << "error: " << annotate::printable(f.error->describe()) << "\n";
            failed = true;
        }
        for (const auto& s : f.statements) {
            if (s.status == StatementStatus::Unparsable && s.parse_error) {
                err << (settings.fail_on_unparsable ? "error: " : "warning: ") << annotate::printable(s.parse_error->describe())
                    << " (statement not analysed)\n";
                failed = failed || settings.fail_on_unparsable;
            }
        }
        for (const auto& finding : f.findings) over = over || (finding.risk > settings.max_risk && !finding.pre_existing);
    }

    std::ofstream file;
    std::ostream* sink = &out;
    if (!a.output.empty()) {
        file.open(a.output, std::ios::binary | std::ios::trunc);
        if (!file) {
            err << "error: " << a.output << ": cannot write the report\n";
            return k_exit_input;
        }
        sink = &file;
    }
    if (a.format == "json") {
        annotate::write_json_report(report, *sink);
    } else if (a.format == "markdown") {
        annotate::render_markdown(report, *sink);
    } else {
        bool tty = a.output.empty() && &out == &std::cout && isatty(STDOUT_FILENO);
        bool color = a.color == "always" || (a.color == "auto" && tty && std::getenv("NO_COLOR") == nullptr);
        annotate::render_terminal(report, *sink, annotate::TerminalOptions{color});
    }
    sink->flush();
    if (failed) return k_exit_input;
    if (a.ci && over) {
        err << "pgfence: findings above --max-risk " << risk_name(settings.max_risk) << "\n";
        return k_exit_findings;
    }
    return k_exit_ok;
}

int run_rules_list(std::ostream& out) {
    for (const auto& r : rules::all_rules()) {
        std::string id(r.id);
        out << id << std::string(id.size() < 40 ? 40 - id.size() : 1, ' ') << risk_name(r.default_risk)
            << std::string(10 - risk_name(r.default_risk).size(), ' ') << (r.default_enabled ? "on " : "off") << "  "
            << r.summary << "\n";
    }
    return k_exit_ok;
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    try {
        if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
            (args.empty() ? err : out) << k_usage;
            return args.empty() ? k_exit_input : k_exit_ok;
        }
        if (args[0] == "version" || args[0] == "--version") {
            out << "pgfence " << PGFENCE_VERSION << "\n";
            return k_exit_ok;
        }
        if (args[0] == "analyze") return run_analyze(parse_analyze(args), out, err);
        if (args[0] == "rules") return run_rules_list(out);
        throw UsageError{"unknown command '" + args[0] + "' (see 'pgfence help')"};
    } catch (const UsageError& e) {
        err << "error: " << e.message << "\n";
        return k_exit_input;
    } catch (const std::exception& e) {
        err << "error: internal error: " << e.what() << "\n";
        return k_exit_input;
    }
}

}  // namespace pgfence::bot
