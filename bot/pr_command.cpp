#include "bot/pr_command.hpp"
#include "analyze/migration_names.hpp"
#include "bot/tool_settings_review.hpp"
#include "bot/unselected_migrations.hpp"
#include "analyze/conventions.hpp"
#include "analyze/path_parts.hpp"
#include "analyze/tools/flyway_settings.hpp"
#include "analyze/tools/folder_tool.hpp"

#include "bot/trace_command.hpp"
#include "trace/proof_scope.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyze/analyzer.hpp"
#include "analyze/catalog.hpp"
#include "analyze/migration_order.hpp"
#include "analyze/tool_order.hpp"
#include "analyze/regular_file.hpp"
#include "annotate/check_run.hpp"
#include "annotate/escape.hpp"
#include "annotate/finding_view.hpp"
#include "annotate/ci_formats.hpp"
#include "annotate/json_report.hpp"
#include "annotate/markdown.hpp"
#include "annotate/printable.hpp"
#include "annotate/sarif.hpp"
#include "annotate/terminal.hpp"
#include "annotate/workflow_commands.hpp"
#include "bot/analyze_command.hpp"
#include "bot/cli.hpp"
#include "bot/cli_args.hpp"
#include "bot/content_binding.hpp"
#include "bot/github_api.hpp"
#include "bot/github_client.hpp"
#include "bot/governance_upload.hpp"
#include "bot/other_database_review.hpp"
#include "bot/pr_suppressions.hpp"
#include "bot/pre_existing.hpp"
#include "bot/pr_callers.hpp"
#include "bot/pr_config.hpp"
#include "bot/suggestions.hpp"
#include "diff/changes.hpp"
#include "diff/event.hpp"
#include "diff/glob.hpp"
#include "bot/analyze_history.hpp"
#include "bot/drizzle_journal.hpp"
#include "bot/removed_migrations.hpp"
#include "bot/typeorm_identity.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {
namespace {

using namespace pgfence::analyze;

// What tells one pgfence job's posts from another's on the same pull request (a monorepo
// with a job per service): the check run's name, the hidden marker that finds the sticky
// comment again, the comment's heading and code scanning's category. Without --name they are
// plain "pgfence", as a single job wants.
struct Identity {
    std::string title;          // "pgfence" or "pgfence (api)": check run name and comment heading
    std::string marker_text;    // "pgfence:sticky-comment" or "pgfence:sticky-comment:api"
    std::string automation_id;  // SARIF runAutomationDetails.id: "pgfence/" or "pgfence/api/"
    // The findings pgfence-ignore comments the pull request adds hide (or could not): named in
    // every Markdown report and the check run (bot/pr_suppressions.hpp).
    std::vector<annotate::PullRequestSuppression> pull_request_suppressions;
    // The marker inside an HTML comment, as it stands in the body.
    [[nodiscard]] std::string marker() const { return "<!-- " + marker_text + " -->"; }
};

Identity identity_of(const std::string& name) {
    Identity id;
    id.title = name.empty() ? "pgfence" : "pgfence (" + name + ")";
    id.marker_text = name.empty() ? "pgfence:sticky-comment" : "pgfence:sticky-comment:" + name;
    id.automation_id = name.empty() ? "pgfence/" : "pgfence/" + name + "/";
    return id;
}

// A name goes into an HTML comment, a check run's name and a SARIF category: letters, digits,
// '.', '_' and '-' only, so none of them can be broken by it.
std::string checked_name(const std::string& name) {
    bool ok = !name.empty() && name.size() <= 64;
    for (char c : name) {
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-');
    }
    if (!ok) throw UsageError{"--name '" + name + "': use 1 to 64 letters, digits, '.', '_' or '-'"};
    return name;
}

struct PrArgs {
    std::string repo_dir;
    std::string base;
    std::string head;
    std::string event_path;
    std::string repository;  // owner/name
    std::optional<int> number;
    std::string sarif_path;
    bool sarif = true;
    // --format FORMAT[=FILE], repeatable: the review in other formats too (GitLab, reviewdog, a
    // comment to post elsewhere), each to its file, or one to standard output instead of the table.
    std::vector<std::pair<std::string, std::string>> formats;
    std::string summary_path;
    std::string outputs_path;
    bool check_run = true;
    bool comment = true;
    bool upload_sarif = false;
    bool fail_on_pre_existing = false;
    bool trace = false;
    bool trace_as_superuser = false;
    std::string trace_timeout;  // seconds, passed on to trace as it is (trace checks it)
    std::string name;  // --name: tells this job's posts from another pgfence job's
    ConfigFrom config_from = ConfigFrom::Base;  // --config-from: whose configuration reviews
    std::string comment_author;  // --comment-author: the token's login when /user cannot say
    int max_suggestions = 5;     // --max-suggestions: one-click suggested changes per run; 0: none
    std::string upload_url;      // --upload: the governance service's base URL
    bool upload_sql = true;      // --upload-without-sql: false
    bool upload_required = false;  // --upload-required: a failed upload exits 2
    std::vector<std::string> analyze_args{"pr"};  // everything else, read as `analyze` reads it
};

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v == nullptr ? std::string() : std::string(v);
}

bool env_true(const char* name) {
    std::string v = env(name);
    return v == "true" || v == "1";
}

PrArgs parse_pr(const std::vector<std::string>& args) {
    PrArgs p;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto is = [&](const char* flag) { return arg == flag || arg.rfind(std::string(flag) + "=", 0) == 0; };
        auto value = [&](const std::string& flag) -> std::string {
            auto eq = arg.find('=');
            if (eq != std::string::npos) return arg.substr(eq + 1);
            if (i + 1 >= args.size()) throw UsageError{flag + " needs a value"};
            return args[++i];
        };
        if (is("--repo")) p.repo_dir = value("--repo");
        else if (is("--base")) p.base = value("--base");
        else if (is("--head")) p.head = value("--head");
        else if (is("--event")) p.event_path = value("--event");
        else if (is("--repository")) p.repository = value("--repository");
        else if (is("--pr")) p.number = parse_int("--pr", value("--pr"), 1, 2'000'000'000);
        else if (is("--sarif")) p.sarif_path = value("--sarif");
        else if (arg == "--no-sarif") p.sarif = false;
        else if (is("--summary")) p.summary_path = value("--summary");
        else if (is("--outputs")) p.outputs_path = value("--outputs");
        else if (arg == "--no-check-run") p.check_run = false;
        else if (arg == "--no-comment") p.comment = false;
        else if (arg == "--upload-sarif") p.upload_sarif = true;
        else if (arg == "--fail-on-pre-existing") p.fail_on_pre_existing = true;
        else if (arg == "--trace") p.trace = true;
        else if (arg == "--trace-as-superuser") p.trace = p.trace_as_superuser = true;
        else if (is("--trace-timeout")) p.trace_timeout = std::to_string(parse_int("--trace-timeout", value("--trace-timeout"), 1, 86400));
        else if (is("--name")) p.name = checked_name(value("--name"));
        else if (is("--config-from")) {
            std::string from = value("--config-from");
            if (from != "base" && from != "head") throw UsageError{"--config-from takes base or head, not '" + from + "'"};
            p.config_from = from == "base" ? ConfigFrom::Base : ConfigFrom::Head;
        } else if (is("--comment-author")) {
            p.comment_author = value("--comment-author");
            if (p.comment_author.empty() || p.comment_author.size() > 100 ||
                p.comment_author.find_first_of(" \t\r\n") != std::string::npos)
                throw UsageError{"--comment-author takes a GitHub login, e.g. my-app[bot]"};
        } else if (is("--max-suggestions")) {
            p.max_suggestions = parse_int("--max-suggestions", value("--max-suggestions"), 0, 100);
        } else if (is("--upload")) {
            p.upload_url = value("--upload");
        } else if (arg == "--upload-without-sql") {
            p.upload_sql = false;
        } else if (arg == "--upload-required") {
            p.upload_required = true;
        } else if (arg == "--") {
            // Everything after it is a glob, even one that looks like an option.
            p.analyze_args.insert(p.analyze_args.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
            break;
        }
        else if (is("--format")) {
            std::string given = value("--format");
            std::size_t eq = given.find('=');
            std::string format = given.substr(0, eq), file = eq == std::string::npos ? "" : given.substr(eq + 1);
            static const std::vector<std::string> k_formats = {"text", "json", "markdown", "sarif", "gitlab", "rdjson"};
            if (std::find(k_formats.begin(), k_formats.end(), format) == k_formats.end()) {
                std::string guess = nearest(format, k_formats);
                throw UsageError{"pr --format takes text, json, markdown, sarif, gitlab or rdjson (FORMAT or FORMAT=FILE), not '" + format +
                                 "'" + (guess.empty() ? "" : "; did you mean '" + guess + "'?")};
            }
            if (eq != std::string::npos && file.empty()) throw UsageError{"--format " + format + "= needs a file name after '='"};
            if (file.empty()) {
                for (const auto& [f, path] : p.formats) {
                    if (path.empty()) {
                        throw UsageError{"pr --format: one format goes to standard output (" + f + "); give " + format +
                                         " a file: --format " + format + "=FILE"};
                    }
                }
            }
            p.formats.emplace_back(format, file);
        } else if (arg == "-o" || is("--output"))
            throw UsageError{"pr writes each format to its own file: --format FORMAT=FILE (and --sarif, --summary), not " + arg};
        else p.analyze_args.push_back(arg);
    }
    if (p.upload_url.empty() && (!p.upload_sql || p.upload_required))
        throw UsageError{std::string(!p.upload_sql ? "--upload-without-sql" : "--upload-required") + " needs --upload URL"};
    if (!p.upload_url.empty()) {
        if (auto problem = governance::url_problem(p.upload_url)) throw UsageError{"--upload URL " + *problem};
    }
    return p;
}

// --upload's options; the token, trimmed as a pasted secret often needs, must be there.
governance::UploadOptions upload_options(const PrArgs& p) {
    governance::UploadOptions options;
    options.url = p.upload_url;
    std::string token = env(governance::k_token_variable);
    token.erase(0, token.find_first_not_of(" \t\r\n"));
    token.erase(token.find_last_not_of(" \t\r\n") + 1);
    if (token.empty()) throw UsageError{std::string("--upload needs the service's token in ") + governance::k_token_variable};
    options.token = token;
    return options;
}

// Where the run is and what it reviews: flags first, then GitHub Actions' environment.
struct Target {
    std::string repo_dir;
    std::string base;
    std::string head;
    std::string repository;
    std::optional<int> number;
    std::string number_problem;  // the event's number is not a pull request number
    bool in_actions = false;
};

// A file path as the job's later steps can use it: relative to the workspace when it lies there.
// A container action sees the workspace at /github/workspace, the runner's host elsewhere, so an
// absolute path from inside the container names nothing for upload-sarif.
std::string step_path(const std::string& path) {
    std::string workspace = env("GITHUB_WORKSPACE");
    if (path.empty() || workspace.empty()) return path;
    std::error_code ec;
    std::filesystem::path absolute = std::filesystem::absolute(path, ec);
    std::filesystem::path base = std::filesystem::absolute(workspace, ec);
    if (ec) return path;
    std::filesystem::path rel = absolute.lexically_normal().lexically_relative(base.lexically_normal());
    if (rel.empty() || *rel.begin() == "..") return path;
    return rel.generic_string();
}

// Where the review's links point: the analysed commit in this repository, and this run.
annotate::ReviewLinks review_links(const Target& target) {
    annotate::ReviewLinks links;
    links.server = env("GITHUB_SERVER_URL");
    if (links.server.empty() && target.in_actions) links.server = "https://github.com";
    links.repository = target.repository;
    links.sha = target.head;
    std::string run = env("GITHUB_RUN_ID");
    if (!links.server.empty() && !target.repository.empty() && !run.empty()) {
        links.run_url = links.server + "/" + target.repository + "/actions/runs/" + run;
    }
    return links;
}

// The pull request number of the event payload: GitHub's are 1 and up; anything else (a
// float, a string, 4294967303 that an int would wrap to 7) is refused, never guessed at.
std::optional<int> event_number(const nlohmann::json& pr, std::string& problem) {
    if (!pr.is_object() || !pr.contains("number")) return std::nullopt;
    const auto& n = pr["number"];
    if (n.is_number_unsigned() && n.get<std::uint64_t>() >= 1 && n.get<std::uint64_t>() <= 2'000'000'000u) {
        return static_cast<int>(n.get<std::uint64_t>());
    }
    problem = "the event payload's pull request number " + annotate::printable(n.dump().substr(0, 40)) +
              " is not a pull request number (1 to 2000000000): nothing is commented";
    return std::nullopt;
}

Target locate(const PrArgs& p) {
    Target t;
    t.in_actions = env_true("GITHUB_ACTIONS");
    t.repo_dir = !p.repo_dir.empty() ? p.repo_dir : !env("GITHUB_WORKSPACE").empty() ? env("GITHUB_WORKSPACE") : ".";
    t.repository = !p.repository.empty() ? p.repository : env("GITHUB_REPOSITORY");
    t.base = p.base;
    t.head = p.head;
    t.number = p.number;
    std::string event_path = !p.event_path.empty() ? p.event_path : env("GITHUB_EVENT_PATH");
    if (!event_path.empty() && (t.base.empty() || t.head.empty() || !t.number)) {
        auto text = analyze::read_regular_file(event_path, analyze::k_event_max_bytes, "the GitHub event payload");
        if (!text) throw UsageError{annotate::printable(text.error().describe())};
        nlohmann::json event = nlohmann::json::parse(*text, nullptr, false);
        if (event.is_discarded()) throw UsageError{annotate::printable(event_path) + ": the GitHub event payload is not JSON"};
        if (auto shas = diff::pull_request_shas(event)) {
            if (t.base.empty()) t.base = shas->first;
            if (t.head.empty()) t.head = shas->second;
        }
        if (!t.number && event.is_object()) {
            const auto& pr = event.contains("pull_request") ? event["pull_request"] : event;
            t.number = event_number(pr, t.number_problem);
        }
    }
    if (t.base.empty() || t.head.empty()) {
        throw UsageError{"pr needs --base and --head, or a pull_request event in GITHUB_EVENT_PATH"};
    }
    return t;
}

// A diesel migration's metadata.toml beside the file, at the same commit; a Flyway migration's
// settings files (bot/tool_settings_review.hpp).
analyze::Result<std::string> sibling_metadata(const diff::Repository& repo, const std::string& commit,
                                              const std::string& path, const AnalyzeOptions& options) {
    if (analyze::flyway_name(analyze::path_name(path)) || analyze::flyway_name_with_suffix(analyze::path_name(path))) {
        return flyway_settings_at(repo, commit, path, analyze::k_default_max_file_bytes);
    }
    // A folder sqlx::migrate!("path") names: its versioned files are sqlx's.
    if (analyze::sqlx_name(analyze::path_name(path)) && analyze::in_sqlx_folder(path, options)) {
        return std::string(analyze::k_sqlx_folder);
    }
    auto slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
    auto text = repo.read_file(commit, dir + "metadata.toml");
    if (!text) return text.error();
    if (text->has_value()) return **text;
    // Any other SQL file under Flyway settings that rename its migrations is unknown
    // (conventions.cpp): the settings go with it.
    const std::string_view name = analyze::path_name(path);
    if (name.ends_with(".sql") && name != "migration.sql" && name != "up.sql" && name != "down.sql") {
        auto settings = flyway_settings_at(repo, commit, path, analyze::k_default_max_file_bytes, true);
        if (!settings) return settings.error();
        if (auto read = tools::unpack_flyway_files(*settings); read && !read->naming.empty()) return *settings;
    }
    // The tool the project's own files say runs the folder (analyze/tools/folder_tool.hpp).
    if (name.ends_with(".sql") && (options.tool == "supabase" || options.tool == "node-pg-migrate" || options.tool == "goose" || options.tool == "dbmate")) {
        return std::string(tools::k_folder_tool) + options.tool + "\ntool = \"" + options.tool + "\" in the configuration says " + options.tool + " runs it";
    }
    if (name.ends_with(".sql")) {
        return tools::folder_tool_metadata(path, [&](const std::string& file) -> std::optional<std::string> {
            auto read = repo.read_file(commit, file);
            if (!read || !read->has_value() || (*read)->size() > tools::k_most_settings_bytes) return std::nullopt;
            return **read;
        });
    }
    return std::string();
}

FileReport skipped_file(const std::string& path, std::string reason) {
    FileReport file;
    file.path = path;
    file.skipped = true;
    file.skip_reason = std::move(reason);
    return file;
}

// The changed files in the order their tools apply them, each after the changed files before it
// in its migration set: a table one file of the pull request creates is new (empty, unused) to
// the files after it, as it is when they are deployed together. `starts`, when given, keeps what
// each file started from, for the proof of its suggested changes.
analyze::Result<Report> analyse_changes(const diff::Repository& repo, const diff::ChangeSet& changes,
                                        const AnalyzeOptions& options, bool fail_on_pre_existing, bool chain,
                                        std::vector<annotate::PullRequestSuppression>& self_suppressed,
                                        FileStarts* starts = nullptr, governance::SuppressionOrigins* origins = nullptr) {
    Report report;
    report.pg_version = options.pg_version;
    std::vector<std::string> paths;
    for (const auto& change : changes.files) paths.push_back(change.path);
    // Each set in its tool's order (analyze/tool_order.hpp: knex, sequelize and dbmate by name),
    // the tool read from the head commit.
    analyze::ToolOrdered ordered = analyze::group_in_tool_order(paths, [&](const std::string& path) {
        return analyze::tool_of_file(path, [&](const std::string& file) -> std::optional<std::string> {
            auto read = repo.read_file(changes.head_sha, file);
            if (!read || !read->has_value() || (*read)->size() > tools::k_most_settings_bytes) return std::nullopt;
            return **read;
        });
    });
    analyze::MigrationSets sets = std::move(ordered.sets);
    std::map<std::string_view, const diff::ChangedFile*> by_path;
    for (const auto& change : changes.files) by_path.emplace(change.path, &change);
    std::map<std::size_t, analyze::Catalog> schema_of;  // by set
    // The base versions' own schema, by set: each base version starts from the base's history and
    // the base versions of the changed files before it, as the base branch ran them.
    std::map<std::size_t, analyze::Catalog> base_schema_of;
    for (std::size_t i = 0; i < sets.files.size(); ++i) {
        const auto& change = *by_path.at(sets.files[i]);
        // --no-history: each file alone (its own set).
        std::size_t set = chain ? sets.set_of[i] : sets.files.size() + i;
        auto [schema, first] = schema_of.try_emplace(set);
        if (first && options.history) schema->second = *options.history;
        // A migration the base branch has run, deleted or renamed away: its base version stays in
        // the history (base_history), and the deletion or rename is itself a finding.
        if (removes_base_migration(change)) report.files.push_back(removed_migration_report(change, options));
        if (change.status == diff::ChangeStatus::Deleted) continue;
        if (change.kind != diff::EntryKind::file) {
            // Not a file at the head: reported, never read; the pull request wrote it, so it is new.
            auto kind = change.kind == diff::EntryKind::link ? analyze::NotAFile::Kind::link
                                                              : analyze::NotAFile::Kind::submodule;
            report.files.push_back(analyze::analyze_not_a_file(change.path, {kind, change.target}, options));
            continue;
        }
        // Judged by its size before it is read: a blob of gigabytes is never loaded.
        auto stored = repo.read_file_bounded(changes.head_sha, change.path, options.max_file_bytes);
        if (!stored) return stored.error();
        if (!*stored) {
            // Not a file in the commit: its target is not the pull request's to choose.
            report.files.push_back(
                skipped_file(change.path, "a symbolic link or submodule in the commit, not a file: not analysed"));
            continue;
        }
        if (!(*stored)->text) {
            FileReport large;
            large.path = change.path;
            large.error = analyze::Error{analyze::file_too_large((*stored)->size, options.max_file_bytes), change.path, std::nullopt};
            report.files.push_back(std::move(large));
            continue;
        }
        if ((*stored)->unapplied) {
            // The checkout (or an archive of the commit) rewrites it in a way pgfence cannot
            // follow: what runs is unknown from that line.
            const std::string why = "not analysed: " + *(*stored)->unapplied + "; what runs is unknown";
            if ((*stored)->archive_only) {
                // A deploy by `git archive` runs other text: an unknown statement at the
                // placeholder's line, a finding governance weighs (unknown is never clean).
                report.files.push_back(analyze::analyze_tool_settings(
                    change.path, {}, options, *(*stored)->text,
                    {analyze::SettingUnknown{(*stored)->unapplied_line, why, "git archive substitution"}}));
                continue;
            }
            FileReport unread;
            unread.path = change.path;
            unread.error = analyze::Error{why, change.path, analyze::Position{(*stored)->unapplied_line, 1}};
            report.files.push_back(std::move(unread));
            continue;
        }
        std::optional<std::string> text_at_head = std::move((*stored)->text);
        auto* text = &text_at_head;
        auto metadata = sibling_metadata(repo, changes.head_sha, change.path, options);
        if (!metadata) return metadata.error();
        std::set<std::string> new_before;
        for (const auto& [name, rel] : schema->second.relations()) {
            if (rel->is_new) new_before.insert(name);
        }
        if (starts != nullptr) starts->insert_or_assign(change.path, FileStart{schema->second, **text, *metadata});
        FileReport file = analyze_text(change.path, **text, options, *metadata, schema->second);
        // The base version, analysed under its base path with the base's own history: its
        // statements and findings tell the pull request's own (new) from those the base had.
        std::optional<std::string> base_text;
        std::string base_metadata;
        std::optional<FileReport> base_file;
        if (!change.all_lines_new) {
            auto old = repo.read_file(changes.merge_base_sha, change.old_path);
            if (!old) return old.error();
            base_text = std::move(*old);
        }
        if (base_text) {
            auto meta = sibling_metadata(repo, changes.merge_base_sha, change.old_path, options);
            if (!meta) return meta.error();
            base_metadata = std::move(*meta);
            auto [base_schema, base_first] = base_schema_of.try_emplace(set);
            if (base_first && options.history) base_schema->second = *options.history;
            base_file = analyze_text(change.old_path, *base_text, options, base_metadata, base_schema->second);
            // The base branch has run it: what it creates exists and holds data.
            std::vector<std::string> base_created;
            for (const auto& [name, rel] : base_schema->second.relations()) {
                if (rel->is_new) base_created.push_back(name);
            }
            for (const auto& name : base_created) {
                if (auto* rel = base_schema->second.find(name)) rel->is_new = false;
            }
        }
        FileVersion head_version{&file, **text, change.path, *metadata};
        FileVersion base_version{base_file ? &*base_file : nullptr, base_text ? std::string_view(*base_text) : "",
                                 change.old_path, base_metadata};
        auto from_base = compare_with_base(file, head_version, base_version, change, options.direction, !fail_on_pre_existing);
        review_pull_request_suppressions(file, from_base, self_suppressed);
        // A merged TypeORM migration whose class or `name` the pull request changes runs again
        // (bot/typeorm_identity.hpp).
        if (base_text) add_typeorm_rename(file, *base_text, **text, options);
        if (origins != nullptr && !file.suppressed.empty()) origins->insert_or_assign(change.path, std::move(from_base));
        if (!change.all_lines_new) {
            // A file the base branch already had has run in production: what it creates exists
            // and holds data there, however the pull request edits the file.
            std::vector<std::string> created;
            for (const auto& [name, rel] : schema->second.relations()) {
                if (rel->is_new && !new_before.contains(name)) created.push_back(name);
            }
            for (const auto& name : created) {
                if (auto* rel = schema->second.find(name)) rel->is_new = false;
            }
            // And the functions it makes exist: replacing one later changes what calls it
            // (replaced-function-in-use). mark_existing says so of every relation made so far
            // too, a pull request's own earlier file's included (a new file sorted before one the
            // base branch had, which is rare).
            schema->second.mark_existing();
        }
        report.files.push_back(std::move(file));
    }
    return report;
}

// The repository's migrations in the working tree, sorted: `globs` (or the defaults) on
// repository-relative paths.
std::vector<std::string> migrations_in_tree(const std::string& root, const std::vector<std::string>& globs) {
    namespace fs = std::filesystem;
    const auto& patterns = globs.empty() ? diff::default_migration_globs() : globs;
    std::vector<std::string> out;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (it->is_directory() && (name == ".git" || name == "node_modules")) {
            it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file()) continue;
        std::string rel = fs::relative(it->path(), root).generic_string();
        if (diff::selects(patterns, rel)) out.push_back(rel);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Trace mode for the pull request: its changed SQL migrations run on a throwaway PostgreSQL
// after the repository's other SQL migrations (the schema they change), with --ci verdicts.
struct TraceOutcome {
    bool ran = false;
    bool failed = false;  // a mismatch or a statement the server rejected, or no server
    std::string text;     // the trace report, for the log, summary, comment and check run
    std::string root;     // the checkout the traced paths lie in
    std::vector<PlanRehearsal> rehearsals;  // the oracle's verdict on each changed file's plan
};

TraceOutcome trace_changes(const diff::ChangeSet& changes, const std::vector<std::string>& globs,
                           const Settings& settings, bool as_superuser, const std::string& timeout,
                           std::ostream& err) {
    TraceOutcome t;
    std::string root = changes.repo_root;
    std::vector<std::string> changed;
    for (const auto& c : changes.files) {
        // A link or submodule is reported (migration-not-a-file), never run.
        if (c.status != diff::ChangeStatus::Deleted && c.kind == diff::EntryKind::file && c.path.size() > 4 &&
            analyze::sql_migration_name(c.path)) {
            changed.push_back(c.path);
        }
    }
    if (changed.empty()) return t;
    std::vector<std::string> args{"trace", "--ci", "--plan", "--color", "never", "--pg-version",
                                  std::to_string(settings.options.pg_version), "--max-file-size",
                                  std::to_string(settings.options.max_file_bytes >> 20)};
    if (as_superuser) args.push_back("--trace-as-superuser");
    if (!timeout.empty()) args.insert(args.end(), {"--trace-timeout", timeout});
    for (const auto& path : migrations_in_tree(root, globs)) {
        if (!analyze::sql_migration_name(path) || std::find(changed.begin(), changed.end(), path) != changed.end()) continue;
        args.push_back("--setup");
        args.push_back((std::filesystem::path(root) / path).string());
    }
    for (const auto& path : changed) args.push_back((std::filesystem::path(root) / path).string());
    std::ostringstream out;
    int status = run_trace(args, out, err, nullptr, &t.rehearsals);
    t.ran = true;
    t.root = root;
    t.failed = status != k_exit_ok;
    t.text = out.str();
    // Paths as the pull request shows them.
    std::string prefix = (std::filesystem::path(root) / "").string();
    for (std::size_t at; (at = t.text.find(prefix)) != std::string::npos;) t.text.erase(at, prefix.size());
    if (status == k_exit_input) t.text += "\n(the trace could not run: see the log)\n";
    return t;
}

// Each plan says whether it was rehearsed (docs/plans.md): with --trace, the oracle's verdict
// goes beside it, and a plan that differs from its file is withdrawn (never offered unproven);
// without, it is marked composed, not rehearsed, with how to rehearse it.
void mark_rehearsals(Report& report, const TraceOutcome& trace) {
    for (auto& file : report.files) {
        if (!file.plan || file.plan->steps.empty()) continue;
        auto& notes = file.plan->notes;
        if (!trace.ran) {
            notes.insert(notes.begin(), "composed, not rehearsed: `pgfence pr --trace` (the action's `trace: true`) runs it "
                                        "on a throwaway PostgreSQL under the old and the new release's traffic; " +
                                            std::string(trace::rehearsal_covers()));
            continue;
        }
        const std::string full = (std::filesystem::path(trace.root) / file.path).lexically_normal().generic_string();
        auto it = std::find_if(trace.rehearsals.begin(), trace.rehearsals.end(), [&](const PlanRehearsal& r) {
            return std::filesystem::path(r.path).lexically_normal().generic_string() == full;
        });
        if (it == trace.rehearsals.end()) {
            notes.insert(notes.begin(), "not rehearsed: the trace did not reach this file (see the trace below)");
        }
        if (it == trace.rehearsals.end()) continue;
        const std::string server = "PostgreSQL " + it->server_version.substr(0, it->server_version.find(' '));
        if (it->verdict == "proven") {
            std::string line = "rehearsed on " + server +
                               " with the old and the new release's writes: proven (the same end state as the file)";
            if (it->rescued > 0) line += "; " + std::to_string(it->rescued) + " writes the file would refuse went through";
            // A release between its steps: proven for the database steps only, and the order said.
            if (it->label != "proven" && !it->label.empty()) line += "; " + it->label;
            // What that covers, and what it does not (docs/plans.md).
            if (!it->scope.empty()) notes.insert(notes.begin(), it->scope);
            notes.insert(notes.begin(), line);
        } else if (it->verdict == "differs") {
            file.plan->steps.clear();
            file.plan->declined = "rehearsed on " + server + ", the plan does not do what the file does (" +
                                  it->reason + "): make this change by hand, with the findings' advice";
        } else if (it->verdict == "unchecked") {
            // Nothing to hold the plan to: not proven, so not offered.
            file.plan->steps.clear();
            file.plan->declined = "not proven: rehearsed on " + server + ", the file itself does not run on the seeded database (" +
                                  it->reason + "); give trace the schema it needs (--setup) or make this change by hand";
        }
    }
}

// The trace report holds SQL, names and PostgreSQL's messages: a fence longer than any
// backtick run in it keeps all of it inside the code block.
std::string trace_section(const TraceOutcome& trace) {
    return std::string("\n<details><summary>Trace on a real PostgreSQL: ") + (trace.failed ? "mismatch or error" : "confirmed") +
           "</summary>\n\n" + annotate::md_code_block(trace.text, "text") + "</details>\n";
}

// Appends to a file GitHub gave us (step summary, outputs); a failure is reported, not fatal.
// Its folder is the runner's; the file itself is never a link.
bool append_file(const std::string& path, const std::string& text, std::ostream& err) {
    analyze::SplitPath split = analyze::split_output_path(path);
    auto done = analyze::append_file_under(split.base, split.name, text);
    if (done) return true;
    err << "error: " << annotate::printable(done.error().describe()) << "\n";
    return false;
}

struct Counts {
    int new_findings = 0;
    int pre_existing = 0;
    Risk max_risk = Risk::None;  // of the new findings
};

Counts count(const Report& report) {
    Counts c;
    for (const auto& f : report.files) {
        for (const auto& finding : f.findings) {
            if (finding.pre_existing) {
                ++c.pre_existing;
                continue;
            }
            ++c.new_findings;
            c.max_risk = std::max(c.max_risk, finding.risk);
        }
    }
    return c;
}

// What could not be posted, and why, for the log and the fallback.
struct Posting {
    bool check_run = false;
    bool comment = false;
    std::vector<std::string> problems;  // what could not be posted
    std::vector<std::string> notes;     // what was posted only after a second try
};

std::string describe_failure(const github::GitHubError& e) {
    std::string why = e.message();
    if (e.status() == 403 || e.status() == 404) {
        why += " (the token cannot write here: a pull request from a fork gets a read-only token; "
               "give the job `checks: write` and `pull-requests: write`)";
    }
    return why;
}

// A note for the log that is not a failure (the post went through after all).
void err_log(Posting& posting, const std::string& line) { posting.notes.push_back(line); }

// The check run without its long text and with a short summary, annotations unchanged.
void shorten_check_run(annotate::CheckRunPlan& plan) {
    constexpr std::size_t k_short = 8 * 1024;
    auto shorten = [&](nlohmann::json& body) {
        auto& output = body["output"];
        output.erase("text");
        std::string summary = output.value("summary", std::string());
        output["summary"] = annotate::fit_bytes(summary, k_short, "\n\n(cut: the full report is in the job summary and the SARIF file)");
    };
    shorten(plan.create);
    for (auto& update : plan.updates) shorten(update);
}

void post_check_run(github::Client& client, const std::string& repository, const Report& report, const Target& target,
                    const Settings& settings, const TraceOutcome& trace, const Identity& identity, Posting& posting) {
    annotate::CheckRunOptions options;
    options.pull_request_suppressions = identity.pull_request_suppressions;
    options.unknown_fails = settings.block_unknown.value_or(true);
    const Risk max_risk = settings.max_risk;
    options.name = identity.title;
    options.head_sha = target.head;
    options.max_risk = max_risk;
    options.links = review_links(target);
    std::string server = env("GITHUB_SERVER_URL"), run = env("GITHUB_RUN_ID");
    if (!server.empty() && !run.empty()) options.details_url = server + "/" + repository + "/actions/runs/" + run;
    annotate::CheckRunPlan plan = annotate::plan_check_run(report, options);
    if (trace.ran) {
        // The verdicts go into the check run's text; a mismatch or an error fails it.
        auto add_trace = [&](nlohmann::json& body) {
            std::string text = body["output"].value("text", std::string()) + trace_section(trace);
            if (text.size() <= annotate::k_check_output_max_bytes) body["output"]["text"] = text;
            if (trace.failed && body.contains("conclusion")) body["conclusion"] = "failure";
        };
        add_trace(plan.create);
        for (auto& update : plan.updates) add_trace(update);
    }
    auto id = github::create_check_run(client, repository, plan.create);
    if (!id && id.error().status() == 422) {
        // GitHub refused the body (too long, say): the annotations and a short summary
        // still go through; the full report is in the comment, the summary and SARIF.
        err_log(posting, "GitHub refused the check run (" + id.error().message() + "): sending it without the long text");
        shorten_check_run(plan);
        id = github::create_check_run(client, repository, plan.create);
    }
    if (!id) {
        posting.problems.push_back("check run not posted: " + describe_failure(id.error()));
        return;
    }
    for (const auto& update : plan.updates) {
        github::Status updated = github::update_check_run(client, repository, *id, update);
        if (!updated) {
            posting.problems.push_back("check run not posted: " + describe_failure(updated.error()));
            return;
        }
    }
    posting.check_run = true;
}

// The comment body within `max_chars`; the trace section, if any, takes at most half of it.
// `previous` is the comment it replaces: what changed since is read from its hidden state.
std::string comment_body(const Report& report, const TraceOutcome& trace, const Identity& identity, std::size_t max_chars,
                         const annotate::ReviewLinks& links, const std::string* previous, const std::string& gate_note) {
    std::ostringstream body;
    annotate::MarkdownOptions options;
    options.pull_request_suppressions = identity.pull_request_suppressions;
    options.marker = identity.marker_text;
    options.max_chars = max_chars;
    options.title = identity.title;
    options.links = links;
    options.with_state = true;
    if (previous != nullptr) options.previous = annotate::decode_state(*previous);
    std::string traced = trace.ran ? trace_section(trace) : std::string();
    bool with_trace = traced.size() <= max_chars / 2;
    if (with_trace) options.max_chars -= traced.size();
    options.max_chars -= std::min(options.max_chars / 2, gate_note.size());
    annotate::render_markdown(report, body, options);
    if (with_trace) body << traced;
    if (!gate_note.empty() && gate_note.size() <= max_chars / 2) body << "\n" << gate_note << "\n";
    return body.str();
}

void post_comment(github::Client& client, const std::string& repository, int number, const Report& report,
                  bool has_findings, const TraceOutcome& trace, const Identity& identity,
                  const std::string& comment_author, const annotate::ReviewLinks& links, Posting& posting,
                  const std::string& gate_note) {
    // Only the token's own comments are ours to edit: anyone can write the marker.
    github::Author author{comment_author, std::nullopt};
    if (author.login.empty()) {
        auto found = github::token_author(client);
        if (!found) {
            posting.problems.push_back("comment not posted: cannot tell whose comments are pgfence's: " +
                                       describe_failure(found.error()));
            return;
        }
        author = *found;
    }
    // GitHub counts a body's length its own way; when it still refuses one (422), a body a
    // quarter of the size is sent, cut the same graceful way.
    for (std::size_t max_chars : {annotate::k_comment_max_chars, annotate::k_comment_max_chars / 4}) {
        auto make_body = [&](const std::string* previous) {
            return comment_body(report, trace, identity, max_chars, links, previous, gate_note);
        };
        // Nothing to say: only an earlier comment is brought up to date, none is added.
        auto sticky = github::upsert_sticky_comment(client, repository, number, identity.marker(), make_body, author, has_findings);
        if (sticky) {
            posting.comment = true;
            return;
        }
        const github::GitHubError& e = sticky.error();
        if (e.status() == 422 && max_chars == annotate::k_comment_max_chars) {
            err_log(posting, "GitHub refused the comment (" + e.message() + "): sending a shorter one");
            continue;
        }
        posting.problems.push_back("comment not posted: " + describe_failure(e));
        return;
    }
}

}  // namespace

int run_pr(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    PrArgs p = parse_pr(args);
    Identity identity = identity_of(p.name);
    annotate::SarifOptions sarif_options;
    sarif_options.automation_id = identity.automation_id;
    AnalyzeArgs a = parse_analyze(p.analyze_args);
    if (!a.changed_since.empty() || !a.baseline.empty()) {
        throw UsageError{"pr reports what the pull request changed: --changed-since and --baseline are analyze's"};
    }
    if (!a.db_url.empty()) {
        throw UsageError{"pr reads table sizes from --stats-file or the config's stats_file (a snapshot in the base commit), not --db-url"};
    }
    Target target = locate(p);
    governance::UploadOptions uploading = p.upload_url.empty() ? governance::UploadOptions{} : upload_options(p);
    if (!p.upload_url.empty() && (!target.number || target.repository.empty()))
        throw UsageError{"--upload needs the pull request's number and repository (--pr and --repository, or the event)"};

    Settings settings;
    Report report;
    TraceOutcome trace;
    // The git side's failures (no repository, a commit not fetched) end the run: exit 2.
    auto git_failed = [&](const analyze::Error& e) {
        err << "error: " << e.message << "\n";
        return k_exit_input;
    };
    auto repo = diff::Repository::open(target.repo_dir);
    if (!repo) return git_failed(repo.error());
    // The configuration comes before the diff: its `paths` choose the files.
    auto base_sha = repo->resolve_commit(target.base, "base");
    if (!base_sha) return git_failed(base_sha.error());
    auto head_sha = repo->resolve_commit(target.head, "head");
    if (!head_sha) return git_failed(head_sha.error());
    PrConfigPlace place{&*repo, *base_sha, *head_sha, p.config_from};
    if (!resolve_pr_settings(a, place, settings, err)) return k_exit_input;
    // pr gates a pull request: SQL pgfence could not see fails it unless `unknown = "warn"` (issue #53).
    const bool said_block = settings.block_unknown.value_or(false);  // error: rather than warning: lines
    const bool said_warn = settings.block_unknown.has_value() && !*settings.block_unknown;
    if (!settings.block_unknown) settings.block_unknown = true;
    auto changes = diff::changed_migrations(*repo, target.base, target.head, settings.paths, settings.options.max_file_bytes);
    if (!changes) return git_failed(changes.error());
    // Excluded files are not reviewed; the migrations of the base commit still replay in full.
    // The migrations the pull request's Flyway settings bring in (a location it added, a placeholder
    // value it changed) are changed migrations too.
    if (auto brought = add_settings_migrations(*repo, *changes, settings.options.max_file_bytes); !brought) return git_failed(brought.error());
    // Where the other tools' settings put their migrations: said, as what pgfence assumed.
    auto followed = followed_tool_dirs(*repo, changes->head_sha, settings.options.max_file_bytes);
    if (!followed) return git_failed(followed.error());
    for (const auto& line : *followed) err << "note: " << annotate::printable(line) << "\n";
    auto sqlx_folders = sqlx_folders_at(*repo, changes->head_sha, settings.options.max_file_bytes);
    if (!sqlx_folders) return git_failed(sqlx_folders.error());
    settings.options.sqlx_folders = &*sqlx_folders;
    std::erase_if(changes->files, [&](const diff::ChangedFile& c) { return excluded(settings.exclude, c.path); });
    // Another database's sets, as the base's files say (bot/other_database_review.hpp).
    auto other_databases = set_aside_other_databases(*repo, *changes, settings.options);
    if (!other_databases) return git_failed(other_databases.error());
    // A merged call of a function the pull request (re)defines now runs the new body: its file
    // is reviewed too (bot/pr_callers.hpp).
    auto callers = add_callers(*repo, *changes, settings.paths, settings.options.max_file_bytes);
    if (!callers) return git_failed(callers.error());
    std::erase_if(changes->files, [&](const diff::ChangedFile& c) { return excluded(settings.exclude, c.path); });
    for (const auto& path : *callers) {
        err << "pgfence: " << annotate::printable(path) << " calls a function this pull request defines: reviewed with it\n";
    }
    target.head = changes->head_sha;
    auto history = std::make_unique<HistoryRun>();
    if (!a.no_history) {
        std::vector<analyze::Error> history_errors;
        std::vector<std::string> history_notes;
        // --history files come from the base commit too (pr_schema_sources).
        PrSchemaSources history_sources;
        if (!pr_schema_sources(a.history, place, settings.options.max_file_bytes, history_sources, err, "--history")) return k_exit_input;
        auto replayed = base_history(*repo, *changes, settings.paths, history_sources.disk, settings.options, history_errors, history_notes,
                                     history_sources.texts);
        if (!replayed) return git_failed(replayed.error());
        for (const auto& note : history_notes) err << "note: " << annotate::printable(note) << "\n";
        for (const auto& e : history_errors) err << "error: --history " << annotate::printable(e.describe()) << "\n";
        if (!history_errors.empty()) return k_exit_input;
        history = std::move(*replayed);
    }
    // --schema files come from the base commit, as the configuration does (pr_schema_sources):
    // a structure.sql the pull request regenerates already holds what its migrations do.
    std::vector<analyze::Error> schema_errors;
    SchemaContext schema = schema_context(a, settings);
    PrSchemaSources schema_sources;
    if (!pr_schema_sources(schema.schema_files, place, settings.options.max_file_bytes, schema_sources, err)) return k_exit_input;
    schema.schema_files = std::move(schema_sources.disk);
    schema.schema_texts = std::move(schema_sources.texts);
    add_schema_context(*history, schema, settings.options, schema_errors);
    for (const auto& e : schema_errors) err << "error: --schema " << annotate::printable(e.describe()) << "\n";
    if (!schema_errors.empty()) return k_exit_input;
    FileStarts starts;
    governance::SuppressionOrigins origins;  // which suppressions stand on the base branch, for the upload
    auto analysed = analyse_changes(*repo, *changes, settings.options, p.fail_on_pre_existing, !a.no_history,
                                    identity.pull_request_suppressions,
                                    p.max_suggestions > 0 && target.number ? &starts : nullptr, &origins);
    if (!analysed) return git_failed(analysed.error());
    report = std::move(*analysed);
    for (auto& set : *other_databases) report.files.push_back(std::move(set));
    if (auto listed = add_settings_reports(*repo, *changes, report, settings.options); !listed) return git_failed(listed.error());
    // What looks like a migration where no setting pgfence read runs one (bot/unselected_migrations.hpp),
    // unless the configuration's `paths` or the command's globs say which files are migrations.
    if (settings.paths.empty()) {
        std::set<std::string> seen;
        for (const auto& f : report.files) seen.insert(f.path);
        std::vector<analyze::FileReport> more;
        if (auto found = add_unselected_migration_reports(*repo, *changes, settings.options, seen, more); !found) return git_failed(found.error());
        for (auto& f : more) {
            if (!excluded(settings.exclude, f.path)) report.files.push_back(std::move(f));
        }
    }
    if (auto journals = add_drizzle_journal_reports(*repo, *changes, report, settings.options); !journals) {
        return git_failed(journals.error());
    }
    history->count_into(report);
    if (p.trace) trace = trace_changes(*changes, settings.paths, settings, p.trace_as_superuser, p.trace_timeout, err);
    mark_rehearsals(report, trace);
    apply_stats(report, settings);
    Diagnosis diagnosis = diagnose(report, settings, said_block, err);

    // --format: each to its file (as the user named it; never through a link), or the one
    // without a file to standard output in place of the table.
    bool table = true;
    for (const auto& [format, path] : p.formats) {
        std::ostringstream text;
        if (format == "text") {
            annotate::render_terminal(report, text, annotate::TerminalOptions{false});
        } else if (format == "json") {
            annotate::JsonReportStream stream(settings.options.pg_version);
            annotate::write_report(stream, report, text);
        } else if (format == "markdown") {
            annotate::MarkdownOptions options;
            options.pull_request_suppressions = identity.pull_request_suppressions;
            options.title = identity.title;
            options.links = review_links(target);
            annotate::render_markdown(report, text, options);
        } else if (format == "sarif") {
            annotate::render_sarif(report, text, sarif_options);
        } else {
            annotate::CiFormatOptions options;
            options.root = target.repo_dir;
            if (format == "gitlab") annotate::render_gitlab(report, text, options);
            else annotate::render_rdjson(report, text, options);
        }
        if (path.empty()) {
            out << text.str();
            table = false;
            continue;
        }
        if (auto written = analyze::write_output_file(path, text.str()); !written) {
            err << "error: " << annotate::printable(written.error().describe()) << ": the " << format << " report is not written\n";
            diagnosis.failed = true;
        }
    }
    if (table) annotate::render_terminal(report, out, annotate::TerminalOptions{false});
    if (trace.ran && table) out << trace.text;
    Counts counts = count(report);
    std::string conclusion = annotate::check_conclusion(
        report, settings.max_risk, *settings.block_unknown,
        static_cast<std::size_t>(std::count_if(identity.pull_request_suppressions.begin(), identity.pull_request_suppressions.end(),
                                               [](const auto& s) { return s.lifted; })));
    if (trace.failed) conclusion = "failure";

    // The files come first: whatever happens to the API calls, the report is kept.
    std::string sarif_path = p.sarif_path;
    if (sarif_path.empty() && target.in_actions) sarif_path = (std::filesystem::path(target.repo_dir) / "pgfence.sarif").string();
    if (p.sarif && !sarif_path.empty()) {
        // In the checkout by default: a pgfence.sarif the pull request committed as a link is
        // refused, never truncated through.
        std::ostringstream sarif;
        annotate::render_sarif(report, sarif, sarif_options);
        auto written = analyze::write_output_file(sarif_path, sarif.str());
        if (!written) {
            err << "error: " << annotate::printable(written.error().describe()) << ": the SARIF file is not written\n";
            sarif_path.clear();
        }
    }
    std::string summary_path = !p.summary_path.empty() ? p.summary_path : env("GITHUB_STEP_SUMMARY");
    if (!summary_path.empty()) {
        std::ostringstream summary;
        annotate::MarkdownOptions options;
        options.pull_request_suppressions = identity.pull_request_suppressions;
        options.max_chars = annotate::k_job_summary_max_chars;
        options.title = identity.title;
        options.links = review_links(target);
        annotate::render_markdown(report, summary, options);
        append_file(summary_path, summary.str() + (trace.ran ? trace_section(trace) : "") + "\n", err);
    }

    Posting posting;
    int suggestions_posted = 0;
    // Bad input from the environment (GITHUB_API_URL, the event's number): reported as an
    // error, exit 2, after every file and the fallback annotations are written.
    bool input_error = false;
    // GitHub's runner spells the input INPUT_GITHUB-TOKEN; the composite action's step (bot/action.sh),
    // which cannot, INPUT_GITHUB_TOKEN.
    auto token_input = env("INPUT_GITHUB-TOKEN");
    if (token_input.empty()) token_input = env("INPUT_GITHUB_TOKEN");
    github::ClientOptions client_options =
        github::options_from_env(token_input.empty() ? std::nullopt : std::optional<std::string>(token_input));
    bool can_post = !client_options.token.empty() && !target.repository.empty();
    if (!can_post && (p.check_run || p.comment) && target.in_actions) {
        posting.problems.push_back(target.repository.empty() ? "nothing posted: GITHUB_REPOSITORY is not set"
                                                             : "nothing posted: no token (github-token input or GITHUB_TOKEN)");
    }
    if (!target.number_problem.empty() && p.comment) {
        err << "error: " << target.number_problem << "\n";
        input_error = true;
    }
    std::unique_ptr<github::Client> client;
    if (can_post) {
        auto created = github::Client::create(client_options);
        if (created) {
            client = std::move(*created);
        } else {
            err << "error: " << created.error().message() << " (nothing posted)\n";
            input_error = true;
            can_post = false;
        }
    }
    if (can_post) {
        if (p.check_run) post_check_run(*client, target.repository, report, target, settings, trace, identity, posting);
        if (p.comment && target.number) {
            post_comment(*client, target.repository, *target.number, report,
                         counts.new_findings + counts.pre_existing > 0 || trace.failed || !identity.pull_request_suppressions.empty(),
                         trace, identity,
                         p.comment_author, review_links(target), posting, ungated_note(diagnosis.unseen, said_warn, true));
        }
        if (p.max_suggestions > 0 && target.number) {
            SuggestionRun run = post_suggestions(*client, target.repository, *target.number, target.head, report, *changes,
                                                 starts, settings.options, static_cast<std::size_t>(p.max_suggestions),
                                                 p.comment_author, identity.title);
            suggestions_posted = run.posted;
            if (run.error) posting.problems.push_back("suggestions not posted: " + describe_failure(*run.error));
        }
        if (p.upload_sarif && !sarif_path.empty()) {
            std::ostringstream sarif;
            annotate::render_sarif(report, sarif, sarif_options);
            std::string ref = env("GITHUB_REF");
            if (ref.empty() && target.number) ref = "refs/pull/" + std::to_string(*target.number) + "/head";
            auto uploaded = github::upload_sarif(*client, target.repository, target.head, ref, sarif.str());
            if (!uploaded) posting.problems.push_back("SARIF not uploaded: " + describe_failure(uploaded.error()));
        }
    }
    // The upload comes after the posts, whatever became of them: the service keeps its own record.
    std::optional<governance::Outcome> upload;
    if (!p.upload_url.empty()) {
        governance::Subject subject{target.repository, *target.number, target.head, *base_sha, p.name, {}};
        if (auto tree = repo->tree_id(target.head)) subject.head_tree = *tree;
        // What an approval binds to: what runs through each path (bot/content_binding.hpp): the
        // file as a checkout writes it and the checkout attributes (.gitattributes) that decide
        // that form, a link's target, a submodule's commit.
        auto bytes_at_head = [&](const std::string& path) { return bound_bytes(*repo, target.head, path); };
        upload = governance::upload_report(report, subject, bytes_at_head, origins, p.upload_sql, uploading);
        if (upload->uploaded) out << upload->line << "\n";
        else err << (p.upload_required ? "error: " : "warning: ") << upload->line << "\n";
    }
    for (const auto& note : posting.notes) err << "pgfence: " << note << "\n";
    for (const auto& problem : posting.problems) err << "pgfence: " << problem << "\n";
    if (std::string ungated = ungated_note(diagnosis.unseen, said_warn, false); !ungated.empty()) err << ungated << "\n";
    // Without a check run the findings still reach the pull request's diff: the runner turns
    // workflow commands into annotations.
    if (!posting.check_run && target.in_actions) {
        if (p.check_run && can_post) err << "pgfence: falling back to workflow-command annotations\n";
        annotate::render_workflow_commands(report, out);
    }

    std::string outputs_path = !p.outputs_path.empty() ? p.outputs_path : env("GITHUB_OUTPUT");
    if (!outputs_path.empty()) {
        std::ostringstream o;
        o << "max-risk=" << risk_name(counts.max_risk) << "\n"
          << "findings=" << counts.new_findings << "\n"
          << "pre-existing-findings=" << counts.pre_existing << "\n"
          << "files=" << report.files.size() << "\n"
          << "conclusion=" << conclusion << "\n"
          << "sarif-file=" << (p.sarif ? step_path(sarif_path) : std::string()) << "\n"
          << "check-run-posted=" << (posting.check_run ? "true" : "false") << "\n"
          << "comment-posted=" << (posting.comment ? "true" : "false") << "\n"
          << "suggestions-posted=" << suggestions_posted << "\n";
        if (upload) o << "governance-conclusion=" << upload->conclusion << "\n";
        append_file(outputs_path, o.str(), err);
    }

    if (diagnosis.failed || input_error || (upload && !upload->uploaded && p.upload_required)) return k_exit_input;
    if (trace.failed) {
        err << "pgfence: the trace found a mismatch or a statement PostgreSQL rejected\n";
        return k_exit_findings;
    }
    if (conclusion == "failure") {
        if (*settings.block_unknown && diagnosis.unseen > 0) {
            err << "pgfence: " << diagnosis.unseen << (diagnosis.unseen == 1 ? " new statement" : " new statements")
                << " pgfence could not see (unknown-statement): a person must review "
                << (diagnosis.unseen == 1 ? "it" : "them") << " (`--unknown warn`, or `unknown = \"warn\"` in the base branch's configuration, lets them pass)\n";
        }
        if (diagnosis.over || !(*settings.block_unknown && diagnosis.unseen > 0)) err << "pgfence: new findings above --max-risk " << risk_name(settings.max_risk) << "\n";
        return k_exit_findings;
    }
    return k_exit_ok;
}

}  // namespace pgfence::bot
