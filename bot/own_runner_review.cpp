#include "bot/own_runner_review.hpp"

#include <deque>
#include <map>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/deploy_commands.hpp"
#include "analyze/migrations/settings_surface.hpp"

namespace pgfence::bot {
namespace {

bool vendored(std::string_view p) {
    return p.find("node_modules/") != std::string_view::npos || p.starts_with("vendor/") || p.find("/vendor/") != std::string_view::npos;
}

bool program_name(std::string_view n) {
    for (std::string_view ext : {".js", ".ts", ".mjs", ".cjs", ".mts", ".cts", ".py", ".rb", ".go"}) {
        if (n.ends_with(ext)) return !n.ends_with(".d.ts");
    }
    return false;
}

}  // namespace

analyze::Result<bool> add_own_runner_reports(const diff::Repository& repo, const diff::ChangeSet& changes,
                                             const analyze::AnalyzeOptions& options, std::set<std::string>& listed,
                                             std::vector<analyze::FileReport>& added) {
    constexpr std::size_t k_most_roots = 256;    // package.json and command files read
    constexpr std::size_t k_most_modules = 256;  // runner files and modules followed
    std::set<std::string> changed;
    auto files = repo.changed_files(changes.merge_base_sha, changes.head_sha, [](std::string_view p) { return !vendored(p) && program_name(analyze::path_name(p)); });
    if (!files) return files.error();
    for (const auto& f : *files) {
        if (f.status != diff::ChangeStatus::Deleted && !listed.contains(f.path)) changed.insert(f.path);
    }
    if (changed.empty()) return true;
    std::optional<analyze::Error> failed;
    const analyze::tools::ReadFile read = [&](const std::string& p) -> std::optional<std::string> {
        if (failed) return std::nullopt;
        auto stored = repo.read_file_bounded(changes.head_sha, p, options.max_file_bytes);
        if (!stored) return failed = stored.error(), std::nullopt;
        if (!*stored || !(*stored)->text) return std::nullopt;
        return std::move(*(*stored)->text);
    };
    auto roots = repo.list_files(changes.head_sha, [](std::string_view p) {
        return !vendored(p) && (analyze::path_name(p) == "package.json" || analyze::tools::command_file(p));
    });
    if (!roots) return roots.error();
    // Each runner file or module, with what runs or loads it; walked breadth first.
    std::map<std::string, std::string> why;
    std::deque<std::string> queue;
    for (std::size_t i = 0; i < roots->size() && i < k_most_roots; ++i) {
        const std::string& root = (*roots)[i];
        auto text = read(root);
        if (failed) return *failed;
        if (!text) continue;
        for (auto& r : analyze::tools::own_runner_programs(root, *text, read)) {
            if (why.size() < k_most_modules && why.emplace(r.path, root + ":" + std::to_string(r.line) + " (" + r.how + ") runs it").second) {
                queue.push_back(r.path);
            }
        }
        if (failed) return *failed;
    }
    while (!queue.empty()) {
        const std::string path = queue.front();
        queue.pop_front();
        // Python's, Ruby's and Go's imports are not followed: the runner itself counts.
        if (const std::string_view n = analyze::path_name(path); n.ends_with(".py") || n.ends_with(".rb") || n.ends_with(".go")) continue;
        auto text = read(path);
        if (failed) return *failed;
        if (!text) continue;
        for (const auto& m : analyze::tools::relative_modules(path, *text)) {
            if (m.spec.empty()) continue;
            for (const auto& candidate : analyze::tools::module_candidates(m.spec)) {
                auto entry = repo.entry_at(changes.head_sha, candidate);
                if (!entry) return entry.error();
                if (!*entry || (*entry)->kind != diff::TreeEntryInfo::Kind::file) continue;
                if (why.size() < k_most_modules && why.emplace(candidate, path + ":" + std::to_string(m.line) + " loads it, and " + why[path]).second) {
                    queue.push_back(candidate);
                }
                break;
            }
        }
    }
    for (const auto& path : changed) {
        const auto it = why.find(path);
        if (it == why.end()) continue;
        auto stored = repo.read_file_bounded(changes.head_sha, path, options.max_file_bytes);
        if (!stored) return stored.error();
        const std::string text = *stored && (*stored)->text ? *(*stored)->text : std::string();
        listed.insert(path);
        added.push_back(analyze::analyze_tool_settings(
            path, {}, options, text,
            {analyze::SettingUnknown{1,
                                     "the project's own runner changed: " + it->second.substr(0, 400) +
                                         ", a program of the project's own that migrates, which pgfence does not model: what it now runs, "
                                         "in what order and transaction, is not seen",
                                     "the project's own migration runner"}}));
    }
    return true;
}

}  // namespace pgfence::bot
