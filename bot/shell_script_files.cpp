#include "bot/shell_script_files.hpp"

#include <algorithm>
#include <deque>
#include <optional>

#include "analyze/migrations/flyway_settings.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/shell_scripts.hpp"
#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::bot {

namespace tools = analyze::tools;

analyze::Result<std::map<std::string, std::string>> shell_scripts_at(const diff::Repository& repo, const std::string& commit, std::uint64_t max_bytes) {
    constexpr std::size_t k_most = 256;
    std::map<std::string, std::string> out;
    auto files = repo.list_files(commit, [](std::string_view p) {
        return tools::command_file(p) && p.find("node_modules/") == std::string_view::npos && !p.starts_with("target/") &&
               p.find("/target/") == std::string_view::npos;
    });
    if (!files) return files.error();
    const std::uint64_t limit = std::min(max_bytes, tools::k_most_settings_bytes);
    std::optional<analyze::Error> failed;
    const tools::ReadFile read = [&](const std::string& path) -> std::optional<std::string> {
        auto stored = repo.read_file_bounded(commit, path, limit);
        if (!stored) {
            if (!failed) failed = stored.error();
            return std::nullopt;
        }
        if (!*stored || !(*stored)->text) return std::nullopt;
        return std::move((*stored)->text);
    };
    std::deque<std::string> queue(files->begin(), files->end());
    while (!queue.empty() && out.size() < k_most) {
        const std::string path = std::move(queue.front());
        queue.pop_front();
        const auto text = read(path);
        if (failed) return *failed;
        if (!text) continue;
        const auto view = out.find(path);
        for (auto& s : tools::shell_scripts_run(view != out.end() ? view->second : tools::shell_view(path), *text, read)) {
            if (out.size() >= k_most) break;
            std::string as = s.view.empty() ? tools::shell_view(s.path) : std::move(s.view);
            if (out.emplace(s.path, std::move(as)).second) queue.push_back(std::move(s.path));
        }
        if (failed) return *failed;
    }
    return out;
}

}  // namespace pgfence::bot
