#include "bot/psql_includes_review.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/psql_includes.hpp"
#include "diff/glob.hpp"

namespace pgfence::bot {

namespace tools = analyze::tools;

analyze::Result<bool> add_psql_includes(const diff::Repository& repo, const std::string& commit, std::uint64_t max_bytes,
                                        std::vector<std::pair<std::string, tools::ToolDir>>& dirs) {
    const std::vector<std::pair<std::string, tools::ToolDir>> followed = dirs;
    // The files psql runs (`psql -f ops/boot`, the start-up file a PSQLRC names, a loop's glob), of
    // any name: one by its path, a glob by matching (few), each start-up file apart.
    std::set<std::string, std::less<>> psql_paths;
    std::vector<const tools::ToolDir*> psql_globs, psqlrc;
    for (const auto& [settings, d] : followed) {
        if (d.tool != "psql" || !d.unknown.empty() || !d.loads_unread.empty() || d.folder.empty()) continue;
        if (d.setting.starts_with("PSQLRC")) psqlrc.push_back(&d);
        if (d.folder.find_first_of("*?[") == std::string::npos) psql_paths.insert(d.folder);
        else psql_globs.push_back(&d);
    }
    auto psql_file = [&](std::string_view p) {
        return psql_paths.contains(p) || std::any_of(psql_globs.begin(), psql_globs.end(), [&](const auto* d) { return tools::psql_runs_file(p, d->folder); });
    };
    auto migrations = repo.list_files(commit, [&](std::string_view p) {
        if (p.find("node_modules/") != std::string_view::npos) return false;
        if (psql_file(p)) return true;
        if (!analyze::path_name(p).ends_with(".sql")) return false;
        return diff::selects(diff::default_migration_globs(), p) ||
               std::any_of(followed.begin(), followed.end(), [&](const auto& d) { return tools::in_tool_dir(p, d.second); });
    });
    if (!migrations) return migrations.error();
    std::optional<analyze::Error> failed;
    const tools::ReadFile read = [&](const std::string& path) -> std::optional<std::string> {
        auto stored = repo.read_file_bounded(commit, path, max_bytes);
        if (!stored) {
            if (!failed) failed = stored.error();
            return std::nullopt;
        }
        if (!*stored || !(*stored)->text) return std::nullopt;
        return std::move(*(*stored)->text);
    };
    // Every run walked from the repository's top, as a deploy runs psql; a `\cd` in an included file
    // holds for the includer's later `\i` (tools::PsqlIncludeWalk).
    tools::PsqlIncludeWalk walk(read, "");
    for (const auto& path : *migrations) {
        auto text = read(path);
        if (failed) return *failed;
        if (!text || (!tools::may_include(*text) && text->find("\\cd") == std::string::npos)) continue;
        const std::optional<std::string> end = walk.run(path, *text);
        if (failed) return *failed;
        // psql runs the start-up file before the files it is given: a `\cd` it leaves behind moves the
        // folder every `-f` file of the run is read from, which pgfence does not follow.
        const bool start_up = std::any_of(psqlrc.begin(), psqlrc.end(), [&](const auto* d) { return tools::psql_runs_file(path, d->folder); });
        if (start_up && end != std::optional<std::string>(std::string())) {
            tools::ToolDir d = tools::unknown_dir("psql", "PSQLRC \\cd", 1,
                                                  "this psql start-up file changes psql's folder (\\cd), so the files psql is then given are read "
                                                  "from a folder pgfence does not follow",
                                                  false);
            d.loads_unread = "a psql start-up file changes the folder psql reads the files it is given from (\\cd): this file may be one it "
                             "runs there, which pgfence does not read as one: review it";
            d.folder = "**";
            dirs.emplace_back(path, std::move(d));
        }
    }
    std::map<std::string, bool> exists;
    std::set<std::string> listed;  // a file included from several runs is listed once
    for (const auto& r : walk.reached()) {
        tools::ToolDir d = r.dir;
        if (!listed.insert(r.includer + '\n' + std::to_string(d.line) + '\n' + d.setting + '\n' + d.folder + '\n' + d.unknown).second) continue;
        // An include naming no file of the tree: psql reads it from another folder than pgfence
        // resolved (a `cd` before psql, a \cd it did not follow), so a file of that name may be
        // the one it runs (red team R69 C9).
        if (d.unknown.empty() && !d.folder.empty()) {
            auto it = exists.find(d.folder);
            if (it == exists.end()) {
                auto there = repo.read_file_bounded(commit, d.folder, 0);
                if (!there) return there.error();
                it = exists.emplace(d.folder, there->has_value()).first;
            }
            if (!it->second) {
                const std::string named = d.folder;
                d.unknown = "psql includes " + named + ", which is no file of the repository: psql reads it from the folder it runs in, "
                            "which pgfence does not know";
                tools::mark_unresolved_include(d, named);
            }
        }
        dirs.emplace_back(r.includer, std::move(d));
    }
    return true;
}

}  // namespace pgfence::bot
