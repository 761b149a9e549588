#include "bot/trace_command.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "analyze/analyzer.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/conventions.hpp"
#include "analyze/migrations/migration_order.hpp"
#include "annotate/printable.hpp"
#include "bot/analyze_command.hpp"
#include "bot/analyze_history.hpp"
#include "bot/cli.hpp"
#include "bot/cli_args.hpp"
#include "bot/config.hpp"
#include "bot/progress.hpp"
#include "trace/interrupt.hpp"
#include "trace/pg_binaries.hpp"
#include "trace/pg_instance.hpp"
#include "trace/pq_connection.hpp"
#include "trace/proof_scope.hpp"
#include "trace/render.hpp"
#include "trace/tracer.hpp"

namespace pgfence::bot {
namespace {

struct TraceArgs {
    std::vector<std::string> paths;
    std::vector<std::string> setup;
    std::string pg_bin;
    int pg_version = 0;
    std::string docker_image;
    std::string format = "text";
    std::string color = "auto";
    std::string output;
    bool ci = false;
    std::optional<analyze::Risk> max_risk;  // --ci also fails on a statement riskier than this
    bool isolated = false;
    bool as_superuser = false;
    bool plan = false;
    int timeout_seconds = 300;
    // The whole run's (red team r70 F10): N statements each just under --trace-timeout cannot take
    // N times it. Past it the rest is not run and the trace fails, saying why.
    int budget_seconds = 1800;
    bool verbose = false;
    std::uint64_t max_file_bytes = analyze::k_default_max_file_bytes;
    bool max_file_given = false;  // --max-file-size: the configuration's max_file_size does not apply
    // The configuration, found as analyze finds it (--config FILE, else the nearest .pgfence.toml
    // or .pgfence.json; --no-config: none): its tool, max_risk, max_file_size and [rules].
    std::string config;
    bool no_config = false;
    std::string tool;
    analyze::rules::Options rules;
};

TraceArgs parse_trace(const std::vector<std::string>& args) {
    TraceArgs a;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto value = [&](const std::string& flag) -> std::string {
            auto eq = arg.find('=');
            if (eq != std::string::npos && arg.starts_with("--")) return arg.substr(eq + 1);
            if (i + 1 >= args.size()) throw UsageError{flag + " needs a value"};
            return args[++i];
        };
        auto is = [&](const char* flag) { return arg == flag || arg.rfind(std::string(flag) + "=", 0) == 0; };
        if (is("--format")) {
            a.format = value("--format");
            if (a.format != "text" && a.format != "json") throw UsageError{"--format takes text or json, not '" + a.format + "'"};
        } else if (is("--pg-bin")) {
            a.pg_bin = value("--pg-bin");
        } else if (is("--pg-version")) {
            a.pg_version = parse_int("--pg-version", value("--pg-version"), analyze::k_oldest_pg_version, analyze::k_newest_pg_version);
        } else if (is("--docker-image")) {
            a.docker_image = value("--docker-image");
            if (a.docker_image.empty()) throw UsageError{"--docker-image needs an image name"};
        } else if (is("--setup")) {
            a.setup.push_back(value("--setup"));
        } else if (is("--color") || is("--colour")) {
            a.color = value("--color");
            if (a.color != "auto" && a.color != "always" && a.color != "never")
                throw UsageError{"--color takes auto, always or never, not '" + a.color + "'"};
        } else if (arg == "-o" || is("--output")) {
            a.output = value(arg == "-o" ? "-o" : "--output");
        } else if (arg == "--ci") {
            a.ci = true;
        } else if (is("--max-risk")) {
            std::string r = value("--max-risk");
            auto risk = analyze::parse_risk(r);
            if (!risk || *risk == analyze::Risk::None) throw UsageError{"--max-risk takes low, medium, high or critical, not '" + r + "'"};
            a.max_risk = *risk;
        } else if (is("--max-file-size")) {
            a.max_file_bytes = parse_max_file_size(value("--max-file-size"));
            a.max_file_given = true;
        } else if (is("--config")) {
            a.config = value("--config");
        } else if (arg == "--no-config") {
            a.no_config = true;
        } else if (arg == "--plan") {
            a.plan = true;
        } else if (arg == "--isolated") {
            a.isolated = true;
        } else if (arg == "--trace-as-superuser") {
            a.as_superuser = true;
        } else if (is("--trace-timeout")) {
            a.timeout_seconds = parse_int("--trace-timeout", value("--trace-timeout"), 1, 86400);
        } else if (is("--trace-budget")) {
            a.budget_seconds = parse_int("--trace-budget", value("--trace-budget"), 1, 86400);
        } else if (arg == "-v" || arg == "--verbose") {
            a.verbose = true;
        } else if (arg == "--") {
            for (++i; i < args.size(); ++i) a.paths.push_back(args[i]);
        } else if (arg.size() > 1 && arg[0] == '-') {
            throw UsageError{"unknown option '" + arg.substr(0, arg.find('=')) + "' for trace (see 'pgfence trace --help')", arg.substr(0, arg.find('='))};
        } else {
            a.paths.push_back(arg);
        }
    }
    if (a.paths.empty()) throw UsageError{"trace needs at least one file, directory or glob"};
    if (!a.config.empty() && a.no_config) throw UsageError{"--config and --no-config cannot be combined"};
    if (!a.docker_image.empty() && (!a.pg_bin.empty() || a.pg_version != 0)) {
        throw UsageError{"--docker-image cannot be combined with --pg-bin or --pg-version"};
    }
    return a;
}

// The docker CLI on PATH and an engine answering it; otherwise the reason why not.
std::string docker_unavailable() {
    const char* path = std::getenv("PATH");
    bool found = false;
    std::stringstream dirs(path ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':') && !found;) {
        found = !dir.empty() && access((dir + "/docker").c_str(), X_OK) == 0;
    }
    if (!found) return "docker is not on PATH";
    pid_t pid = fork();
    if (pid == 0) {
        int null_fd = open("/dev/null", O_RDWR);
        dup2(null_fd, 0);
        dup2(null_fd, 1);
        dup2(null_fd, 2);
        execlp("docker", "docker", "info", "--format", "{{.ServerVersion}}", static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        return "no Docker engine is reachable ('docker info' failed)";
    }
    return "";
}

// The configuration's settings trace uses, where no flag gives them; false (the error said) when
// the file does not load. `pg_version` is the server's; `paths`, `exclude`, `direction` and the
// stats are analyze's.
bool apply_trace_config(TraceArgs& a, std::ostream& err) {
    std::optional<std::filesystem::path> path;
    if (!a.config.empty()) path = std::filesystem::path(a.config);
    else if (!a.no_config) path = find_config(std::filesystem::current_path());
    if (!path) return true;
    auto loaded = load_config(*path);
    if (!loaded) {
        err << "error: " << annotate::printable(loaded.error().describe()) << "\n";
        return false;
    }
    if (loaded->tool) a.tool = *loaded->tool;
    if (loaded->max_risk && !a.max_risk) a.max_risk = *loaded->max_risk;
    if (loaded->max_file_bytes && !a.max_file_given) a.max_file_bytes = *loaded->max_file_bytes;
    a.rules = loaded->rules;
    return true;
}

bool read_text(const std::string& path, std::string& text) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
    return static_cast<bool>(in) || in.eof();
}

int trace_command(const TraceArgs& a, std::ostream& out, std::ostream& err,
                  std::function<void(analyze::StatementFacts&)> tamper, std::vector<PlanRehearsal>* rehearsals,
                  const std::string& copy) {
    const auto started = std::chrono::steady_clock::now();
    std::vector<analyze::Error> input_errors;
    std::vector<std::string> files = analyze::expand_inputs(a.paths, input_errors);
    for (const auto& e : input_errors) err << "error: " << annotate::printable(e.describe()) << "\n";
    if (!input_errors.empty()) return k_exit_input;
    // Each migration set in the order its tool applies it (V1_9 before V1_10), not by name.
    {
        analyze::MigrationSets sets = analyze::group_migration_sets(files);
        files = std::move(sets.files);
        // Flyway loads all its locations as one set ordered by version: folders of Flyway files
        // given together run merged by version, as one migrate runs them (the DBA review dba71:
        // conductor's data location's V13.2 runs before the main location's V14, not after V18).
        const bool several = std::any_of(sets.set_of.begin(), sets.set_of.end(), [](std::size_t s) { return s != 0; });
        const bool flyway = std::all_of(files.begin(), files.end(), [](const std::string& f) {
            const std::string_view name = analyze::path_name(f);
            return !name.empty() && name[0] != 'U' && name[0] != 'u' && analyze::flyway_name(name);
        });
        if (several && flyway) std::stable_sort(files.begin(), files.end(), [](const std::string& x, const std::string& y) {
            return analyze::migration_before(x, y);
        });
    }

    std::vector<trace::SetupFile> setup;
    for (const auto& path : a.setup) {
        trace::SetupFile f{path, ""};
        std::error_code ec;
        if (std::uintmax_t size = std::filesystem::file_size(path, ec); !ec && size > a.max_file_bytes) {
            err << "error: --setup " << annotate::printable(path) << ": " << analyze::file_too_large(size, a.max_file_bytes) << "\n";
            return k_exit_input;
        }
        if (!read_text(path, f.text)) {
            err << "error: --setup " << path << ": cannot read the file\n";
            return k_exit_input;
        }
        setup.push_back(std::move(f));
    }
    if (!a.docker_image.empty()) {
        std::string why = docker_unavailable();
        if (why.empty()) why = "running the server in Docker is not supported by this build yet";
        err << "error: --docker-image " << a.docker_image << ": " << why << "; use local server binaries instead\n";
        return k_exit_input;
    }
    auto bin_dir = trace::find_server_binaries(a.pg_bin, a.pg_version);
    if (!bin_dir) {
        err << "error: " << bin_dir.error().message << "\n";
        return k_exit_input;
    }

    std::unique_ptr<analyze::OutputFile> file;
    std::ostream* sink = open_output(a.output, file, out, err);
    if (sink == nullptr) return k_exit_input;

    trace::TraceReport report;
    bool file_errors = false;
    {
        trace::InstanceOptions options;
        options.bin_dir = *bin_dir;
        auto instance = trace::PgInstance::start(options);
        if (!instance) {
            err << "error: cannot start PostgreSQL: " << instance.error().message << "\n";
            return k_exit_input;
        }
        trace::stop_server_on_signals(instance->get());
        trace::TraceOptions trace_options;
        trace_options.analyze.pg_version = std::clamp((*instance)->major_version(), analyze::k_oldest_pg_version, analyze::k_newest_pg_version);
        trace_options.isolated = a.isolated;
        trace_options.as_superuser = a.as_superuser;
        trace_options.analyze.confine_to = copy.empty() ? untrusted_checkout() : copy;
        trace_options.analyze.run_folder = copy;
        trace_options.statement_limit = std::chrono::seconds(a.timeout_seconds);
        trace_options.analyze.max_file_bytes = a.max_file_bytes;
        trace_options.analyze.tool = a.tool;
        trace_options.analyze.rules = a.rules;
        trace_options.tamper = std::move(tamper);
        // The plans' new versions, and the later migrations a later-release step must come after,
        // are those of the sets traced and of their folders, as analyze sees them.
        const analyze::KnownMigrations known(
            a.plan ? known_migrations(files, {}, CommittedMigrations{}, trace_options.analyze.input_format, trace_options.analyze.confine_to)
                   : std::vector<std::string>{});
        if (a.plan) trace_options.analyze.known_migrations = &known;
        trace::Tracer tracer(**instance, std::move(trace_options));
        // From here the repository's SQL runs (the setup files first): the run budget counts.
        trace::set_run_deadline(std::chrono::steady_clock::now() + std::chrono::seconds(a.budget_seconds), a.budget_seconds);
        struct NoDeadline {
            ~NoDeadline() { trace::set_run_deadline(std::nullopt, 0); }
        } no_deadline_after;
        if (auto s = tracer.prepare(setup); !s) {
            trace::stop_server_on_signals(nullptr);
            err << "error: " << s.error().message << "\n";
            return k_exit_input;
        }
        report.server_version = tracer.server_version();
        report.setup = a.setup;
        Progress progress(err, a.plan ? "trace --plan" : "trace", files.size());
        for (std::size_t at = 0; at < files.size(); ++at) {
            const std::string& path = files[at];
            if (trace::run_deadline_passed()) {
                report.stopped = trace::run_budget_text() + ": " + std::to_string(files.size() - at) + " of " +
                                 std::to_string(files.size()) + " files not traced";
                break;
            }
            progress.step(at, path);
            std::size_t first = report.files.size();
            if (a.plan) {
                // The files after it are the repository's later migrations: they must still apply.
                std::vector<std::string> later(files.begin() + static_cast<std::ptrdiff_t>(at) + 1, files.end());
                trace::TracedPlan plan = tracer.trace_plan(path, report.files, later);
                // A rehearsal cut short by the run budget proves nothing.
                if (trace::run_deadline_passed() && plan.verdict == "proven") {
                    plan.verdict = "unchecked";
                    plan.reason = trace::run_budget_text() + " during its rehearsal";
                }
                if (!plan.steps.empty() || plan.verdict == "declined") report.plans.push_back(std::move(plan));
            } else {
                report.files.push_back(tracer.trace_file(path));
            }
            for (std::size_t i = first; i < report.files.size(); ++i) {
                if (const auto& e = report.files[i].error) {
                    progress.clear();
                    err << "error: " << annotate::printable(e->describe()) << "\n";
                    file_errors = true;
                }
            }
        }
        progress.clear();
        if (report.stopped.empty() && trace::run_deadline_passed()) report.stopped = trace::run_budget_text() + " (the last file's end cut short)";
        report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        trace::stop_server_on_signals(nullptr);  // from here the watchdog covers an interruption
        instance->reset();                       // stopped and removed before the report is written
    }

    if (rehearsals != nullptr) {
        for (const auto& p : report.plans) {
            rehearsals->push_back(PlanRehearsal{p.path, p.verdict, p.reason, p.rescued, report.server_version,
                                                trace::shown_verdict(p, report.server_version),
                                                trace::proof_scope(p, report.server_version).sentence()});
        }
    }
    if (a.format == "json") {
        trace::write_trace_json(report, *sink);
    } else {
        bool tty = a.output.empty() && &out == &std::cout && isatty(STDOUT_FILENO);
        bool color = a.color == "always" || (a.color == "auto" && tty && std::getenv("NO_COLOR") == nullptr);
        trace::render_trace_text(report, *sink, trace::TextOptions{color, a.verbose});
    }
    sink->flush();
    if (!finish_output(file, err)) return k_exit_input;
    if (file_errors) return k_exit_input;
    // --max-risk (the original pgfence's `trace --ci --max-risk medium`): the traced risk, the
    // higher of the static one and what the server showed, above it fails --ci too.
    std::size_t risky = 0;
    if (a.max_risk) {
        for (const auto& file : report.files) {
            for (const auto& st : file.statements) risky += st.risk > *a.max_risk ? 1 : 0;
        }
    }
    if (a.ci && risky > 0 && !report.failed()) {
        err << "pgfence: trace found " << risky << " statement(s) with a risk above --max-risk "
            << analyze::risk_name(*a.max_risk) << "\n";
        return k_exit_findings;
    }
    if (!report.stopped.empty()) {
        // Not every statement ran: no verdict stands for the rest, with or without --ci.
        err << "pgfence: trace stopped: " << annotate::printable(report.stopped) << "\n";
        return k_exit_findings;
    }
    if (a.ci && report.failed()) {
        long plans = std::count_if(report.plans.begin(), report.plans.end(), [](const trace::TracedPlan& p) { return !p.ok(); });
        err << "pgfence: trace found " << report.count(trace::Verdict::Mismatch) << " mismatch(es), "
            << report.count(trace::Verdict::Error) << " statement(s) the server rejected and " << plans
            << " plan(s) that did not run through or differ from the file\n";
        return k_exit_findings;
    }
    return k_exit_ok;
}

}  // namespace

int run_trace(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    return run_trace(args, out, err, nullptr);
}

int run_trace(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
              std::function<void(analyze::StatementFacts&)> tamper, std::vector<PlanRehearsal>* rehearsals,
              const std::string& copy, const std::string& tool) {
    try {
        TraceArgs a = parse_trace(args);
        if (copy.empty() && !apply_trace_config(a, err)) return k_exit_input;
        if (!copy.empty()) a.tool = tool;
        return trace_command(a, out, err, std::move(tamper), rehearsals, copy);
    } catch (const UsageError& e) {
        // An unknown option: run_cli adds the nearest one to its line.
        if (!e.unknown_option.empty()) throw;
        err << "error: " << e.message << "\n";
        return k_exit_input;
    } catch (const std::exception& e) {
        err << "error: internal error: " << e.what() << "\n";
        return k_exit_input;
    }
}

}  // namespace pgfence::bot
