#include "bot/psql_includes_review.hpp"

#include <algorithm>
#include <deque>
#include <set>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/psql_includes.hpp"
#include "diff/glob.hpp"

namespace pgfence::bot {

namespace tools = analyze::tools;

analyze::Result<bool> add_psql_includes(const diff::Repository& repo, const std::string& commit, std::uint64_t max_bytes,
                                        std::vector<std::pair<std::string, tools::ToolDir>>& dirs) {
    constexpr std::size_t k_most_included = 256;
    const std::vector<std::pair<std::string, tools::ToolDir>> followed = dirs;
    auto migrations = repo.list_files(commit, [&](std::string_view p) {
        if (!analyze::path_name(p).ends_with(".sql") || p.find("node_modules/") != std::string_view::npos) return false;
        return diff::selects(diff::default_migration_globs(), p) ||
               std::any_of(followed.begin(), followed.end(), [&](const auto& d) { return tools::in_tool_dir(p, d.second); });
    });
    if (!migrations) return migrations.error();
    std::deque<std::string> queue(migrations->begin(), migrations->end());
    std::set<std::string> seen(migrations->begin(), migrations->end());
    std::size_t included = 0;
    while (!queue.empty()) {
        const std::string path = std::move(queue.front());
        queue.pop_front();
        auto stored = repo.read_file_bounded(commit, path, max_bytes);
        if (!stored) return stored.error();
        if (!*stored || !(*stored)->text || !tools::may_include(*(*stored)->text)) continue;
        for (auto& d : tools::read_psql_includes(path, *(*stored)->text)) {
            // An include naming no file of the tree: psql reads it from another folder than pgfence
            // resolved (a `cd` before psql, a \cd it did not follow), so a file of that name may be
            // the one it runs (red team R69 C9).
            if (d.unknown.empty() && !d.folder.empty()) {
                auto there = repo.read_file_bounded(commit, d.folder, 0);
                if (!there) return there.error();
                if (!there->has_value()) {
                    const std::string named = d.folder;
                    d.unknown = "psql includes " + named + ", which is no file of the repository: psql reads it from the folder it runs in, "
                                "which pgfence does not know";
                    tools::mark_unresolved_include(d, named);
                }
            }
            const std::string file = d.unknown.empty() ? d.folder : std::string();
            dirs.emplace_back(path, std::move(d));
            if (!file.empty() && included < k_most_included && seen.insert(file).second) {
                ++included;
                queue.push_back(file);
            }
        }
    }
    return true;
}

}  // namespace pgfence::bot
