#include "bot/other_database_review.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/engine_files.hpp"
#include "analyze/migrations/flyway_settings.hpp"
#include "analyze/migrations/other_database.hpp"
#include "analyze/migrations/psql_files.hpp"

namespace pgfence::bot {
namespace {

namespace tools = analyze::tools;

tools::ReadFile reader_at(const diff::Repository& repo, const std::string& commit, std::uint64_t max_bytes) {
    return [&repo, commit, max_bytes](const std::string& path) -> std::optional<std::string> {
        auto stored = repo.read_file_bounded(commit, path, std::min(max_bytes, tools::k_most_settings_bytes));
        if (!stored || !*stored || !(*stored)->text) return std::nullopt;
        return std::move((*stored)->text);
    };
}

tools::IsFolder folders_at(const diff::Repository& repo, const std::string& commit) {
    return [&repo, commit](const std::string& path) {
        auto entry = repo.entry_at(commit, path);
        return entry && *entry && (*entry)->kind == diff::TreeEntryInfo::Kind::tree;
    };
}

// The PostgreSQL driver a folder's name is or ends with, as other_database's sibling rules read it
// (a bare postgres / postgresql / pg; `<prefix>` before pg, postgres, postgresql, pq, pgx, pgxv4 or
// pgxv5); "" when none.
std::string_view postgres_suffix(std::string_view name) {
    if (name == "postgres" || name == "postgresql" || name == "pg") return name;
    for (std::string_view pg : {"postgresql", "postgres", "pgxv4", "pgxv5", "pgx", "pq", "pg"}) {
        if (name.size() > pg.size() && name.ends_with(pg)) return name.substr(name.size() - pg.size());
    }
    return {};
}

std::optional<tools::OtherDatabase> set_at(const diff::Repository& repo, const std::string& commit, std::string_view path,
                                           std::uint64_t max_bytes) {
    return tools::other_database(path, reader_at(repo, commit, max_bytes), folders_at(repo, commit));
}

}  // namespace

std::function<bool(std::string_view)> other_database_at(const diff::Repository& repo, const std::string& commit,
                                                        std::uint64_t max_bytes) {
    auto decided = std::make_shared<std::map<std::string, bool, std::less<>>>();  // by the migration's folder and name kind
    return [&repo, commit, max_bytes, decided](std::string_view path) {
        // Prisma decides by migration.sql's folder's parent, the folder rule by the folder: the
        // folder and whether the name is migration.sql decide alike for every file.
        const std::string key = std::string(analyze::path_name(path) == "migration.sql" ? "p:" : "f:") +
                                std::string(path.substr(0, path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/')));
        auto it = decided->find(key);
        if (it == decided->end()) it = decided->emplace(key, set_at(repo, commit, path, max_bytes).has_value()).first;
        return it->second;
    };
}

analyze::Result<std::vector<analyze::FileReport>> set_aside_other_databases(const diff::Repository& repo, diff::ChangeSet& changes,
                                                                             const analyze::AnalyzeOptions& options, std::set<std::string>* aside) {
    std::vector<analyze::FileReport> out;
    std::set<std::string> reported;  // the sets' folders, and the markers reported
    std::vector<diff::ChangedFile> kept;
    // A file a psql command of the head names, includes or finds is analysed whatever its folder's
    // name: the folder rule trusts a name the repository itself chose (red team R78a B7).
    const auto psql_named = [&](std::string_view path) {
        if (options.psql_runs == nullptr) return false;
        return std::any_of(options.psql_runs->begin(), options.psql_runs->end(), [&](const analyze::PsqlRun& r) {
            std::string_view run = r.file;
            while (run.starts_with("./")) run.remove_prefix(2);
            if (run.starts_with('/')) run.remove_prefix(1);
            return tools::psql_runs_file(path, run);
        });
    };
    // Flyway's locations as the head's settings files at the top (and conf/) name them: Flyway scans
    // each recursively (flyway-core FileSystemScanner), whatever its folders are named.
    std::vector<std::string> flyway_folders;
    for (std::string_view name : tools::flyway_settings_names()) {
        for (const std::string& path : {std::string(name), "conf/" + std::string(name)}) {
            auto text = reader_at(repo, changes.head_sha, options.max_file_bytes)(path);
            if (!text) continue;
            for (const auto& location : tools::read_flyway_settings(name, *text).locations) {
                std::string folder = tools::location_folder(path, location);
                while (folder.starts_with("./")) folder.erase(0, 2);
                if (!folder.empty() && folder != ".") flyway_folders.push_back(folder + "/");
            }
        }
    }
    const auto run_by_tool = [&](std::string_view path) {
        return psql_named(path) || std::any_of(flyway_folders.begin(), flyway_folders.end(), [&](const std::string& f) { return path.starts_with(f); });
    };
    // sqlc's query files and another engine's sqlc schema (tools/engine_files.hpp), as the base's
    // sqlc configs say: a pull request cannot list its own migrations under `queries:`.
    tools::EngineFiles sqlc_at_base(reader_at(repo, changes.merge_base_sha, options.max_file_bytes), "");
    for (auto& change : changes.files) {
        if (run_by_tool(change.path)) {
            kept.push_back(std::move(change));
            continue;
        }
        if (auto skip = sqlc_at_base.decide(change.path); skip && (change.old_path == change.path || sqlc_at_base.decide(change.old_path))) {
            analyze::FileReport file;
            file.path = change.path;
            file.skipped = true;
            file.skip_reason = std::move(*skip);
            out.push_back(std::move(file));
            continue;
        }
        // The base commit's files decide, for where the file is and where it was.
        auto at_base = set_at(repo, changes.merge_base_sha, change.path, options.max_file_bytes);
        const bool was_other = change.old_path == change.path ||
                               set_at(repo, changes.merge_base_sha, change.old_path, options.max_file_bytes).has_value();
        if (at_base && was_other) {
            if (aside != nullptr) aside->insert(change.path);
            if (reported.insert(at_base->folder).second) {
                analyze::FileReport set;
                set.path = at_base->folder;
                set.skipped = true;
                set.skip_reason = tools::describe_other_database(*at_base);
                out.push_back(std::move(set));
            }
            continue;
        }
        // The head's files would set it aside: the pull request made the marker.
        if (change.status != diff::ChangeStatus::Deleted) {
            if (auto at_head = set_at(repo, changes.head_sha, change.path, options.max_file_bytes); at_head) {
                const std::string where = at_head->line > 0 ? at_head->said_by : at_head->folder;
                if (reported.insert("marker:" + where).second) {
                    std::string what = at_head->line > 0
                                           ? at_head->said_by + " says provider = \"" + at_head->database + "\""
                                           : "the folder " + at_head->folder + " is named after the " + at_head->database +
                                                 " driver, beside " + at_head->sibling;
                    what += ", so pgfence would no longer analyse the migrations of " + at_head->folder +
                            " as PostgreSQL (analysed as PostgreSQL here: the base commit's files decide)";
                    out.push_back(analyze::analyze_tool_settings(where, {analyze::SettingChange{std::max(1, at_head->line), what}}, options));
                }
            }
        }
        kept.push_back(std::move(change));
    }
    changes.files = std::move(kept);
    // A marker the pull request changes with no migration of its set: a lock file that now names
    // another provider, a PostgreSQL folder new beside a driver-named one.
    auto markers = repo.changed_files(
        changes.merge_base_sha, changes.head_sha,
        [](std::string_view p) {
            if (analyze::path_name(p) == "migration_lock.toml") return true;
            // A folder on its path named postgres / postgresql / pg, or `<prefix><pg driver>`.
            for (std::string_view folder = p.substr(0, p.rfind('/') == std::string_view::npos ? 0 : p.rfind('/')); !folder.empty();
                 folder = folder.substr(0, folder.rfind('/') == std::string_view::npos ? 0 : folder.rfind('/'))) {
                if (!postgres_suffix(analyze::path_name(folder)).empty()) return true;
            }
            return false;
        },
        {}, options.max_file_bytes);
    if (!markers) return markers.error();
    for (const auto& file : *markers) {
        if (file.status == diff::ChangeStatus::Deleted) continue;
        std::string folder(file.path.substr(0, file.path.rfind('/') == std::string::npos ? 0 : file.path.rfind('/')));
        std::vector<std::string> probes;  // a migration path in each set the marker may speak for
        if (analyze::path_name(file.path) == "migration_lock.toml") {
            probes.push_back((folder.empty() ? "" : folder + "/") + "x/migration.sql");
        } else {
            // Each folder above the file named postgres / postgresql / pg (or `<prefix><pg driver>`)
            // that the base lacks: its driver-named siblings (`<prefix><driver>`).
            for (std::string f = folder; !f.empty(); f = f.substr(0, f.rfind('/') == std::string::npos ? 0 : f.rfind('/'))) {
                const std::string_view name = analyze::path_name(f);
                const std::string_view pg = postgres_suffix(name);
                if (pg.empty()) continue;
                const std::string prefix(name.substr(0, name.size() - pg.size()));
                auto there = repo.entry_at(changes.merge_base_sha, f);
                if (!there) return there.error();
                if (*there) continue;
                const std::string above = f.rfind('/') == std::string::npos ? "" : f.substr(0, f.rfind('/') + 1);
                for (std::string_view d : {"sqlite", "sqlite3", "mysql", "mariadb", "mssql", "sqlserver", "cockroachdb", "mongodb", "oracle",
                                           "clickhouse", "libsql"}) {
                    if (folders_at(repo, changes.head_sha)(above + prefix + std::string(d))) probes.push_back(above + prefix + std::string(d) + "/x.sql");
                }
            }
        }
        for (const auto& probe : probes) {
            auto at_head = set_at(repo, changes.head_sha, probe, options.max_file_bytes);
            if (!at_head || set_at(repo, changes.merge_base_sha, probe, options.max_file_bytes)) continue;
            const std::string where = at_head->line > 0 ? at_head->said_by : at_head->folder;
            if (!reported.insert("marker:" + where).second) continue;
            std::string what = at_head->line > 0 ? at_head->said_by + " says provider = \"" + at_head->database + "\""
                                                 : "the folder " + at_head->folder + " is named after the " + at_head->database +
                                                       " driver, and " + at_head->sibling + " is new beside it";
            what += ", so pgfence would no longer analyse the migrations of " + at_head->folder + " as PostgreSQL";
            out.push_back(analyze::analyze_tool_settings(where, {analyze::SettingChange{std::max(1, at_head->line), what}}, options));
        }
    }
    return out;
}

}  // namespace pgfence::bot
