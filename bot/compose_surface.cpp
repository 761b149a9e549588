#include "bot/compose_surface.hpp"

#include <algorithm>
#include <deque>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/compose_files.hpp"
#include "analyze/migrations/container_settings.hpp"
#include "analyze/migrations/env_files.hpp"
#include "analyze/migrations/flyway_settings.hpp"

namespace pgfence::bot {

namespace tools = analyze::tools;

analyze::Result<std::vector<UnreachedEnvFile>> unreached_compose_env_files(const diff::Repository& repo, const std::string& commit,
                                                                         std::uint64_t max_bytes, const std::set<std::string>& reached) {
    constexpr std::size_t k_most = 256;
    std::vector<UnreachedEnvFile> out;
    auto yaml = repo.list_files(commit, [&](std::string_view p) {
        const std::string_view name = analyze::path_name(p);
        // Not vendored (as analyze skips them), not a compose name (read as one already), not GitLab's.
        const bool vendored = p.starts_with("vendor/") || p.find("/vendor/") != std::string_view::npos ||
                              p.find("node_modules/") != std::string_view::npos;
        return (name.ends_with(".yml") || name.ends_with(".yaml")) && !vendored && !tools::compose_name(p) && name != ".gitlab-ci.yml" &&
               !reached.contains(std::string(p));
    });
    if (!yaml) return yaml.error();
    std::set<std::string> seen;
    for (const auto& path : *yaml) {
        auto stored = repo.read_file_bounded(commit, path, std::min(max_bytes, tools::k_most_settings_bytes));
        if (!stored) return stored.error();
        if (!*stored || !(*stored)->text || !tools::compose_text(*(*stored)->text)) continue;
        const std::string own = std::move(*(*stored)->text);
        if (own.find("env_file") == std::string::npos && own.find("extends") == std::string::npos && own.find("include") == std::string::npos) {
            continue;
        }
        // The compose files it extends or includes are read in turn, at most 8 steps deep, once per
        // project folder (as a reached one's: tool_settings_surface.cpp).
        struct Step {
            std::string file;
            std::string project;
            int line = 0;  // the line of `path` that leads there (0: `path` itself)
            int depth = 0;
        };
        std::deque<Step> steps;
        for (std::string_view folder = analyze::path_folder(path);; folder = analyze::path_folder(folder)) {
            steps.push_back(Step{path, std::string(folder), 0, 0});
            if (folder.empty()) break;
        }
        std::set<std::string> followed;
        while (!steps.empty() && out.size() < k_most) {
            const Step step = std::move(steps.front());
            steps.pop_front();
            std::string other;
            if (step.depth > 0) {
                auto stored_other = repo.read_file_bounded(commit, step.file, std::min(max_bytes, tools::k_most_settings_bytes));
                if (!stored_other) return stored_other.error();
                if (!*stored_other || !(*stored_other)->text) continue;
                other = std::move(*(*stored_other)->text);
            }
            for (const auto& u : tools::env_file_uses(step.file, step.depth > 0 ? other : own, true, &step.project)) {
                const int line = step.line != 0 ? step.line : u.line;
                if (u.compose) {
                    if (step.depth < 8 && followed.insert(u.file + "@" + u.project).second) steps.push_back(Step{u.file, u.project, line, step.depth + 1});
                    continue;
                }
                if (u.compose_env || out.size() >= k_most || seen.contains(u.file)) continue;
                auto entry = repo.entry_at(commit, u.file);
                if (!entry) return entry.error();
                if (!*entry || (*entry)->kind == diff::TreeEntryInfo::Kind::tree) continue;  // another folder may hold it
                seen.insert(u.file);
                const std::string service = tools::compose_service_at(own, line);
                out.push_back(UnreachedEnvFile{u.file, path + ":" + std::to_string(line) + " (env_file" + (service.empty() ? "" : " of service " + service) +
                                                           ") loads it into the environment; no command pgfence recognises runs that compose file"});
            }
        }
    }
    return out;
}

}  // namespace pgfence::bot
