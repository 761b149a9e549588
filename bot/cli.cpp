#include "bot/cli.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>

#include "analyze/analyzer.hpp"
#include "annotate/json_report.hpp"
#include "annotate/terminal.hpp"

#ifndef PGFENCE_VERSION
#define PGFENCE_VERSION "0.1.0"
#endif

namespace pgfence::bot {
namespace {

using namespace pgfence::analyze;

constexpr const char* k_usage = R"(usage: pgfence <command> [options]

commands:
  analyze PATH...     report what each migration statement locks, blocks and rewrites
  help                show this text
  version             print the version

analyze options:
  --format text|json        output format (default: text)
  --pg-version N            target PostgreSQL major version, 11 to 17 (default: 15)
  --direction up|down|both  which part of up/down migrations to read (default: up)
  --unparsable fail|warn    exit 2 when a statement does not parse (fail, default) or not (warn)
  --color auto|always|never colour in the text format (default: auto: only on a terminal)
  --jobs N                  files analysed in parallel (default: one per core)
  -o, --output FILE         write the report to FILE instead of standard output

exit codes: 0 analysed; 1 findings over --max-risk (findings come with the rules);
            2 usage error, unreadable input, or a statement that does not parse
)";

struct AnalyzeArgs {
    std::vector<std::string> paths;
    std::string format = "text";
    std::string color = "auto";
    std::string output;
    bool fail_on_unparsable = true;
    AnalyzeOptions options;
};

struct UsageError {
    std::string message;
};

int parse_int(const std::string& flag, const std::string& value, int lo, int hi) {
    char* end = nullptr;
    long v = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || v < lo || v > hi) {
        throw UsageError{flag + " takes a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                         ", not '" + value + "'"};
    }
    return static_cast<int>(v);
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
            if (a.format != "text" && a.format != "json") throw UsageError{"--format takes text or json, not '" + a.format + "'"};
        } else if (is("--pg-version")) {
            a.options.pg_version = parse_int("--pg-version", value("--pg-version"), 11, 17);
        } else if (is("--direction")) {
            std::string d = value("--direction");
            if (d == "up") a.options.direction = Direction::Up;
            else if (d == "down") a.options.direction = Direction::Down;
            else if (d == "both") a.options.direction = Direction::Both;
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
            a.options.threads = static_cast<unsigned>(parse_int("--jobs", value("--jobs"), 1, 256));
        } else if (arg == "-o" || is("--output")) {
            a.output = value(arg == "-o" ? "-o" : "--output");
        } else if (arg == "--") {
            for (++i; i < args.size(); ++i) a.paths.push_back(args[i]);
        } else if (arg.size() > 1 && arg[0] == '-') {
            throw UsageError{"unknown option '" + arg + "' (see 'pgfence help')"};
        } else {
            a.paths.push_back(arg);
        }
    }
    if (a.paths.empty()) throw UsageError{"analyze needs at least one file, directory or glob"};
    return a;
}

int run_analyze(const AnalyzeArgs& a, std::ostream& out, std::ostream& err) {
    std::vector<Error> input_errors;
    std::vector<std::string> files = expand_inputs(a.paths, input_errors);
    for (const auto& e : input_errors) err << "error: " << e.describe() << "\n";
    Report report = analyze_files(files, a.options);

    bool failed = !input_errors.empty();
    for (const auto& f : report.files) {
        if (f.error) {
            err << "error: " << f.error->describe() << "\n";
            failed = true;
        }
        for (const auto& s : f.statements) {
            if (s.status == StatementStatus::Unparsable && s.parse_error) {
                err << (a.fail_on_unparsable ? "error: " : "warning: ") << s.parse_error->describe()
                    << " (statement not analysed)\n";
                failed = failed || a.fail_on_unparsable;
            }
        }
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
    } else {
        bool tty = a.output.empty() && &out == &std::cout && isatty(STDOUT_FILENO);
        bool color = a.color == "always" || (a.color == "auto" && tty && std::getenv("NO_COLOR") == nullptr);
        annotate::render_terminal(report, *sink, annotate::TerminalOptions{color});
    }
    sink->flush();
    return failed ? k_exit_input : k_exit_ok;
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
