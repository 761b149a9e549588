#include "bot/analyze_command.hpp"
#include "bot/analyze_command_parts.hpp"

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

#include "analyze/base/civil_date.hpp"
#include "analyze/migrations/migration_order.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/plan/plan.hpp"
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
#include "bot/progress.hpp"
#include "analyze/base/safe_write.hpp"
#include "bot/stdin_input.hpp"
#include "diff/glob.hpp"
#include "analyze/flyway_locations.hpp"
#include "analyze/graphile_inputs.hpp"
#include "analyze/migrations/engine_files.hpp"
#include "analyze/migrations/loose_sql.hpp"
#include "analyze/migrations/manual_scripts.hpp"
#include "analyze/migrations/other_database.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/sqlx_crate.hpp"
#include "analyze/tool_dir_inputs.hpp"
#include "diff/repository.hpp"
#include "stats/apply.hpp"
#include "stats/conninfo.hpp"
#include "stats/units.hpp"

namespace pgfence::bot {

bool excluded(const std::vector<std::string>& globs, const std::string& path) {
    return !globs.empty() && diff::matches_any(globs, fs::path(path).lexically_normal().generic_string());
}

namespace analyze_command_detail {

bool is_output_format(std::string_view f) {
    return f == "text" || f == "compact" || f == "json" || f == "markdown" || f == "sarif" || f == "github" || f == "gitlab" || f == "rdjson" ||
           f == "plan";
}

// Whether a --format shows a file's plan, or anything read from it (annotate/: terminal, JSON,
// Markdown, SARIF's fixes, the plan files).
bool shows_plans(std::string_view f) { return f != "github" && f != "gitlab" && f != "rdjson"; }

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

}  // namespace analyze_command_detail
int run_analyze(const AnalyzeArgs& a, std::ostream& out, std::ostream& err) {
    bool config_failed = false;
    Settings settings = resolve(a, err, config_failed);
    if (config_failed) return k_exit_input;
    // SQL pgfence could not see fails --ci unless --unknown warn or `unknown = "warn"` says otherwise.
    // The workflow commands, GitLab's and reviewdog's formats show findings, never a plan: none is
    // composed or checked for them (checking one analyses each of its migrations again).
    if (!shows_plans(a.format)) {
        settings.options.compose_plans = false;
        settings.options.check_plans = false;
    }
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
    std::vector<std::string> flyway_folders;
    analyze::tools::add_flyway_locations(files, settings.options, &flyway_folders);
    // So do the other tools from the folders their settings name; each assumption is said.
    analyze::tools::FollowedDirs followed = analyze::tools::add_tool_dirs(files, settings.paths, settings.options);
    for (const auto& note : followed.notes) err << "note: " << annotate::printable(note) << "\n";
    settings.options.sqlx_folders = &followed.sqlx_folders;
    settings.options.tool_folders = &followed.tool_folders;
    settings.options.psql_runs = &followed.psql_runs;
    // graphile-migrate's .gmrc (tools/graphile_settings.hpp): its actions are unknown, and so is each
    // use of its placeholders in the migrations.
    const auto graphile = analyze::tools::read_graphile_projects(settings.paths, settings.options, followed.unknown);
    if (!graphile.empty()) settings.options.graphile_projects = &graphile;
    settings.options.golang_multi_statement = followed.golang_multi_statement;
    settings.options.golang_multi_statement_off = followed.golang_multi_statement_off;
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
    // Never a file psql is told to run or include, nor one below a folder a runner recurses into.
    const auto run_by_tool = [&](const std::string& f) {
        std::error_code ec;
        const fs::path self = fs::absolute(f, ec).lexically_normal();
        for (const auto& run : followed.psql_runs) {
            if (analyze::tools::psql_runs_file(self.generic_string(), fs::absolute(run.file, ec).lexically_normal().generic_string())) return true;
        }
        for (const auto& folder : flyway_folders) {
            const fs::path top = fs::absolute(folder, ec).lexically_normal();
            const fs::path rel = self.lexically_relative(top);
            if (!rel.empty() && *rel.begin() != "..") return true;
        }
        return false;
    };
    for (auto& set : analyze::tools::set_aside_other_databases(files, run_by_tool)) followed.unknown.push_back(std::move(set));
    // sqlc's query files, another engine's sqlc schema, a folder named after another engine
    // (tools/engine_files.hpp): a skipped entry each.
    for (auto& other : analyze::tools::set_aside_engine_files(files, {followed.named_files, settings.paths, run_by_tool})) {
        followed.unknown.push_back(std::move(other));
    }
    // SQL run by hand beside Prisma's migrations (tools/manual_scripts.hpp): a skipped entry each.
    for (auto& script : analyze::tools::set_aside_manual_scripts(files, run_by_tool)) followed.unknown.push_back(std::move(script));
    // SQL no tool runs, found by walking a folder (tools/loose_sql.hpp): a skipped entry each.
    for (auto& loose : analyze::tools::set_aside_loose_sql(files, {followed.named_files, settings.paths, run_by_tool})) {
        followed.unknown.push_back(std::move(loose));
    }
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
    bool baseline_added = false;  // --ci: entries the branch added to the baseline (each a warning: line)
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
        if (!baseline->exists() || a.update_baseline) {
            baseline->set_record_only(true);
        } else if (!a.changed_since.empty()) {
            // The branch's own entries hide nothing: the baseline is the merge base's (red team
            // R83 F5: a pull request that adds a DROP TABLE and its baseline line).
            auto at_base = baseline_at_merge_base(a.baseline, a.changed_since, err);
            if (!at_base) return k_exit_input;
            if (std::size_t added = baseline->honour_only(*at_base); added > 0) {
                err << "warning: " << annotate::printable(a.baseline) << ": " << added << (added == 1 ? " entry" : " entries")
                    << " not in the baseline at the merge base with " << annotate::printable(a.changed_since)
                    << " (added on this branch): not honoured, their findings are reported\n";
            }
        } else if (a.ci) {
            // Without --changed-since: the entries the working tree adds to the baseline as the
            // merge base with the default branch (or HEAD) holds it hide nothing, and fail --ci
            // (red team R83 F5). Outside git there is nothing to compare: a limit (docs/cli.md).
            std::string against;
            if (auto at_base = baseline_at_default_base(a.baseline, against)) {
                for (const auto& [line, what] : baseline->honour_only_listed(*at_base)) {
                    err << "warning: " << annotate::printable(a.baseline) << ":" << line << ": a baseline entry for "
                        << annotate::printable(what) << " that " << annotate::printable(against)
                        << " does not hold (added here): not honoured, its finding is reported, and --ci fails\n";
                    baseline_added = true;
                }
            }
        }
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
                                         a.history_from_index ? CommittedFrom::Index : CommittedFrom::HeadInWorkingTree,
                                         !a.changed_since.empty());
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
    if (baseline_added) err << "pgfence: the baseline gains entries on this branch: a finding cannot lift itself (--ci fails)\n";
    return (*settings.block_unknown && diagnosis.unseen > 0) || (a.ci && diagnosis.over) || baseline_added ? k_exit_findings : k_exit_ok;
}

}  // namespace pgfence::bot
