#include "bot/analyze_history.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "analyze/parse/limits.hpp"
#include "analyze/migrations/migration_order.hpp"
#include "analyze/migrations/rust_include_order.hpp"
#include "analyze/migrations/tool_order.hpp"
#include "annotate/printable.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/base/regular_file.hpp"
#include "analyze/migrations/flyway_settings.hpp"
#include "bot/history_tool_files.hpp"
#include "bot/other_database_review.hpp"
#include "bot/removed_migrations.hpp"
#include "bot/tool_settings_review.hpp"
#include "diff/glob.hpp"

namespace pgfence::bot {

using namespace pgfence::analyze;

std::optional<HistoryCounts> HistoryRun::counts() const {
    HistoryCounts total;
    if (replay) total += replay->counts();
    if (chain) total += chain->counts();
    if (total.files == 0 && total.skipped_files == 0) return std::nullopt;
    return total;
}

namespace {

std::optional<HistoryCounts> counts_of(const std::optional<Replay>& replay) {
    if (!replay) return std::nullopt;
    return replay->counts();
}

}  // namespace

std::optional<HistoryCounts> HistoryRun::schema_counts() const { return counts_of(schema); }

std::optional<HistoryCounts> HistoryRun::snapshot_counts() const { return counts_of(snapshot); }

void HistoryRun::count_into(Report& report) const {
    report.history = counts();
    report.schema = schema_counts();
    report.snapshot = snapshot_counts();
}

void add_schema_context(HistoryRun& run, const SchemaContext& context, AnalyzeOptions& options,
                        std::vector<Error>& errors) {
    if (!context.schema_files.empty() || !context.schema_texts.empty()) {
        // A dump is SQL whatever its name: expanded as such, so that a folder gives its .sql files.
        std::vector<std::string> named = expand_inputs(context.schema_files, errors, orm::InputFormat::Sql);
        run.schema.emplace(options);
        run_on_large_stack([&] {
            for (const auto& [shown, text] : context.schema_texts) run.schema->replay_schema_text(shown, text);
            for (const auto& file : named) run.schema->replay_schema_file(file);
        });
    }
    if (context.snapshot_sql != nullptr && !context.snapshot_sql->empty()) {
        std::string text;
        for (const std::string& statement : *context.snapshot_sql) text += statement + ";\n";
        run.snapshot.emplace(options);
        run_on_large_stack([&] { run.snapshot->replay_schema_text("the stats snapshot", text); });
    }
    if (!run.schema && !run.snapshot) return;
    Catalog start = options.history ? *options.history : Catalog{};
    if (run.schema) start.overlay(run.schema->catalog());
    if (run.snapshot) start.overlay(run.snapshot->catalog());
    options.history = std::make_shared<const Catalog>(std::move(start));
}

namespace {

std::string normal(const std::string& path) {
    return absolute_path(std::filesystem::path(path)).lexically_normal().generic_string();
}

}  // namespace

namespace {

// The git blob ids of the analysed files' bytes (regular files within the size limit): a
// committed migration with the same bytes is one of them renumbered, never its own history.
std::unordered_set<std::string> analysed_blob_ids(const std::vector<std::string>& files, std::uint64_t max_bytes) {
    std::unordered_set<std::string> ids;
    for (const auto& f : files) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(f, ec))) continue;
        auto bytes = read_regular_file(f, max_bytes, "a migration");
        if (!bytes) continue;
        if (auto id = diff::Repository::blob_id(*bytes)) ids.insert(std::move(*id));
    }
    return ids;
}

}  // namespace

namespace {

// CommittedMigrations::merged.
void merged_files(const diff::Repository& repo, const std::vector<std::string>& files, std::uint64_t max_bytes,
                  CommittedMigrations& out) {
    auto head = repo.resolve_commit("HEAD", "head");
    if (!head) return;
    std::vector<std::pair<std::string, std::string>> candidates;  // revision, name shown
    if (const char* base = std::getenv("GITHUB_BASE_REF"); base != nullptr && *base != '\0') {
        candidates.emplace_back("refs/remotes/origin/" + std::string(base), "origin/" + std::string(base));
    }
    for (const char* name : {"HEAD", "main", "master"}) {
        candidates.emplace_back("refs/remotes/origin/" + std::string(name), "origin/" + std::string(name));
    }
    // No mainline ref (a shallow CI checkout, a clone without origin): nothing is taken as
    // merged. HEAD would be wrong there: it holds the branch's own new migrations (red team: the
    // Actions checkout declined the pull request's migration as "in HEAD already").
    std::string mainline;
    for (const auto& [revision, name] : candidates) {
        auto tip = repo.resolve_commit(revision, "mainline");
        if (!tip) continue;
        auto base = repo.merge_base(*tip, *head);
        if (!base) continue;
        mainline = *base;
        out.merged_in = name;
        break;
    }
    if (mainline.empty()) return;
    const std::string root = repo.root();
    // path under the root -> blob ids of its bytes, as they are and with CRLF made LF (a checkout
    // with core.autocrlf has CRLF where the stored blob has LF)
    std::unordered_map<std::string, std::vector<std::string>> ids;
    for (const auto& f : files) {
        std::string full = normal(f);
        if (!full.starts_with(root)) continue;
        std::error_code ec;
        if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(f, ec))) continue;
        auto bytes = read_regular_file(f, max_bytes, "a migration");
        if (!bytes) continue;
        std::vector<std::string> own;
        if (auto id = diff::Repository::blob_id(*bytes)) own.push_back(std::move(*id));
        if (bytes->find("\r\n") != std::string::npos) {
            std::string lf;
            lf.reserve(bytes->size());
            for (std::size_t i = 0; i < bytes->size(); ++i) {
                if ((*bytes)[i] != '\r' || i + 1 >= bytes->size() || (*bytes)[i + 1] != '\n') lf += (*bytes)[i];
            }
            if (auto id = diff::Repository::blob_id(lf)) own.push_back(std::move(*id));
        }
        if (!own.empty()) ids.emplace(full.substr(root.size()), std::move(own));
    }
    if (ids.empty()) return;
    auto stored = repo.list_blobs(mainline, [&](std::string_view rel) { return ids.count(std::string(rel)) > 0; });
    if (!stored) return;
    for (const auto& file : *stored) {
        auto at = ids.find(file.path);
        if (at != ids.end() && std::find(at->second.begin(), at->second.end(), file.id) != at->second.end()) {
            out.merged.insert(root + file.path);
        }
    }
}

}  // namespace

std::string history_too_large(const std::string& path, std::uint64_t bytes, std::uint64_t max_bytes) {
    return path + ": " + file_too_large(bytes, max_bytes) + ": not replayed as history";
}

CommittedMigrations committed_migrations(const std::vector<std::string>& files, const std::vector<std::string>& paths_setting,
                                         const AnalyzeOptions& options, CommittedFrom from, bool unchanged_ran) {
    CommittedMigrations out;
    if (files.empty()) return out;
    std::filesystem::path first = absolute_path(std::filesystem::path(files.front())).parent_path();
    auto repo = diff::Repository::open(first.string());
    if (!repo) return out;
    const std::string root = repo->root();
    if (root.empty() || root.back() != '/') return out;  // bare: no working tree
    std::unordered_set<std::string> sets;
    std::unordered_set<std::string> analysed;
    for (const auto& f : files) {
        sets.insert(migration_set(f));
        analysed.insert(normal(f));
    }
    std::vector<std::string> patterns;
    for (const auto& p : paths_setting) patterns.push_back(normal(p));
    auto wanted = [&](std::string_view rel) {
        std::string full = root + std::string(rel);
        if (sets.count(migration_set(full)) == 0) return false;
        return diff::selects(diff::default_migration_globs(), rel) || (!patterns.empty() && diff::selects(patterns, full));
    };
    auto listed = [&]() -> Result<std::vector<diff::StoredFile>> {
        // The index is what the commit being made will hold: a committed file the staged change
        // deletes or renames away is no history of the files staged with it.
        if (from == CommittedFrom::Index) return repo->list_index(wanted);
        auto head = repo->resolve_commit("HEAD", "head");
        if (!head) return head.error();
        return repo->list_blobs(*head, wanted);
    }();
    if (!listed) return out;
    if (from == CommittedFrom::HeadInWorkingTree) merged_files(*repo, files, options.max_file_bytes, out);
    if (from == CommittedFrom::HeadInWorkingTree) {
        // A committed file deleted or renamed away in the working tree ran nowhere the analysed
        // files will: it is not their history.
        std::erase_if(*listed, [&](const diff::StoredFile& file) {
            std::error_code ec;
            return std::filesystem::symlink_status(root + file.path, ec).type() == std::filesystem::file_type::not_found;
        });
    }
    std::unordered_map<std::string, std::string> ids;  // absolute path -> blob id
    for (const auto& file : *listed) {
        out.paths.push_back(root + file.path);
        ids.emplace(out.paths.back(), file.id);
    }
    std::vector<std::string> before = history_before(out.paths, files);
    // A file new to its set (changed since the --changed-since commit, or not committed at all) runs
    // after every migration of the set that has run, whatever its name: knex, sequelize and dbmate
    // run a pending migration named before applied ones last (knex/knex lib/migrations/migrate/
    // Migrator.js _listAll minus _listCompleted, in name order), as `pr` replays the base's whole
    // history before the pull request's files. So each committed file of such a set is its history.
    std::unordered_set<std::string> late_sets;
    {
        std::unordered_set<std::string> committed_paths(out.paths.begin(), out.paths.end());
        for (const auto& f : files) {
            if (unchanged_ran || committed_paths.count(normal(f)) == 0) late_sets.insert(migration_set(f));
        }
    }
    if (!late_sets.empty()) {
        std::unordered_set<std::string> kept(before.begin(), before.end());
        before.clear();
        for (const auto& path : group_migration_sets(out.paths).files) {
            if (analysed.count(path) == 0 && (kept.count(path) > 0 || late_sets.count(migration_set(path)) > 0)) before.push_back(path);
        }
    }
    if (before.empty()) return out;
    const std::unordered_set<std::string> copies = analysed_blob_ids(files, options.max_file_bytes);
    const char* where = from == CommittedFrom::Index ? "in the index" : "committed at HEAD";
    for (const auto& path : before) {
        if (analysed.count(path) > 0) continue;
        auto id = ids.find(path);
        if (id == ids.end()) continue;
        if (copies.count(id->second) > 0) continue;  // an analysed file renumbered: not its own history
        auto blob = repo->read_blob(id->second, options.max_file_bytes);
        if (!blob) continue;
        if (!blob->text) {
            out.notes.push_back(history_too_large(path.substr(root.size()) + " (" + where + ")", blob->size, options.max_file_bytes));
            ++out.left_out;
            continue;
        }
        out.before.emplace_back(path, std::move(*blob->text));
    }
    return out;
}

analyze::Result<std::vector<std::string>> head_known_migrations(const diff::Repository& repo, const diff::ChangeSet& changes) {
    std::unordered_set<std::string> sets;
    std::unordered_set<std::string> kinds;
    for (const auto& f : changes.files) {
        if (f.status == diff::ChangeStatus::Deleted) continue;
        const std::string set = migration_set(f.path);
        sets.insert(set);
        kinds.insert(set + "\n" + std::filesystem::path(f.path).extension().string());
    }
    std::vector<std::string> out;
    if (sets.empty()) return out;
    auto listed = repo.list_files(changes.head_sha, [&](std::string_view path) {
        const std::string set = migration_set(path);
        if (sets.count(set) == 0) return false;
        const std::string_view file = path_name(path);
        const bool versioned = !file.empty() && file[0] >= '0' && file[0] <= '9';
        const std::string extension = std::filesystem::path(std::string(path)).extension().string();
        return versioned || extension == ".fizz" || kinds.count(set + "\n" + extension) > 0;
    });
    if (!listed) return listed.error();
    out.reserve(listed->size());
    for (const auto& path : *listed) out.push_back(normal(path));
    return out;
}

std::vector<std::string> known_migrations(const std::vector<std::string>& files, const std::vector<std::string>& history,
                                          const CommittedMigrations& committed, orm::InputFormat format,
                                          const std::string& confine_to) {
    std::vector<std::string> out;
    std::unordered_set<std::string> sets;
    // Of a set's other files, those of the kinds analysed there (.sql beside .sql), and pop's
    // .fizz: a README, a script or a lock file in the folder is no migration.
    std::unordered_set<std::string> kinds;
    for (const auto& f : files) {
        out.push_back(normal(f));
        sets.insert(migration_set(f));
        kinds.insert(migration_set(f) + "\n" + std::filesystem::path(f).extension().string());
    }
    if (!history.empty()) {
        std::vector<Error> ignored;
        for (const auto& h : expand_inputs(history, ignored, format)) out.push_back(normal(h));
    }
    out.insert(out.end(), committed.paths.begin(), committed.paths.end());
    // The folders themselves: a file the analysis was not given still holds its version.
    namespace fs = std::filesystem;
    constexpr std::size_t k_most_entries = 100000;
    for (const auto& set : sets) {
        // In Actions a committed link must not show the names of a folder outside the checkout.
        if (!confine_to.empty() && !path_inside(set, confine_to)) continue;
        std::error_code ec;
        fs::directory_iterator it(set, ec), end;
        std::size_t seen = 0;
        bool folder_set = false;            // a folder of the set holds migration.sql or up.sql
        std::vector<std::string> sql_less;  // its folders that hold neither, named by a version
        for (; !ec && it != end && seen < k_most_entries; it.increment(ec), ++seen) {
            fs::file_status status = it->symlink_status(ec);
            if (ec) break;
            if (fs::is_regular_file(status)) {
                // pop's .fizz files beside its .sql ones tell a pop set (analyzer.cpp).
                // A file named by a version is a migration whatever it is written in (goose's
                // 00002_backfill.go beside its .sql files).
                const std::string extension = it->path().extension().string();
                const std::string file = it->path().filename().string();
                const bool versioned = !file.empty() && file[0] >= '0' && file[0] <= '9';
                if (kinds.count(set + "\n" + extension) == 0 && extension != ".fizz" && !versioned) continue;
                out.push_back(it->path().lexically_normal().generic_string());
            } else if (fs::is_directory(status)) {
                bool sql = false;
                for (const char* inner : {"migration.sql", "up.sql"}) {
                    std::error_code inner_ec;
                    if (fs::is_regular_file(fs::symlink_status(it->path() / inner, inner_ec))) {
                        out.push_back((it->path() / inner).lexically_normal().generic_string());
                        sql = true;
                    }
                }
                // A folder without SQL still holds its version where the tool runs other
                // migrations beside SQL ones (formbricks' migration.ts data migrations, which its
                // runner orders with the migration.sql ones by folder name): the folder itself,
                // in a set of folder migrations, when its name starts with a version.
                folder_set = folder_set || sql;
                const std::string name = it->path().filename().string();
                if (!sql && !name.empty() && name[0] >= '0' && name[0] <= '9') {
                    sql_less.push_back(it->path().lexically_normal().generic_string());
                }
            }
        }
        if (folder_set) out.insert(out.end(), sql_less.begin(), sql_less.end());
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::unique_ptr<HistoryRun> start_history(const std::vector<std::string>& history, bool chain,
                                          const SchemaContext& context, std::vector<std::string>& files,
                                          AnalyzeOptions& options, std::vector<Error>& errors,
                                          std::vector<Error>& schema_errors, const CommittedMigrations* committed) {
    auto run = std::make_unique<HistoryRun>();
    if (!history.empty()) {
        std::vector<std::string> named = expand_inputs(history, errors, options.input_format);
        run->replay.emplace(replay_files(history_before(named, files), options));
        options.history = run->replay->snapshot();
    }
    if (committed != nullptr && (!committed->before.empty() || committed->left_out > 0)) {
        if (!run->replay) run->replay.emplace(options, options.history);
        // A committed file over --max-file-size was never loaded: what it made may exist.
        for (std::size_t i = 0; i < committed->left_out; ++i) run->replay->left_out();
        // The parser and the tree walkers recurse once per nesting level.
        run_on_large_stack([&] {
            // Each with its settings as the analysed files get theirs (a Flyway migration's
            // placeholders take their values, so the replayed schema is the one that ran).
            for (const auto& [path, text] : committed->before) {
                run->replay->replay_text(path, text, analyze::sibling_metadata(path, options), true);
            }
        });
        options.history = run->replay->snapshot();
    }
    add_schema_context(*run, context, options, schema_errors);
    // A down half runs after its own up half, which the files before it do not include.
    if (chain && options.direction != Direction::Down) {
        // Each set in its tool's order (tool_order.hpp): knex and dbmate by name.
        ToolOrdered ordered = group_in_tool_order(files, tool_of_file_on_disk);
        for (const auto& line : ordered.assumed) std::cerr << "note: " << annotate::printable(line) << "\n";
        MigrationSets sets = std::move(ordered.sets);
        // A folder of SQL files with no version that a Rust crate concatenates with include_str!:
        // in that order (rust_include_order.hpp), said in a note.
        // At most 16 folders are looked for (each walk is bounded: rust_include_order.hpp).
        for (std::size_t b = 0, e = 0, asked = 0; b < sets.files.size() && asked < 16; b = e) {
            for (e = b + 1; e < sets.files.size() && sets.set_of[e] == sets.set_of[b];) ++e;
            const auto first = sets.files.begin() + static_cast<std::ptrdiff_t>(b), last = sets.files.begin() + static_cast<std::ptrdiff_t>(e);
            if (e - b < 2 || std::any_of(first, last, [](const std::string& f) {
                    const std::string_view name = path_name(f);
                    return !f.ends_with(".sql") || name.empty() || (name[0] >= '0' && name[0] <= '9');
                })) {
                continue;
            }
            ++asked;
            if (auto order = rust_include_order(std::vector<std::string>(first, last))) {
                std::copy(order->files.begin(), order->files.end(), first);
                std::cerr << "note: " << annotate::printable("the files in " + std::string(path_folder(*first)) + "/ are read in the order " +
                                                             order->where + " joins them with include_str!") << "\n";
            }
        }
        // A file not committed runs after the set's committed ones, which have run, whatever its
        // name (committed_migrations: knex and the others run a pending migration last).
        if (committed != nullptr && !committed->paths.empty()) {
            const std::unordered_set<std::string> at_head(committed->paths.begin(), committed->paths.end());
            for (std::size_t b = 0, e = 0; b < sets.files.size(); b = e) {
                for (e = b + 1; e < sets.files.size() && sets.set_of[e] == sets.set_of[b];) ++e;
                std::stable_partition(sets.files.begin() + static_cast<std::ptrdiff_t>(b), sets.files.begin() + static_cast<std::ptrdiff_t>(e),
                                      [&](const std::string& f) { return at_head.count(normal(f)) > 0; });
            }
        }
        files = sets.files;
        run->chain = std::make_unique<HistoryChain>(sets.set_of, options.history);
        options.chain = run->chain.get();
    }
    return run;
}

Result<std::unique_ptr<HistoryRun>> base_history(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                const std::vector<std::string>& globs,
                                                const std::vector<std::string>& history, AnalyzeOptions& options,
                                                std::vector<Error>& errors, std::vector<std::string>& notes,
                                                const std::vector<std::pair<std::string, std::string>>& history_texts) {
    const auto& patterns = globs.empty() ? diff::default_migration_globs() : globs;
    std::unordered_set<std::string> changed;
    for (const auto& change : changes.files) {
        // A migration the pull request deletes or renames away has run: its base version is
        // history (issue #53: a table it made, left out, counted as new to a later DROP ... IF
        // EXISTS; CREATE). The pull request's own versions of changed files are analysed.
        if (change.status == diff::ChangeStatus::Deleted) continue;
        changed.insert(change.path);
        if (!removes_base_migration(change)) changed.insert(change.old_path);
    }
    // The folders the other tools' settings of the base name hold its migrations too.
    auto in_tool_dir = tool_dir_selector(repo, changes.base_sha, options.max_file_bytes);
    if (!in_tool_dir) return in_tool_dir.error();
    auto listed = repo.list_blobs(changes.base_sha, [&](std::string_view path) {
        return (diff::selects(patterns, path) || (*in_tool_dir)(path)) && changed.count(std::string(path)) == 0;
    });
    if (!listed) return listed.error();
    // Another database's sets are no PostgreSQL history (bot/other_database_review.hpp).
    auto other_database = other_database_at(repo, changes.base_sha, options.max_file_bytes);
    std::erase_if(*listed, [&](const diff::StoredFile& f) { return other_database(f.path); });
    // A file the globs select that its folder's tool never loads made nothing: not history
    // (bot/history_tool_files.hpp).
    std::map<std::string, FolderTools> folders;
    const tools::ReadFile read_base = [&](const std::string& path) -> std::optional<std::string> {
        auto stored = repo.read_file_bounded(changes.base_sha, path, std::min(options.max_file_bytes, tools::k_most_settings_bytes));
        if (!stored || !*stored || !(*stored)->text) return std::nullopt;
        return std::move((*stored)->text);
    };
    std::unordered_map<std::string, std::string> ids;  // path -> blob id
    std::vector<std::string> paths;
    for (auto& file : *listed) {
        if (const std::string why = tool_never_loads(file.path, read_base, folders); !why.empty()) {
            notes.push_back(file.path + " is not replayed as history: " + why);
            continue;
        }
        paths.push_back(file.path);
        ids.emplace(std::move(file.path), std::move(file.id));
    }
    auto run = std::make_unique<HistoryRun>();
    run->replay.emplace(options);
    run_on_large_stack([&] {
        for (const auto& [shown, text] : history_texts) run->replay->replay_text(shown, text);
    });
    if (!history.empty()) {
        for (const auto& file : expand_inputs(history, errors, options.input_format)) run->replay->replay_file(file);
    }
    // A base migration's psql includes run the base's files (issue #53): a regular file of the
    // base commit's tree reached through no link (git_tree_entry_bypath walks trees only, so a
    // link on the way finds nothing), within --max-file-size; anything else is not followed.
    const tools::ReadFile read_included = [&](const std::string& file) -> std::optional<std::string> {
        auto entry = repo.entry_at(changes.base_sha, file);
        if (!entry || !*entry || (*entry)->kind != diff::TreeEntryInfo::Kind::file) return std::nullopt;
        auto stored = repo.read_file_bounded(changes.base_sha, file, options.max_file_bytes);
        if (!stored || !*stored || !(*stored)->text) return std::nullopt;
        return std::move((*stored)->text);
    };
    std::optional<Error> failure;
    // The parser and the tree walkers recurse once per nesting level.
    run_on_large_stack([&] {
        for (const auto& path : group_migration_sets(paths).files) {
            // Its size from the object's header: a blob over --max-file-size is never loaded.
            auto id = ids.find(path);
            if (id == ids.end()) continue;
            // As the base's checkout writes it (ident, line ends: diff/checkout_text.hpp), as the
            // pull request's own migrations are read.
            auto stored = repo.read_file_bounded(changes.base_sha, path, options.max_file_bytes);
            if (!stored) {
                failure = stored.error();
                return;
            }
            if (!*stored) continue;
            const diff::StoredBlob* blob = &**stored;
            // A Flyway migration replays with the base's settings (its placeholders' values).
            auto settings = flyway_settings_at(repo, changes.base_sha, path, options.max_file_bytes);
            if (!settings) {
                failure = settings.error();
                return;
            }
            if (blob->text) run->replay->replay_text(path, *blob->text, *settings, false, &read_included);
            else {
                notes.push_back(history_too_large(path + " (at the base commit)", blob->size, options.max_file_bytes));
                run->replay->left_out();  // it may have made a table a later DROP ... IF EXISTS finds
            }
        }
    });
    if (failure) return *failure;
    options.history = run->replay->snapshot();
    return run;
}

}  // namespace pgfence::bot
