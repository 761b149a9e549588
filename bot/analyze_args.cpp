// pgfence analyze: its arguments, pgfence.toml and statistics resolved into Settings (split from analyze_command.cpp).
#include "bot/analyze_command_parts.hpp"

namespace pgfence::bot {

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

namespace analyze_command_detail {
std::string target_line(const Settings& settings) {
    std::string line = "target: PostgreSQL " + std::to_string(settings.options.pg_version);
    if (!settings.pg_version_from.empty()) return line + " (" + settings.pg_version_from + ")";
    return line + ", assumed (--pg-version or pg_version names it)";
}

}  // namespace analyze_command_detail

SchemaContext schema_context(const AnalyzeArgs& a, const Settings& settings) {
    SchemaContext context{a.schema, nullptr, {}};
    if (settings.stats) context.snapshot_sql = &settings.stats->schema_sql();
    return context;
}

void apply_stats(Report& report, const Settings& settings) {
    if (settings.stats) (void)settings.stats->apply(report, settings.size);
}

}  // namespace pgfence::bot
