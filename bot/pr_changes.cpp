// pgfence pr: the changed migrations analysed (and traced) at the pull request's head (split from pr_command.cpp).
#include "bot/pr_parts.hpp"

#include <cstdlib>
#include <utility>

#include "analyze/base/safe_write.hpp"
#include "trace/temporary_folder.hpp"

namespace pgfence::bot {

namespace pr_detail {
// A diesel migration's metadata.toml beside the file, at the same commit; a Flyway migration's
// settings files (bot/tool_settings_review.hpp).
analyze::Result<std::string> sibling_metadata_here(const diff::Repository& repo, const std::string& commit,
                                                   const std::string& path, const AnalyzeOptions& options);

// With tools::k_down_pair before it where a down half's up half lies beside it in the commit.
analyze::Result<std::string> sibling_metadata(const diff::Repository& repo, const std::string& commit,
                                              const std::string& path, const AnalyzeOptions& options) {
    auto said = sibling_metadata_here(repo, commit, path, options);
    const std::string_view name = analyze::path_name(path);
    if (!said || name.find(".down.") == std::string_view::npos || analyze::flyway_name(name) || analyze::flyway_name_with_suffix(name)) {
        return said;
    }
    const bool pair = options.tool == "golang-migrate" || tools::down_pair(path, [&](const std::string& file) -> std::optional<std::string> {
        auto read = repo.read_file(commit, file);
        if (!read || !read->has_value()) return std::nullopt;
        return std::string();
    });
    if (pair) return std::string(tools::k_down_pair) + *said;
    return said;
}

analyze::Result<std::string> sibling_metadata_here(const diff::Repository& repo, const std::string& commit,
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
        std::string said = tools::folder_tool_metadata(path, [&](const std::string& file) -> std::optional<std::string> {
            auto read = repo.read_file(commit, file);
            if (!read || !read->has_value() || (*read)->size() > tools::k_most_settings_bytes) return std::nullopt;
            return **read;
        });
        // No file says which tool runs the folder: a file's own markers decide what runs only for
        // a tool the project's files name (red team R68 B26: goose markers in a file sqlx-cli or a
        // psql loop runs whole hid the DROP TABLE after `-- +goose Down`). One named: only its
        // markers mark; none: the file is read whole, the part after a down marker included.
        if (said.empty() && options.marker_tools != nullptr) {
            const auto& named = *options.marker_tools;
            if (named.size() == 1) {
                said = std::string(tools::k_folder_tool) + named[0].first + "\n" + named[0].first +
                       " is the only tool with up/down markers the project's files name (" + named[0].second + ")";
            } else if (named.empty()) {
                said = std::string(tools::k_folder_tool) +
                       "\nno file of the project names goose, dbmate or node-pg-migrate, whose markers would say which part of "
                       "it runs (set `tool` in the configuration if one of them runs it)";
            }
        }
        return said;
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
                                        FileStarts* starts, governance::SuppressionOrigins* origins) {
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

namespace {

// The files the analysis looks for in the folders above a migration's (analyzer_files.cpp), as
// `folder`'s ('/'-terminated, "" for the top) Flyway settings (tools::flyway_settings_candidates)
// and pgmi's project files of each folder up to the top.
std::set<std::string> settings_above(const std::string& folder) {
    std::set<std::string> out;
    for (auto& candidate : tools::flyway_settings_candidates(folder + "x.sql")) out.insert(std::move(candidate));
    for (std::string up = folder;;) {
        out.insert(up + "pgmi.yaml");
        out.insert(up + "deploy.sql");
        if (up.empty()) break;
        up.pop_back();
        up.erase(up.rfind('/') == std::string::npos ? 0 : up.rfind('/') + 1);
    }
    return out;
}

// The head commit's files the trace runs, written to a private temporary folder, never into the
// checkout (red team R72 N2): a read-only checkout cannot hold them, and a copy left there by a
// pgfence killed mid-trace is in the work tree a later step commits or reads. The folder is
// removed with the object, or by its watchdog when pgfence is killed (trace/temporary_folder.hpp).
// It holds the repository's migrations (`globs`, or the defaults) and the other files of their
// folders (a diesel metadata.toml, Flyway's settings), as `analyze` reads them at the head commit,
// and the settings looked for above those folders (Flyway's, pgmi's), which the trace found in the
// checkout around its copy while the copy lay there. The checkout may be another commit (CI's
// merge commit, another branch) or hold edits that are not the pull request's.
class HeadFiles {
public:
    // An error line, or empty once written; `migrations` are the selected files, sorted.
    std::string write(const diff::Repository& repo, const std::string& commit, const std::vector<std::string>& globs,
                      const std::vector<std::string>& changed, std::uint64_t max_bytes) {
        const auto& patterns = globs.empty() ? diff::default_migration_globs() : globs;
        auto selected = repo.list_files(commit, [&](std::string_view p) { return diff::selects(patterns, p); });
        if (!selected) return selected.error().describe();
        migrations = std::move(*selected);
        std::set<std::string> folders;
        for (const std::vector<std::string>* list : {&std::as_const(migrations), &changed}) {
            for (const auto& p : *list) folders.insert(p.substr(0, p.rfind('/') == std::string::npos ? 0 : p.rfind('/') + 1));
        }
        auto files = repo.list_files(commit, [&](std::string_view p) {
            auto slash = p.rfind('/');
            return folders.contains(std::string(p.substr(0, slash == std::string_view::npos ? 0 : slash + 1)));
        });
        if (!files) return files.error().describe();
        auto made = trace::TemporaryFolder::make("pgfence-trace-");
        if (!made) return made.error().describe();
        m_folder = std::move(*made);
        // write_file_under: no link followed below the folder, none written.
        for (const auto& path : *files) {
            auto stored = repo.read_file_bounded(commit, path, max_bytes);
            if (!stored) return stored.error().describe();
            if (!*stored || !(*stored)->text) {
                const bool traced = std::binary_search(migrations.begin(), migrations.end(), path) ||
                                    std::find(changed.begin(), changed.end(), path) != changed.end();
                if (traced && *stored) {
                    return path + ": " + analyze::file_too_large((*stored)->size, max_bytes);
                }
                continue;
            }
            if (auto w = analyze::write_file_under(m_folder->path(), path, *(*stored)->text); !w) return w.error().describe();
        }
        std::set<std::string> above;
        for (const auto& folder : folders) above.merge(settings_above(folder));
        for (const auto& file : *files) above.erase(file);
        for (const auto& path : above) {
            auto stored = repo.read_file_bounded(commit, path, max_bytes);
            if (!stored) return stored.error().describe();
            if (!*stored || !(*stored)->text) continue;
            if (auto w = analyze::write_file_under(m_folder->path(), path, *(*stored)->text); !w) return w.error().describe();
        }
        return {};
    }
    // Absolute, its links resolved.
    const std::string& folder() const { return m_folder->path(); }
    std::vector<std::string> migrations;

private:
    std::unique_ptr<trace::TemporaryFolder> m_folder;
};

}  // namespace

TraceOutcome trace_changes(const diff::Repository& repo, const diff::ChangeSet& changes, const std::vector<std::string>& globs,
                           const Settings& settings, bool as_superuser, const std::string& timeout,
                           const std::string& budget, std::ostream& err) {
    TraceOutcome t;
    std::vector<std::string> changed;
    for (const auto& c : changes.files) {
        // A link or submodule is reported (migration-not-a-file), never run.
        if (c.status != diff::ChangeStatus::Deleted && c.kind == diff::EntryKind::file && c.path.size() > 4 &&
            analyze::sql_migration_name(c.path)) {
            changed.push_back(c.path);
        }
    }
    if (changed.empty()) return t;
    HeadFiles head;
    if (std::string problem = head.write(repo, changes.head_sha, globs, changed, settings.options.max_file_bytes); !problem.empty()) {
        err << "error: --trace: the head commit's migrations: " << annotate::printable(problem) << "\n";
        t.ran = true;
        t.failed = true;
        t.text = "(the trace could not run: see the log)\n";
        return t;
    }
    const std::string root = head.folder();
    std::vector<std::string> args{"trace", "--ci", "--plan", "--color", "never", "--pg-version",
                                  std::to_string(settings.options.pg_version), "--max-file-size",
                                  std::to_string(settings.options.max_file_bytes >> 20)};
    if (as_superuser) args.push_back("--trace-as-superuser");
    if (!timeout.empty()) args.insert(args.end(), {"--trace-timeout", timeout});
    if (!budget.empty()) args.insert(args.end(), {"--trace-budget", budget});
    for (const auto& path : head.migrations) {
        // The schema the changed files run on: the other migrations on the way up, never a
        // down half (golang-migrate's x.down.sql would undo its up half), as history replay and
        // `trace` itself leave them out.
        if (!analyze::sql_migration_name(path) || analyze::is_down_half(path) ||
            std::find(changed.begin(), changed.end(), path) != changed.end()) {
            continue;
        }
        args.push_back("--setup");
        args.push_back((std::filesystem::path(root) / path).string());
    }
    for (const auto& path : changed) args.push_back((std::filesystem::path(root) / path).string());
    std::ostringstream out;
    int status = run_trace(args, out, err, nullptr, &t.rehearsals, root, settings.options.tool);
    t.ran = true;
    t.root = root;
    t.failed = status != k_exit_ok;
    t.text = out.str();
    // Paths as the pull request shows them.
    std::string prefix = (std::filesystem::path(root) / "").string();
    // A folder a plan writes apart puts the path below it without its '/':
    // later-release/<root>/migrations/x.sql.
    for (const std::string apart : {"later-release/", "after-out-of-band/"}) {
        const std::string written = apart + prefix.substr(prefix.find_first_not_of('/'));
        for (std::size_t at; (at = t.text.find(written)) != std::string::npos;) t.text.replace(at, written.size(), apart);
    }
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

}  // namespace pr_detail

}  // namespace pgfence::bot
