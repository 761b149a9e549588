#include "bot/pr_command.hpp"
#include "bot/pr_parts.hpp"
#include "analyze/migrations/migration_names.hpp"
#include "bot/tool_settings_review.hpp"
#include "analyze/migrations/conventions.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/flyway_settings.hpp"
#include "analyze/migrations/folder_tool.hpp"
#include "analyze/migrations/graphile_settings.hpp"

#include "bot/trace_command.hpp"
#include "trace/proof_scope.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <unistd.h>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/migrations/migration_order.hpp"
#include "analyze/migrations/tool_order.hpp"
#include "analyze/base/regular_file.hpp"
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
#include "bot/pr_suppressions.hpp"
#include "bot/pre_existing.hpp"
#include "bot/pr_callers.hpp"
#include "bot/pr_loaders.hpp"
#include "bot/pr_config.hpp"
#include "bot/capture_merge.hpp"
#include "bot/suggestions.hpp"
#include "diff/changes.hpp"
#include "bot/config_review.hpp"
#include "diff/event.hpp"
#include "diff/glob.hpp"
#include "bot/analyze_history.hpp"
#include "analyze/migrations/known_migrations.hpp"
#include "bot/drizzle_journal.hpp"
#include "bot/removed_migrations.hpp"
#include "bot/tool_renames.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {
namespace pr_detail {

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
}  // namespace pr_detail

int run_pr(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    PrArgs p = parse_pr(args);
    // The action passes its trace inputs whenever they are set: say when they change nothing.
    if (!p.trace && !p.trace_timeout.empty()) err << "warning: --trace-timeout does nothing without --trace\n";
    if (!p.trace && !p.trace_budget.empty()) err << "warning: --trace-budget does nothing without --trace\n";
    Identity identity = identity_of(p.name);
    annotate::SarifOptions sarif_options;
    sarif_options.automation_id = identity.automation_id;
    // --changed-since, --baseline, --db-url and -o never reach it: parse_pr refuses them
    // (analyze_options_not_in_pr).
    AnalyzeArgs a = parse_analyze(p.analyze_args);
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
    std::vector<std::string> config_files;  // the configuration's files in the repository (bot/config_review.hpp)
    PrConfigPlace place{&*repo, *base_sha, *head_sha, p.config_from, &config_files};
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
    // A down-named migration its tool runs whole, renamed to another record (bot/tool_renames.hpp): new.
    if (auto renamed = mark_tool_renames(*repo, *changes, settings.options.max_file_bytes); !renamed) return git_failed(renamed.error());
    // Where the other tools' settings put their migrations: said, as what pgfence assumed.
    auto followed = followed_tool_dirs(*repo, changes->head_sha, settings.options.max_file_bytes);
    if (!followed) return git_failed(followed.error());
    for (const auto& line : *followed) err << "note: " << annotate::printable(line) << "\n";
    auto sqlx_folders = sqlx_folders_at(*repo, changes->head_sha, settings.options.max_file_bytes);
    if (!sqlx_folders) return git_failed(sqlx_folders.error());
    settings.options.sqlx_folders = &*sqlx_folders;
    // The changed migrations' sets as the head commit holds them, as analyze knows a folder's files.
    auto head_known = head_known_migrations(*repo, *changes);
    if (!head_known) return git_failed(head_known.error());
    const analyze::KnownMigrations known(std::move(*head_known));
    settings.options.known_migrations = &known;
    auto psql_runs = psql_runs_at(*repo, changes->head_sha, settings.options.max_file_bytes);
    if (!psql_runs) return git_failed(psql_runs.error());
    settings.options.psql_runs = &*psql_runs;
    // graphile-migrate's placeholders as the head's .gmrc names them (tools/graphile_settings.hpp):
    // each use in a changed migration is unknown; a changed .gmrc is a settings change.
    std::vector<analyze::tools::GraphileProject> graphile;
    for (std::string_view name : {".gmrc", ".gmrc.js", ".gmrc.cjs"}) {
        auto stored = repo->read_file_bounded(changes->head_sha, std::string(name), settings.options.max_file_bytes);
        if (!stored) return git_failed(stored.error());
        if (!*stored) continue;
        analyze::tools::GraphileSettings read;
        if ((*stored)->text) read = analyze::tools::read_graphile_settings(name, *(*stored)->text);
        else read.computed = true;
        graphile.push_back(analyze::tools::graphile_project(name, read));
        break;  // the first one graphile-migrate finds (src/commands/_common.ts getSettings)
    }
    if (!graphile.empty()) settings.options.graphile_projects = &graphile;
    // The marker tools the merge base's files name: only their markers decide what runs
    // (pr_changes.cpp); a name the pull request adds (a comment in a script) does not count.
    auto marker_tools = marker_tools_at(*repo, changes->merge_base_sha, settings.options.max_file_bytes);
    if (!marker_tools) return git_failed(marker_tools.error());
    settings.options.marker_tools = &*marker_tools;
    // Tools that run every pending migration in one transaction, and golang-migrate's
    // x-multi-statement (golang_migrate_split.hpp), as the merge base's and the head's files set
    // them: the stricter reading of the two (a pull request that turns either off is itself a
    // changed setting).
    for (const std::string* commit : {&changes->merge_base_sha, &changes->head_sha}) {
        analyze::AnalyzeOptions at = settings.options;
        at.npm_single_transaction = true;
        at.flyway_group = false;
        at.flyway_mixed = false;
        at.typeorm_transaction_all = true;
        if (auto one = one_transaction_settings_at(*repo, *commit, settings.options.max_file_bytes, at); !one) return git_failed(one.error());
        const bool first = commit == &changes->merge_base_sha;
        settings.options.npm_single_transaction = (!first && settings.options.npm_single_transaction) || at.npm_single_transaction;
        settings.options.flyway_group = (!first && settings.options.flyway_group) || at.flyway_group;
        settings.options.flyway_mixed = (!first && settings.options.flyway_mixed) || at.flyway_mixed;
        settings.options.typeorm_transaction_all = (!first && settings.options.typeorm_transaction_all) || at.typeorm_transaction_all;
        std::string on;
        bool off = false;
        if (auto multi = golang_multi_statement_at(*repo, *commit, settings.options.max_file_bytes, on, off); !multi) return git_failed(multi.error());
        // On at either commit wins over may be on ("?<where>"), which wins over neither.
        const std::string& had = settings.options.golang_multi_statement;
        if (had.empty() || (had.starts_with('?') && !on.empty() && !on.starts_with('?'))) settings.options.golang_multi_statement = on;
        settings.options.golang_multi_statement_off = (first || settings.options.golang_multi_statement_off) && off;
    }
    std::erase_if(changes->files, [&](const diff::ChangedFile& c) { return excluded(settings.exclude, c.path); });
    // Another database's sets, as the base's files say (bot/other_database_review.hpp).
    std::set<std::string> other_database_files;  // set aside: reported with their set's folder
    auto other_databases = set_aside_other_databases(*repo, *changes, settings.options, &other_database_files);
    if (!other_databases) return git_failed(other_databases.error());
    // A merged call of a function the pull request (re)defines now runs the new body: its file
    // is reviewed too (bot/pr_callers.hpp).
    auto callers = add_callers(*repo, *changes, settings.paths, settings.options);
    if (!callers) return git_failed(callers.error());
    std::erase_if(changes->files, [&](const diff::ChangedFile& c) { return excluded(settings.exclude, c.path); });
    for (const auto& path : *callers) {
        err << "pgfence: " << annotate::printable(path) << " calls a function this pull request defines: reviewed with it\n";
    }
    // A merged migration that loads a helper the pull request changes, or a bare import whose path
    // alias it changes, now runs the new helper (bot/pr_loaders.hpp).
    auto loaders = add_loaders(*repo, *changes, settings.paths, settings.options);
    if (!loaders) return git_failed(loaders.error());
    std::erase_if(changes->files, [&](const diff::ChangedFile& c) { return excluded(settings.exclude, c.path); });
    for (const auto& loader : *loaders) {
        err << "pgfence: " << annotate::printable(loader.path)
            << (loader.unresolved ? " loads a module by a name pgfence cannot resolve, which may be a file this pull request changes: reviewed with it\n"
                                  : " loads a module, or a path alias, this pull request changes: reviewed with it\n");
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
    // A change of pgfence's own configuration that is not only stricter (bot/config_review.hpp).
    if (auto configs = add_config_change_reports(*repo, *changes, config_files, report, settings.options); !configs) {
        return git_failed(configs.error());
    }
    // What looks like a migration where no setting pgfence read runs one (bot/unselected_migrations.hpp),
    // unless the configuration's `paths` or the command's globs say which files are migrations.
    if (settings.paths.empty()) {
        std::set<std::string> seen = other_database_files;
        for (const auto& f : report.files) seen.insert(f.path);
        std::vector<analyze::FileReport> more;
        if (auto found = add_unselected_migration_reports(*repo, *changes, settings.options, seen, more); !found) return git_failed(found.error());
        for (auto& f : more) {
            if (!excluded(settings.exclude, f.path)) report.files.push_back(std::move(f));
        }
    }
    // A change to the project's own migration runner or a module it loads (bot/own_runner_review.hpp).
    {
        std::set<std::string> seen = other_database_files;
        for (const auto& f : report.files) seen.insert(f.path);
        std::vector<analyze::FileReport> more;
        if (auto found = add_own_runner_reports(*repo, *changes, settings.options, seen, more); !found) return git_failed(found.error());
        for (auto& f : more) {
            if (!excluded(settings.exclude, f.path)) report.files.push_back(std::move(f));
        }
    }
    // What the project's migrate command sent, as an earlier step recorded it (bot/pr_capture.hpp):
    // it never hides what pgfence read from them (bot/capture_merge.hpp).
    PrCapture captured;
    if (!p.capture.empty()) {
        auto applied = apply_capture(p.capture, *repo, *changes, report, settings.options, err);
        if (!applied) {
            err << "error: --capture " << annotate::printable(applied.error().describe()) << "\n";
            return k_exit_input;
        }
        captured = std::move(*applied);
        if (captured.reported > 0) {
            identity.capture_note = std::string(k_capture_caveat) + ".";
            identity.captured_code = captured.code_migrations > 0;
        }
    }
    if (auto journals = add_drizzle_journal_reports(*repo, *changes, report, settings.options); !journals) {
        return git_failed(journals.error());
    }
    history->count_into(report);
    if (p.trace) trace = trace_changes(*repo, *changes, settings.paths, settings, p.trace_as_superuser, p.trace_timeout, p.trace_budget, err);
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
    if (table) {
        // As analyze prints it: on a terminal narrower than the statement table, each finding as a
        // compiler prints a diagnostic, wrapped to the terminal's width; never coloured.
        bool tty = &out == &std::cout && isatty(STDOUT_FILENO);
        int width = terminal_width(tty);
        annotate::TerminalOptions options{false};
        options.compact = tty && width > 0 && width < annotate::k_table_width;
        options.width = width > 0 ? width : 80;
        annotate::render_terminal(report, out, options);
    }
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
    bool input_error = captured.failed;  // a captured migration failed: said on its error: lines
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
        // A captured migration binds to the SQL the capture judged as well.
        auto bytes_at_head = [&](const std::string& path) -> analyze::Result<std::optional<std::string>> {
            auto bytes = bound_bytes(*repo, target.head, path);
            auto sql = captured.captured_sql.find(path);
            if (!bytes || sql == captured.captured_sql.end()) return bytes;
            return std::optional<std::string>((bytes->value_or(std::string()) + std::string("\0pgfence-capture\0", 17)) + sql->second);
        };
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
        err << "pgfence: the trace found a mismatch or a statement PostgreSQL rejected, or stopped at its run budget\n";
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
