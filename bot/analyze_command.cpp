#include "bot/analyze_command.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "analyze/civil_date.hpp"
#include "analyze/migration_order.hpp"
#include "analyze/path_parts.hpp"
#include "analyze/plan.hpp"
#include "analyze/rules/common.hpp"
#include "annotate/ci_formats.hpp"
#include "annotate/json_report.hpp"
#include "annotate/markdown.hpp"
#include "annotate/printable.hpp"
#include "annotate/sarif.hpp"
#include "annotate/terminal.hpp"
#include "annotate/workflow_commands.hpp"
#include "bot/analyze_history.hpp"
#include "bot/baseline.hpp"
#include "bot/cli.hpp"
#include "bot/cli_args.hpp"
#include "bot/config.hpp"
#include "bot/extract_stats_command.hpp"
#include "bot/plan_hint.hpp"
#include "bot/plan_paths.hpp"
#include "bot/progress.hpp"
#include "analyze/safe_write.hpp"
#include "bot/stdin_input.hpp"
#include "diff/glob.hpp"
#include "analyze/tools/flyway_locations.hpp"
#include "analyze/tools/other_database.hpp"
#include "analyze/tools/project_pg_version.hpp"
#include "analyze/tools/sqlx_crate.hpp"
#include "analyze/tools/tool_dir_inputs.hpp"
#include "diff/repository.hpp"
#include "stats/apply.hpp"
#include "stats/conninfo.hpp"
#include "stats/units.hpp"

namespace pgfence::bot {
namespace {

using namespace pgfence::analyze;
namespace fs = std::filesystem;

}  // namespace

bool excluded(const std::vector<std::string>& globs, const std::string& path) {
    return !globs.empty() && diff::matches_any(globs, fs::path(path).lexically_normal().generic_string());
}

namespace {

bool is_output_format(std::string_view f) {
    return f == "text" || f == "compact" || f == "json" || f == "markdown" || f == "sarif" || f == "github" || f == "gitlab" || f == "rdjson" ||
           f == "plan";
}

// The input kinds the original pgfence takes as --format.
std::optional<orm::InputFormat> input_kind(std::string_view f) {
    if (f == "prisma" || f == "drizzle") return orm::InputFormat::Auto;
    if (f == "sql" || f == "typeorm" || f == "knex" || f == "sequelize" || f == "db-migrate") return orm::parse_input_format(f);
    return std::nullopt;
}

std::vector<std::string> split_ids(const std::string& flag, const std::string& value) {
    std::vector<std::string> out;
    std::stringstream ss(value);
    for (std::string id; std::getline(ss, id, ',');) {
        if (id.empty()) continue;
        if (rules::find_rule(id) == nullptr) {
            std::vector<std::string> ids;
            for (const auto& r : rules::all_rules()) ids.emplace_back(r.id);
            std::string guess = nearest(id, ids);
            throw UsageError{flag + ": unknown rule id '" + id + "'" + (guess.empty() ? "" : "; did you mean '" + guess + "'?") +
                             " (see 'pgfence rules')"};
        }
        out.push_back(id);
    }
    return out;
}

}  // namespace

AnalyzeArgs parse_analyze(const std::vector<std::string>& args) {
    AnalyzeArgs a;
    bool format_given = false;
    std::string output_named;  // the format --output named, as given
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& arg = args[i];
        // A path (most arguments: a shell glob expands to thousands) is no option.
        if (arg.size() <= 1 || arg[0] != '-') {
            a.paths.push_back(arg);
            continue;
        }
        auto value = [&](const std::string& flag) -> std::string {
            auto eq = arg.find('=');
            if (eq != std::string::npos) return arg.substr(eq + 1);
            if (i + 1 >= args.size()) throw UsageError{flag + " needs a value"};
            return args[++i];
        };
        auto is = [&](std::string_view flag) {
            return arg.starts_with(flag) && (arg.size() == flag.size() || arg[flag.size()] == '=');
        };
        if (is("--format")) {
            std::string f = value("--format");
            // The original pgfence's --format names the input (`--format typeorm`): an input
            // kind selects how files are read, as --input-format does; Prisma and Drizzle
            // migrations are SQL files whose tool the path tells.
            if (auto input = input_kind(f)) {
                a.input_format = *input;
                continue;
            }
            if (!is_output_format(f)) {
                std::string guess = nearest(f, {"text", "compact", "json", "markdown", "sarif", "github", "gitlab", "rdjson", "plan"});
                throw UsageError{"--format takes text, compact, json, markdown, sarif, github, gitlab, rdjson or plan, not '" + f + "'" +
                                 (guess.empty() ? "" : "; did you mean '" + guess + "'?")};
            }
            if (!output_named.empty() && a.format != f)
                throw UsageError{"--output " + output_named + (output_named == "github" ? " (the PR comment, markdown)" : "") +
                                 " names a format, and --format says " + f + ": give one (a file: -o ./" + output_named + ")"};
            a.format = f;
            format_given = true;
        } else if (is("--pg-version")) {
            a.pg_version = parse_int("--pg-version", value("--pg-version"), analyze::k_oldest_pg_version, analyze::k_newest_pg_version);
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
        } else if (is("--input-format")) {
            std::string f = value("--input-format");
            auto format = orm::parse_input_format(f);
            if (!format) throw UsageError{"--input-format takes auto, sql, typeorm, knex, sequelize, db-migrate or node-pg-migrate, not '" + f + "'"};
            a.input_format = *format;
        } else if (is("--unknown")) {
            std::string u = value("--unknown");
            if (u != "warn" && u != "block") throw UsageError{"--unknown takes warn or block, not '" + u + "'"};
            a.block_unknown = u == "block";
        } else if (is("--color") || is("--colour")) {
            a.color = value("--color");
            if (a.color != "auto" && a.color != "always" && a.color != "never")
                throw UsageError{"--color takes auto, always or never, not '" + a.color + "'"};
        } else if (is("--jobs")) {
            a.threads = static_cast<unsigned>(parse_int("--jobs", value("--jobs"), 1, 256));
        } else if (arg == "-o" || is("--output")) {
            std::string o = value(arg == "-o" ? "-o" : "--output");
            // The original pgfence's --output names the format (`--output json`): a format's
            // name is never taken for a file name (it wrote the text report into ./json). Its
            // `--output github` is the PR comment its users post: our markdown; --format github
            // stays the workflow-command annotations.
            if (is_output_format(o)) {
                std::string format = o == "github" ? "markdown" : o;
                if (format_given && a.format != format)
                    throw UsageError{"--output " + o + (o == "github" ? " (the PR comment, markdown)" : "") +
                                     " names a format, and --format says " + a.format + ": give one (a file: -o ./" + o + ")"};
                a.format = format;
                output_named = o;
                continue;
            }
            a.output = o;
        } else if (is("--baseline")) {
            a.baseline = value("--baseline");
        } else if (arg == "--update-baseline") {
            a.update_baseline = true;
        } else if (is("--changed-since")) {
            a.changed_since = value("--changed-since");
            if (a.changed_since.empty() || a.changed_since[0] == '-') throw UsageError{"--changed-since takes a commit, branch or tag, not '" + a.changed_since + "'"};
        } else if (arg == "--verbose" || arg == "-v") {
            a.verbose = true;
        } else if (arg == "--single-transaction") {
            a.single_transaction = true;
        } else if (arg == "--ci") {
            a.ci = true;
        } else if (is("--max-risk")) {
            std::string r = value("--max-risk");
            auto risk = parse_risk(r);
            if (!risk || *risk == Risk::None) throw UsageError{"--max-risk takes low, medium, high or critical, not '" + r + "'"};
            a.max_risk = *risk;
        } else if (is("--profile")) {
            std::string p = value("--profile");
            if (p != "default" && p != "strict") throw UsageError{"--profile takes default or strict, not '" + p + "'"};
            a.strict = p == "strict";
        } else if (is("--enable")) {
            for (auto& id : split_ids("--enable", value("--enable"))) a.enable.push_back(id);
        } else if (is("--disable")) {
            for (auto& id : split_ids("--disable", value("--disable"))) a.disable.push_back(id);
        } else if (is("--max-lock-timeout")) {
            std::string t = value("--max-lock-timeout");
            auto ms = rules::duration_ms(t);
            if (!ms || *ms < 0) throw UsageError{"--max-lock-timeout takes a duration such as 5s or 500ms, not '" + t + "'"};
            a.max_lock_timeout_ms = static_cast<int>(*ms);
        } else if (is("--max-statement-timeout")) {
            std::string t = value("--max-statement-timeout");
            auto ms = rules::duration_ms(t);
            if (!ms || *ms <= 0 || *ms > std::numeric_limits<int>::max()) {
                throw UsageError{"--max-statement-timeout takes a duration such as 10min or 30s, not '" + t + "'"};
            }
            a.max_statement_timeout_ms = static_cast<int>(*ms);
        } else if (is("--db-url")) {
            a.db_url = value("--db-url");
        } else if (is("--stats-file")) {
            a.stats_file = value("--stats-file");
        } else if (is("--stats-throughput")) {
            std::string t = value("--stats-throughput");
            a.stats_throughput = stats::parse_throughput(t);
            if (!a.stats_throughput) throw UsageError{"--stats-throughput takes a rate such as 50MB/s, not '" + t + "'"};
        } else if (is("--max-file-size")) {
            a.max_file_bytes = parse_max_file_size(value("--max-file-size"));
        } else if (is("--config")) {
            a.config = value("--config");
        } else if (is("--stdin-filename")) {
            a.stdin_filename = value("--stdin-filename");
        } else if (is("--exclude")) {
            a.exclude.push_back(value("--exclude"));
        } else if (is("--history")) {
            a.history.push_back(value("--history"));
        } else if (is("--schema")) {
            a.schema.push_back(value("--schema"));
        } else if (arg == "--no-history") {
            a.no_history = true;
        } else if (arg == "--plan-merged") {
            a.plan_merged = true;
        } else if (arg == "--no-config") {
            a.no_config = true;
        } else if (arg == "--") {
            for (++i; i < args.size(); ++i) a.paths.push_back(args[i]);
        } else if (arg.size() > 1 && arg[0] == '-') {
            // Never its value (after '='): it may be a URL with a password in it.
            throw UsageError{"unknown option '" + arg.substr(0, arg.find('=')) + "' (see 'pgfence " + (args.empty() ? std::string("analyze") : args[0]) +
                                 " --help')",
                             arg.substr(0, arg.find('='))};
        } else {
            a.paths.push_back(arg);
        }
    }
    if (a.update_baseline && a.baseline.empty()) throw UsageError{"--update-baseline writes the --baseline FILE: give one"};
    return a;
}

void apply_config(Settings& s, const Config& c, const fs::path& paths_folder, const fs::path& files_folder) {
    if (c.pg_version) {
        s.options.pg_version = *c.pg_version;
        s.pg_version_from = "pg_version in the configuration";
    }
    if (c.max_risk) s.max_risk = *c.max_risk;
    if (c.fail_on_unparsable) s.fail_on_unparsable = *c.fail_on_unparsable;
    if (c.block_unknown) s.block_unknown = c.block_unknown;
    if (c.direction) s.options.direction = *c.direction;
    if (c.tool) s.options.tool = *c.tool;
    if (c.max_file_bytes) s.options.max_file_bytes = *c.max_file_bytes;
    s.options.rules = c.rules;
    auto join = [](const fs::path& folder, const std::string& p) {
        return fs::path(p).is_absolute() || folder.empty() ? p : (folder / p).lexically_normal().generic_string();
    };
    for (const auto& p : c.paths) s.paths.push_back(join(paths_folder, p));
    for (const auto& p : c.exclude) s.exclude.push_back(join(paths_folder, p));
    if (c.stats_file) s.stats_file = join(files_folder, *c.stats_file);
    s.size = c.stats;
}

std::string untrusted_checkout() {
    const char* actions = std::getenv("GITHUB_ACTIONS");
    const char* workspace = std::getenv("GITHUB_WORKSPACE");
    if (actions == nullptr || std::string_view(actions) != "true" || workspace == nullptr) return {};
    // Resolved once here, not for every file read.
    std::error_code ec;
    std::string resolved = std::filesystem::weakly_canonical(workspace, ec).string();
    return ec || resolved.empty() ? std::string(workspace) : resolved;
}

void apply_args(Settings& s, const AnalyzeArgs& a) {
    s.options.confine_to = untrusted_checkout();
    // For tests: the day suppressions' until= dates are compared with, instead of today in UTC.
    if (const char* today = std::getenv("PGFENCE_TODAY"); today != nullptr && *today != '\0') {
        s.options.rules.today = analyze::parse_civil_date(today);
        if (!s.options.rules.today) throw UsageError{"PGFENCE_TODAY takes a date YYYY-MM-DD, not '" + annotate::printable(today) + "'"};
    }
    if (a.pg_version) {
        s.options.pg_version = *a.pg_version;
        s.pg_version_from = "--pg-version";
    }
    if (a.direction) s.options.direction = *a.direction;
    if (a.max_risk) s.max_risk = *a.max_risk;
    if (a.fail_on_unparsable) s.fail_on_unparsable = *a.fail_on_unparsable;
    if (a.block_unknown) s.block_unknown = a.block_unknown;
    if (a.max_lock_timeout_ms) s.options.rules.max_lock_timeout_ms = *a.max_lock_timeout_ms;
    if (a.max_statement_timeout_ms) s.options.rules.max_statement_timeout_ms = *a.max_statement_timeout_ms;
    if (a.max_file_bytes) s.options.max_file_bytes = *a.max_file_bytes;
    if (a.strict) s.options.rules.strict = *a.strict;
    for (const auto& id : a.enable) {
        s.options.rules.enabled.insert(id);
        s.options.rules.disabled.erase(id);
    }
    for (const auto& id : a.disable) s.options.rules.disabled.insert(id);
    s.options.threads = a.threads;
    if (!a.stats_file.empty()) s.stats_file = a.stats_file;
    if (a.stats_throughput) s.size.throughput = *a.stats_throughput;
    s.options.input_format = a.input_format;
    if (a.single_transaction) s.options.single_transaction = true;
    if (!a.paths.empty()) s.paths = a.paths;
    s.exclude.insert(s.exclude.end(), a.exclude.begin(), a.exclude.end());
}

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
        // `paths` and `stats_file` are relative to the configuration file's folder.
        fs::path folder = config_path->parent_path();
        apply_config(s, *loaded, folder, folder);
    }
    apply_args(s, a);
    return s;
}

bool load_stats(Settings& settings, std::ostream& err) {
    if (settings.stats_file.empty()) return true;
    auto loaded = stats::load_stats(settings.stats_file);
    if (!loaded) {
        err << "error: " << annotate::printable(loaded.error().describe()) << "\n";
        return false;
    }
    settings.stats = *loaded;
    settings.options.known_schema = settings.stats->known_schema();
    return true;
}

bool load_stats(const AnalyzeArgs& a, Settings& settings, std::ostream& err) {
    std::string url = a.db_url, from = "--db-url";
    if (url.empty() && a.stats_file.empty()) {
        if (const char* env = std::getenv("PGFENCE_DB_URL"); env != nullptr && *env != '\0') {
            url = env;
            from = "PGFENCE_DB_URL";
        }
    }
    if (url.empty()) return load_stats(settings, err);
    if (!settings.stats_file.empty()) {
        err << "note: " << from << " is used for table sizes: the stats file " << annotate::printable(settings.stats_file)
            << " is ignored\n";
        settings.stats_file.clear();
    }
    auto snapshot = take_snapshot(url, stats::ExtractOptions{}, "analyze " + from, err);
    if (!snapshot) return false;
    err << "pgfence: table sizes from " << annotate::printable(stats::redact_conninfo(url)) << ": " << snapshot->tables.size() << " tables"
        << (snapshot->in_recovery ? " (a standby)" : "") << ", PostgreSQL " << snapshot->server_version << "\n";
    settings.stats = std::make_shared<const stats::LoadedStats>(std::move(*snapshot));
    settings.options.known_schema = settings.stats->known_schema();
    return true;
}

// Neither a flag, the configuration nor a snapshot names the target: the project's own files may
// (tools/project_pg_version.hpp), searched below each folder given; the lowest they name, said.
void version_from_project(Settings& settings, std::ostream& err) {
    if (!settings.pg_version_from.empty()) return;
    std::vector<analyze::tools::NamedVersion> named;
    for (const auto& path : settings.paths) {
        std::error_code ec;
        if (!fs::is_directory(path, ec)) continue;
        for (auto& v : analyze::tools::project_pg_versions(path)) {
            v.file = (fs::path(path) / v.file).lexically_normal().generic_string();
            named.push_back(std::move(v));
        }
    }
    auto chosen = analyze::tools::choose_version(named, analyze::k_oldest_pg_version, analyze::k_newest_pg_version);
    if (chosen.major == 0) return;
    settings.options.pg_version = chosen.major;
    settings.pg_version_from = "named by " + chosen.from;
    err << "note: target PostgreSQL " << chosen.major << ", named by " << annotate::printable(chosen.from)
        << " (--pg-version or pg_version names another)\n";
}

void version_from_snapshot(Settings& settings) {
    if (!settings.stats || !settings.pg_version_from.empty()) return;
    const int major = settings.stats->server_version_num() / 10000;
    if (major < analyze::k_oldest_pg_version || major > analyze::k_newest_pg_version) return;
    settings.options.pg_version = major;
    settings.pg_version_from = "the stats snapshot's server";
}

namespace {

// Said once at the end of a report analysed without a stats snapshot (text, compact, JSON), not on
// each finding: the levels of the size-sensitive rules are those of a large table.
constexpr const char* k_sizes_assumed =
    "no stats snapshot: tables the migrations did not create are taken as large (--stats-file or --db-url sizes them)";

std::string target_line(const Settings& settings) {
    std::string line = "target: PostgreSQL " + std::to_string(settings.options.pg_version);
    if (!settings.pg_version_from.empty()) return line + " (" + settings.pg_version_from + ")";
    return line + ", assumed (--pg-version or pg_version names it)";
}

}  // namespace

SchemaContext schema_context(const AnalyzeArgs& a, const Settings& settings) {
    SchemaContext context{a.schema, nullptr, {}};
    if (settings.stats) context.snapshot_sql = &settings.stats->schema_sql();
    return context;
}

void apply_stats(Report& report, const Settings& settings) {
    if (settings.stats) (void)settings.stats->apply(report, settings.size);
}

namespace {

// One file's part of the diagnosis, added to `d`.
void diagnose_file(const analyze::FileReport& f, const Settings& settings, bool block_unknown, std::ostream& err,
                   Diagnosis& d) {
    if (f.source_kind != "sql" && f.coverage.found == 0 && f.path.ends_with(".sql")) {
        // `--format knex` (the original pgfence's input kind) on SQL files: nothing is read.
        err << "warning: " << annotate::printable(f.path) << ": read as a " << f.source_kind
            << " script (--input-format or --format " << f.source_kind
            << "), and it makes no migration call: nothing in it was analysed; a .sql file is SQL (--input-format auto)\n";
    }
    if (f.source_kind != "sql") {
        d.scripts = true;
        d.coverage.found += f.coverage.found;
        d.coverage.analysed += f.coverage.analysed;
        // Every statement pgfence could not see, not only the calls whose SQL it could not read.
        const auto unseen = std::count_if(f.statements.begin(), f.statements.end(),
                                          [](const auto& s) { return s.status == StatementStatus::Unknown; });
        d.coverage.unknown += std::max(f.coverage.unknown, static_cast<int>(unseen));
        d.coverage.unparsable += f.coverage.unparsable;
        for (const auto& s : f.statements) {
            if (s.unanalysable) {
                err << (block_unknown ? "error: " : "warning: ") << annotate::printable(s.unanalysable->describe())
                    << " (SQL not visible statically; not analysed)\n";
            }
        }
    }
    if (f.error) {
        err << "error: " << annotate::printable(f.error->describe()) << "\n";
        d.failed = true;
    }
    for (const auto& s : f.statements) {
        if (s.status == StatementStatus::Unparsable && s.parse_error) {
            err << (settings.fail_on_unparsable ? "error: " : "warning: ") << annotate::printable(s.parse_error->describe())
                << " (statement not analysed)\n";
            d.failed = d.failed || settings.fail_on_unparsable;
        }
    }
    for (const auto& finding : f.findings) {
        d.over = d.over || (finding.risk > settings.max_risk && !finding.pre_existing);
        d.unseen += !finding.pre_existing && finding.rule == "unknown-statement" ? 1 : 0;
    }
}

}  // namespace

std::string ungated_note(std::size_t unseen, bool said_warn, bool markdown) {
    if (!said_warn || unseen == 0) return {};
    const std::string n = std::to_string(unseen) + (unseen == 1 ? " statement" : " statements");
    const std::string how = markdown ? "`--unknown warn` (or `unknown = \"warn\"` in the configuration)"
                                     : "--unknown warn (or unknown = \"warn\" in the configuration)";
    return (markdown ? "**pgfence:** " : "pgfence: ") + n + " pgfence could not see (unknown-statement) " +
           (unseen == 1 ? "was" : "were") + " not gated because of " + how + ": a person must still review " +
           (unseen == 1 ? "it" : "them");
}

Diagnosis& Diagnosis::operator+=(const Diagnosis& other) {
    failed = failed || other.failed;
    over = over || other.over;
    scripts = scripts || other.scripts;
    coverage.found += other.coverage.found;
    coverage.analysed += other.coverage.analysed;
    coverage.unknown += other.coverage.unknown;
    coverage.unparsable += other.coverage.unparsable;
    unseen += other.unseen;
    return *this;
}

Diagnosis diagnose(const Report& report, const Settings& settings, bool block_unknown, std::ostream& err) {
    Diagnosis d;
    for (const auto& f : report.files) diagnose_file(f, settings, block_unknown, err, d);
    return d;
}

namespace {

// The text and JSON reports, written as the files are analysed: what is kept of a file until
// its turn is its rendered section and its error: lines, never its report.
Diagnosis stream_report(annotate::ReportStream& stream, const std::vector<std::string>& files, const Settings& settings,
                        const HistoryRun& history, bool block_unknown, const StdinInput* input, const PlanHint* hint,
                        Baseline* baseline, std::ostream& out, std::ostream& err, std::vector<FileReport> extra) {
    struct Done {
        annotate::Section section;
        std::optional<FileReport> large;  // a file whose section is written as it is rendered
        std::string messages;
        Diagnosis diagnosis;
        std::string path;
    };
    Diagnosis diagnosis;
    stream.begin(out);
    Progress progress(err, "analyze", files.size());
    std::size_t written = 0;
    analyze_files(files, settings.options, [&](FileReport&& report, std::size_t) -> analyze::OrderedStep {
        if (input != nullptr) input->rename(report);
        if (settings.stats) (void)settings.stats->apply(report, settings.size);
        if (baseline != nullptr) baseline->filter(report);
        if (hint != nullptr) hint->mark(report);
        auto done = std::make_shared<Done>();
        done->path = report.path;
        std::ostringstream messages;
        diagnose_file(report, settings, block_unknown, messages, done->diagnosis);
        done->messages = messages.str();
        // A large file's section (the JSON of a million statements is a hundred times the file)
        // is never held whole: its report waits instead, and is rendered to `out` in its turn.
        if (stream.large(report)) done->large.emplace(std::move(report));
        else done->section = stream.render(report);
        return [&, done] {
            progress.clear();
            // Only when there is one: cerr is tied to cout, so any write to it flushes the report.
            if (!done->messages.empty()) err << done->messages;
            diagnosis += done->diagnosis;
            if (done->large) {
                stream.write_file(out, *done->large);
                done->large.reset();
            } else {
                stream.write(out, done->section);
            }
            progress.step(++written, done->path);
        };
    });
    progress.clear();
    // The settings files whose migrations folder is not known (tools/tool_dir_inputs.hpp).
    for (auto& report : extra) {
        std::ostringstream messages;
        diagnose_file(report, settings, block_unknown, messages, diagnosis);
        err << messages.str();
        stream.write(out, stream.render(report));
    }
    if (auto counts = history.counts()) stream.set_history(*counts);
    if (auto counts = history.schema_counts()) stream.set_schema(*counts);
    if (auto counts = history.snapshot_counts()) stream.set_snapshot(*counts);
    if (!settings.stats) stream.set_sizes(k_sizes_assumed);
    stream.end(out);
    return diagnosis;
}

}  // namespace

bool write_plans(const Report& report, const std::string& folder, const PlanHint& hint, std::ostream& out, std::ostream& err,
                 const std::string& under) {
    bool ok = true;
    int plans = 0, clean = 0, declined = 0, failed = 0;
    std::vector<std::pair<std::string, std::string>> rehearse;  // file, the command that rehearses its plan
    for (const auto& file : report.files) {
        if (file.plan && !file.plan->declined.empty()) {
            ++declined;
            out << annotate::printable(file.path) << ": no plan offered, no file written: "
                << annotate::printable(file.plan->declined) << "\n";
        } else if (file.plan) {
            out << annotate::printable(file.path) << ": " << annotate::printable(file.plan->summary) << "\n";
            // A plan is written whole or not at all: every file of it is opened first (under the
            // folder, every component without following a link: a link committed at a plan's path,
            // or at a folder of it such as out-of-band/, is refused, not written through), and
            // only when all are open is any put in place. A migration without its out-of-band step
            // would be a plan that loses the backfill.
            // `under`: a folder inside `folder` that nobody named (pgfence-plan, the default):
            // opened like the rest of the path, never through a link a checkout holds there.
            std::vector<std::pair<std::string, const std::string*>> files;
            for (const auto& step : file.plan->steps) {
                files.emplace_back(step.path, &step.file_text);
                for (const auto& [path, text] : step.extra_files) files.emplace_back(path, &text);
            }
            std::vector<std::pair<std::string, std::unique_ptr<analyze::OutputFile>>> opened;
            bool refused = false;
            for (const auto& [path, text] : files) {
                std::string relative = fs::path(plan_output_path(file.path, path)).generic_string();
                if (!under.empty()) relative = under + "/" + relative;
                analyze::WriteOptions options;
                options.create_base = true;
                auto created = analyze::OutputFile::create(folder, relative, options);
                if (!created) {
                    err << "error: " << annotate::printable(created.error().describe())
                        << ": the plan of " << annotate::printable(file.path) << " is not written (none of its files)\n";
                    refused = true;
                    break;
                }
                (*created)->stream() << *text;
                opened.emplace_back(relative, std::move(*created));
            }
            for (std::size_t i = 0; !refused && i < opened.size(); ++i) {
                if (auto committed = opened[i].second->commit(); !committed) {
                    err << "error: " << annotate::printable(committed.error().describe()) << ": the plan of "
                        << annotate::printable(file.path) << " is not written whole\n";
                    refused = true;
                    break;
                }
                out << "  wrote "
                    << annotate::printable(folder == "." ? opened[i].first : (fs::path(folder) / opened[i].first).string()) << "\n";
            }
            if (refused) {
                ok = false;
                ++failed;
                continue;
            }
            ++plans;
            clean += file.plan->kept.empty() ? 1 : 0;
            if (!file.plan->steps.empty()) {
                rehearse.emplace_back(file.path, hint.command(file.path));
                out << "  composed, not rehearsed: " << annotate::printable(rehearse.back().second) << "\n";
            }
            for (const auto& note : file.plan->notes) out << "  note: " << annotate::printable(note) << "\n";
            for (const auto& p : file.plan->kept) {
                out << "  kept as written (no safe form): " << annotate::printable(p) << "\n";
            }
        }
    }
    if (!rehearse.empty()) {
        analyze::WriteOptions readme_options;
        readme_options.create_base = true;
        auto written = analyze::write_file_under(folder, (under.empty() ? "" : under + "/") + "pgfence-plan.README.md",
                                                 PlanHint::readme(rehearse), readme_options);
        if (!written) {
            err << "error: " << annotate::printable(written.error().describe()) << ": the plan's README is not written\n";
            ok = false;
        }
    }
    const std::string where = under.empty() ? folder : folder == "." ? under : (fs::path(folder) / under).string();
    out << plans << (plans == 1 ? " plan" : " plans") << " written to " << annotate::printable(where) << ": " << clean
        << " analysed clean, " << plans - clean << " with only findings of statements that have no safe form, "
        // none: a plan with such a finding was declined by the analysis
        << 0 << " with a finding the plan should have resolved";
    if (declined > 0) out << "; " << declined << " declined (no files written)";
    if (failed > 0) out << "; " << failed << " failed (refused where they would be written: no files written)";
    out << "\n";
    return ok;
}

namespace {

// --changed-since REF: the files that differ from the merge base of REF and HEAD (added,
// edited, untracked; a file renamed with its content unchanged is not new). Nothing, after one
// error: line, when there is no repository or REF is not in it.
std::optional<std::vector<std::string>> changed_since(const std::vector<std::string>& files, const std::string& ref,
                                                      std::uint64_t max_bytes, std::ostream& err) {
    fs::path folder = files.empty() ? fs::current_path() : fs::absolute(fs::path(files.front())).parent_path();
    auto repo = diff::Repository::open(folder.string());
    if (!repo) {
        err << "error: --changed-since: " << annotate::printable(repo.error().describe()) << "\n";
        return std::nullopt;
    }
    auto base = repo->resolve_commit(ref, "--changed-since");
    if (!base) {
        err << "error: --changed-since: no commit, branch or tag '" << annotate::printable(ref) << "' in " << annotate::printable(repo->root())
            << (ref.find('/') != std::string::npos ? " (a remote's branch is there once fetched; without that remote, name a local branch: --changed-since main)"
                                                   : "")
            << "\n";
        return std::nullopt;
    }
    auto head = repo->resolve_commit("HEAD", "head");
    if (!head) {
        err << "error: --changed-since: " << annotate::printable(head.error().describe()) << "\n";
        return std::nullopt;
    }
    auto merge_base = repo->merge_base(*base, *head);
    if (!merge_base) {
        err << "error: --changed-since: " << annotate::printable(merge_base.error().describe()) << "\n";
        return std::nullopt;
    }
    const std::string root = repo->root();
    std::unordered_set<std::string> folders;
    for (const auto& f : files) {
        std::string abs = fs::absolute(fs::path(f)).lexically_normal().generic_string();
        if (abs.starts_with(root)) folders.insert(fs::path(abs.substr(root.size())).parent_path().generic_string());
    }
    auto listed = repo->list_blobs(*merge_base, [&](std::string_view rel) {
        return folders.count(fs::path(std::string(rel)).parent_path().generic_string()) > 0;
    });
    if (!listed) {
        err << "error: --changed-since: " << annotate::printable(listed.error().describe()) << "\n";
        return std::nullopt;
    }
    // Unchanged: the same content at the same path at the merge base, or at a path the file
    // was renamed from (one the working tree no longer has) that is the same migration to its
    // tool. A rename to another version, set or direction (a down half made an up migration) runs
    // as a new migration, as `pr` reads it (diff/changes.hpp, analyze::migration_identity).
    std::unordered_map<std::string, std::string> at_base;  // path -> blob id
    std::unordered_set<std::string> moved_away;             // blob id + '\n' + identity of base paths now gone
    for (const auto& file : *listed) {
        at_base.emplace(file.path, file.id);
        std::error_code gone;
        if (fs::symlink_status(root + file.path, gone).type() == fs::file_type::not_found) {
            moved_away.insert(file.id + "\n" + analyze::migration_identity(file.path));
        }
    }
    std::vector<std::string> changed;
    for (const auto& f : files) {
        std::error_code ec;
        auto size = fs::file_size(f, ec);
        bool same = false;
        if (!ec && size <= max_bytes && fs::symlink_status(f, ec).type() == fs::file_type::regular) {
            std::ifstream in(f, std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            auto id = diff::Repository::blob_id(bytes);
            std::string abs = fs::absolute(fs::path(f)).lexically_normal().generic_string();
            auto there = abs.starts_with(root) ? at_base.find(abs.substr(root.size())) : at_base.end();
            same = id && ((there != at_base.end() && there->second == *id) ||
                          (there == at_base.end() && abs.starts_with(root) &&
                           moved_away.count(*id + "\n" + analyze::migration_identity(abs.substr(root.size()))) > 0));
        }
        if (!same) changed.push_back(f);
    }
    err << "pgfence: " << changed.size() << " of " << files.size() << (files.size() == 1 ? " file" : " files") << " changed since "
        << annotate::printable(ref) << " (merge base " << merge_base->substr(0, 12) << ")"
        << (changed.size() < files.size() ? "; the others are history" : "") << "\n";
    return changed;
}

}  // namespace

int terminal_width(bool tty) {
    winsize size{};
    if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
    if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
        char* end = nullptr;
        long n = std::strtol(columns, &end, 10);
        if (end != columns && *end == '\0' && n >= 20 && n <= 1000) return static_cast<int>(n);
    }
    return 0;
}

int run_analyze(const AnalyzeArgs& a, std::ostream& out, std::ostream& err) {
    bool config_failed = false;
    Settings settings = resolve(a, err, config_failed);
    if (config_failed) return k_exit_input;
    // SQL pgfence could not see fails --ci unless --unknown warn or `unknown = "warn"` says otherwise.
    const bool said_block = settings.block_unknown.value_or(false);  // error: rather than warning: lines
    const bool said_warn = settings.block_unknown.has_value() && !*settings.block_unknown;
    if (!settings.block_unknown) settings.block_unknown = a.ci;
    if (settings.paths.empty()) throw UsageError{"analyze needs at least one file, directory or glob (or paths in the config file)"};

    // `-`: standard input, read once, as a file of its own under its --stdin-filename.
    std::unique_ptr<StdinInput> stdin_input;
    if (auto dash = std::find(settings.paths.begin(), settings.paths.end(), "-"); dash != settings.paths.end()) {
        auto read = StdinInput::read(std::cin, a.stdin_filename, settings.options.max_file_bytes);
        if (!read) {
            err << "error: " << annotate::printable(read.error().message) << "\n";
            return k_exit_input;
        }
        stdin_input = std::move(*read);
        settings.options.own_folder = stdin_input->folder();
        *dash = stdin_input->path();
        std::erase(settings.paths, std::string("-"));
    } else if (!a.stdin_filename.empty()) {
        throw UsageError{"--stdin-filename names standard input, which is read when a path is -"};
    }
    std::vector<Error> input_errors;
    std::vector<std::string> files = expand_inputs(settings.paths, input_errors, settings.options.input_format);
    // Flyway reads its migrations from the locations its settings name, not from the folder given.
    analyze::tools::add_flyway_locations(files, settings.options);
    // So do the other tools from the folders their settings name; each assumption is said.
    analyze::tools::FollowedDirs followed = analyze::tools::add_tool_dirs(files, settings.paths, settings.options);
    for (const auto& note : followed.notes) err << "note: " << annotate::printable(note) << "\n";
    settings.options.sqlx_folders = &followed.sqlx_folders;
    // A folder sqlx is only assumed to run: said once, with how to say otherwise (tools/sqlx_crate.hpp).
    if (settings.options.tool.empty()) {
        for (const auto& note : analyze::tools::sqlx_assumptions(files, settings.options.confine_to)) {
            err << "note: " << annotate::printable(note) << "\n";
        }
    }
    // A directory with no migration of its own whose tools' settings named a folder with some
    // (knexfile: db/changes), or whose settings leave the folder unknown (reported as such), is no error.
    std::erase_if(input_errors, [&](const Error& e) {
        if (e.message != analyze::k_no_migrations_in_directory) return false;
        const fs::path dir = fs::path(e.file).lexically_normal();
        auto below = [&](const std::string& f) {
            const fs::path rel = fs::path(f).lexically_normal().lexically_relative(dir);
            return !rel.empty() && *rel.begin() != "..";
        };
        return std::any_of(files.begin(), files.end(), below) ||
               std::any_of(followed.unknown.begin(), followed.unknown.end(), [&](const auto& r) { return below(r.path); });
    });
    std::erase_if(files, [&](const std::string& f) { return excluded(settings.exclude, f); });
    // Another database's migration set (tools/other_database.hpp): one skipped entry per set.
    for (auto& set : analyze::tools::set_aside_other_databases(files)) followed.unknown.push_back(std::move(set));
    for (const auto& e : input_errors) err << "error: " << annotate::printable(e.describe()) << "\n";
    // Nothing to report but the error lines: a terminal gets no empty report ("findings: 0" after
    // the error misleads); a machine format still gets its valid, empty document.
    if (files.empty() && !input_errors.empty() && (a.format == "text" || a.format == "compact")) return k_exit_input;
    if (!a.changed_since.empty()) {
        // The unchanged files are left out; being committed, they are replayed as the history
        // of the changed ones (committed_migrations below), as the base's files are to `pr`.
        auto changed = changed_since(files, a.changed_since, settings.options.max_file_bytes, err);
        if (!changed) return k_exit_input;
        files = std::move(*changed);
        if (a.no_history) err << "note: --no-history: the unchanged files are not replayed\n";
    }
    std::optional<Baseline> baseline;
    if (!a.baseline.empty()) {
        auto loaded = Baseline::load(a.baseline);
        if (!loaded) {
            err << "error: " << annotate::printable(loaded.error().describe()) << "\n";
            return k_exit_input;
        }
        baseline.emplace(std::move(*loaded));
        if (!baseline->exists() && a.ci && !a.update_baseline) {
            // A mistyped or uncommitted baseline in CI would pass every finding.
            err << "error: " << annotate::printable(a.baseline)
                << ": no such baseline; with --ci it must exist (write it once without --ci, and commit it)\n";
            return k_exit_input;
        }
        // No file yet, or --update-baseline: today's findings are recorded, none reported.
        if (!baseline->exists() || a.update_baseline) baseline->set_record_only(true);
    }
    if (!load_stats(a, settings, err)) return k_exit_input;
    version_from_snapshot(settings);
    version_from_project(settings, err);
    std::size_t printed = input_errors.size();
    std::vector<Error> schema_errors;
    // Inside a git repository the committed rest of each migration set is history, as the base
    // commit's migrations are to `pr` (a file committed before stays what it was when it ran).
    CommittedMigrations committed;
    if (!a.no_history) {
        committed = committed_migrations(files, settings.paths, settings.options,
                                         a.history_from_index ? CommittedFrom::Index : CommittedFrom::HeadInWorkingTree);
        for (const auto& note : committed.notes) err << "note: " << annotate::printable(note) << "\n";
        if (!a.history.empty()) {
            std::vector<Error> ignored;
            std::unordered_set<std::string> given;
            for (const auto& h : expand_inputs(a.history, ignored, settings.options.input_format)) {
                given.insert(fs::absolute(h).lexically_normal().generic_string());
            }
            std::erase_if(committed.before, [&](const auto& entry) { return given.count(entry.first) > 0; });
        }
    }
    const analyze::KnownMigrations known(known_migrations(files, a.no_history ? std::vector<std::string>{} : a.history,
                                                          committed, settings.options.input_format,
                                                          settings.options.confine_to));
    settings.options.known_migrations = &known;
    if (!a.plan_merged) settings.options.merged = &committed.merged;
    settings.options.merged_in = committed.merged_in;
    auto history = start_history(a.no_history ? std::vector<std::string>{} : a.history, !a.no_history,
                                 schema_context(a, settings), files, settings.options, input_errors, schema_errors,
                                 &committed);
    for (std::size_t e = printed; e < input_errors.size(); ++e) {
        err << "error: --history " << annotate::printable(input_errors[e].describe()) << "\n";
    }
    for (const auto& e : schema_errors) err << "error: --schema " << annotate::printable(e.describe()) << "\n";
    // analyze runs no server: a plan is composed, not rehearsed; each says how to rehearse it.
    std::vector<std::string> replayed;
    if (!a.no_history && !a.history.empty()) {
        std::vector<Error> ignored;
        replayed = history_before(expand_inputs(a.history, ignored, settings.options.input_format), files);
    }
    for (const auto& [path, text] : committed.before) replayed.push_back(path);
    const PlanHint hint(settings.options.pg_version, a.schema, replayed, files);
    input_errors.insert(input_errors.end(), schema_errors.begin(), schema_errors.end());

    std::unique_ptr<analyze::OutputFile> file;
    // --format plan: -o names the folder the plans go to.
    std::ostream* sink = a.format == "plan" ? &out : open_output(a.output, file, out, err);
    if (sink == nullptr) return k_exit_input;
    Diagnosis diagnosis;
    if (a.format == "plan") {
        Report report = analyze_files(files, settings.options);
        for (auto& f : followed.unknown) report.files.push_back(std::move(f));
        if (stdin_input) for (auto& f : report.files) stdin_input->rename(f);
        history->count_into(report);
        apply_stats(report, settings);
        if (baseline) for (auto& f : report.files) baseline->filter(f);
        diagnosis = diagnose(report, settings, said_block, err);
        // The default folder, pgfence-plan, is opened under the working directory like the plans'
        // own folders, so a link a checkout commits there is refused; a folder named with -o is
        // the user's, links and all.
        bool written = a.output.empty() ? write_plans(report, ".", hint, out, err, "pgfence-plan") : write_plans(report, a.output, hint, out, err);
        if (!written) diagnosis.failed = true;
    } else if (a.format == "json") {
        annotate::JsonReportStream stream(settings.options.pg_version);
        diagnosis = stream_report(stream, files, settings, *history, said_block, stdin_input.get(), nullptr,
                                  baseline ? &*baseline : nullptr, *sink, err, std::move(followed.unknown));
    } else if (a.format == "text" || a.format == "compact") {
        bool tty = a.output.empty() && &out == &std::cout && isatty(STDOUT_FILENO);
        bool color = a.color == "always" || (a.color == "auto" && tty && std::getenv("NO_COLOR") == nullptr);
        annotate::TerminalOptions options{color};
        // The compact form when asked for, or on a terminal narrower than the table (--verbose
        // keeps the table); its lines fit the terminal, else $COLUMNS, else 80 columns.
        int width = terminal_width(tty);
        options.compact = a.format == "compact" || (tty && !a.verbose && width > 0 && width < annotate::k_table_width);
        options.width = width > 0 ? width : 80;
        options.target = target_line(settings);
        annotate::TerminalStream stream(options);
        diagnosis = stream_report(stream, files, settings, *history, said_block, stdin_input.get(), &hint,
                                  baseline ? &*baseline : nullptr, *sink, err, std::move(followed.unknown));
    } else {
        // Collected: markdown sizes every file's section against one comment's limit, SARIF
        // builds its document whole (the rules its results use come before them), and the
        // github format's workflow commands are read by a runner over a pull request's files.
        Report report = analyze_files(files, settings.options);
        for (auto& f : followed.unknown) report.files.push_back(std::move(f));
        if (stdin_input) for (auto& f : report.files) stdin_input->rename(f);
        history->count_into(report);
        apply_stats(report, settings);
        if (baseline) for (auto& f : report.files) baseline->filter(f);
        diagnosis = diagnose(report, settings, said_block, err);
        if (a.format == "markdown") {
            for (auto& f : report.files) hint.mark(f);
            annotate::render_markdown(report, *sink);
        }
        else if (a.format == "sarif") annotate::render_sarif(report, *sink);
        else if (a.format == "gitlab") annotate::render_gitlab(report, *sink);
        else if (a.format == "rdjson") annotate::render_rdjson(report, *sink);
        else annotate::render_workflow_commands(report, *sink);
    }
    sink->flush();
    if (!finish_output(file, err)) diagnosis.failed = true;
    if (baseline) {
        const std::string shown = annotate::printable(baseline->path());
        if (!baseline->exists() || a.update_baseline) {
            if (!baseline->write(err)) return k_exit_input;
            err << "pgfence: baseline " << shown << (baseline->exists() ? " written again: " : " written: ") << baseline->seen()
                << (baseline->seen() == 1 ? " finding" : " findings") << " recorded; later runs with --baseline " << shown
                << " report only new ones\n";
        } else {
            err << "pgfence: " << baseline->hidden() << (baseline->hidden() == 1 ? " finding" : " findings") << " in the baseline "
                << shown << " not shown";
            if (baseline->stale() > 0) {
                err << "; " << baseline->stale() << (baseline->stale() == 1 ? " entry" : " entries")
                    << " no longer found (--update-baseline drops them)";
            }
            err << "\n";
        }
    }
    bool failed = diagnosis.failed || !input_errors.empty();
    const Coverage& coverage = diagnosis.coverage;
    if (diagnosis.scripts) {
        // The ORM scripts' coverage: statements whose SQL pgfence could read and parse.
        // The counts that are some only: the summary line already says "0 unknown" (once).
        std::string counts;
        if (coverage.unknown > 0) counts = std::to_string(coverage.unknown) + " unknown";
        if (coverage.unparsable > 0) counts += (counts.empty() ? "" : ", ") + std::to_string(coverage.unparsable) + " unparsable";
        err << "coverage: " << coverage.analysed << "/" << coverage.found << " statements analysed"
            << (counts.empty() ? "" : " (" + counts + ")") << "\n";
    }
    if (failed) return k_exit_input;
    if (std::string ungated = ungated_note(diagnosis.unseen, said_warn, false); !ungated.empty()) err << ungated << "\n";
    if (*settings.block_unknown && diagnosis.unseen > 0) {
        err << "pgfence: " << diagnosis.unseen << (diagnosis.unseen == 1 ? " statement" : " statements")
            << " pgfence could not see (unknown-statement): a person must review "
            << (diagnosis.unseen == 1 ? "it" : "them") << " (--unknown block" << (a.block_unknown ? "" : ", the default with --ci")
            << "; `--unknown warn` or `unknown = \"warn\"` in the configuration lets them pass)\n";
    }
    if (a.ci && diagnosis.over) err << "pgfence: findings above --max-risk " << risk_name(settings.max_risk) << "\n";
    return (*settings.block_unknown && diagnosis.unseen > 0) || (a.ci && diagnosis.over) ? k_exit_findings : k_exit_ok;
}

}  // namespace pgfence::bot
