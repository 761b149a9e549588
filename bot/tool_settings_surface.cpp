#include "bot/tool_settings_surface.hpp"

#include <deque>

#include "analyze/path_parts.hpp"
#include "analyze/tools/flyway_settings.hpp"
#include "analyze/tools/sequelize_rc.hpp"
#include "analyze/tools/settings_surface.hpp"

namespace pgfence::bot {
namespace {

namespace tools = analyze::tools;

// A settings loader names a handful of modules; past this many the walk stops (linear work).
constexpr std::size_t k_most_modules = 256;

bool not_vendored(std::string_view p) {
    return p.find("node_modules/") == std::string_view::npos && !p.starts_with("target/") && p.find("/target/") == std::string_view::npos;
}

bool script_name(std::string_view name) {
    for (std::string_view ext : {".js", ".cjs", ".mjs", ".ts", ".cts", ".mts"}) {
        if (name.ends_with(ext) && !name.ends_with(".d.ts")) return true;
    }
    return false;
}

bool sequelize_default_config(std::string_view path) {
    const std::string_view name = analyze::path_name(path);
    return (name == "config.js" || name == "config.cjs") && analyze::path_name(analyze::path_folder(path)) == "config";
}

// `value` relative to `folder`, as a repository path ("" when above the top or absolute).
std::string joined(std::string_view folder, std::string_view value) {
    if (value.empty() || value.front() == '/') return {};
    std::vector<std::string> parts;
    for (std::string_view s : {folder, value}) {
        while (!s.empty()) {
            std::size_t slash = s.find('/');
            std::string_view part = s.substr(0, slash);
            if (part == "..") {
                if (parts.empty()) return {};
                parts.pop_back();
            } else if (!part.empty() && part != ".") {
                parts.emplace_back(part);
            }
            if (slash == std::string_view::npos) break;
            s.remove_prefix(slash + 1);
        }
    }
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
    return out;
}

}  // namespace

analyze::Result<std::map<std::string, SurfaceFile>> settings_surface_at(const diff::Repository& repo, const std::string& commit,
                                                                       std::uint64_t max_bytes) {
    std::map<std::string, SurfaceFile> out;
    const std::uint64_t limit = std::min(max_bytes, tools::k_most_settings_bytes);
    auto roots = repo.list_files(commit, [](std::string_view p) {
        const std::string_view name = analyze::path_name(p);
        return not_vendored(p) && (name.starts_with("knexfile.") || name == ".sequelizerc" || name == ".env" || name.ends_with(".toml") ||
                                   sequelize_default_config(p));
    });
    if (!roots) return roots.error();
    std::deque<std::string> scripts;  // files whose relative modules are followed
    auto read = [&](const std::string& path) -> analyze::Result<std::optional<std::string>> {
        auto stored = repo.read_file_bounded(commit, path, limit);
        if (!stored) return stored.error();
        if (!*stored || !(*stored)->text) return std::optional<std::string>{};
        return std::move((*stored)->text);
    };
    auto add = [&](const std::string& path, std::string why, bool storage) {
        if (out.size() >= k_most_modules || out.contains(path)) return;
        out.emplace(path, SurfaceFile{std::move(why), storage});
        if (script_name(analyze::path_name(path))) scripts.push_back(path);
    };
    for (const auto& path : *roots) {
        const std::string_view name = analyze::path_name(path);
        if (name.ends_with(".toml")) {
            // diesel_cli --config-file / DIESEL_CONFIG_FILE take any file (diesel_cli/src/config.rs).
            auto text = read(path);
            if (!text) return text.error();
            if (*text && (*text)->find("migrations_directory") != std::string::npos) add(path, "a diesel settings file", false);
            continue;
        }
        if (name.starts_with("knexfile.") || sequelize_default_config(path)) {
            scripts.push_back(path);
            continue;
        }
        auto text = read(path);
        if (!text) return text.error();
        if (!*text) continue;
        if (name == ".env") {
            for (const auto& v : tools::env_values(**text, "DIESEL_CONFIG_FILE")) {
                if (!v.value) continue;
                std::string file = joined(analyze::path_folder(path), *v.value);
                if (!file.empty()) add(file, path + ":" + std::to_string(v.line) + " (DIESEL_CONFIG_FILE) names it", false);
            }
            continue;
        }
        // .sequelizerc: the configuration it names (sequelize/cli src/helpers/config-helper.js
        // getConfigFile: args.config, from loadRCFile's defaults), and its own modules.
        for (const auto& c : tools::sequelize_rc_config_paths(**text)) {
            if (!c.value) continue;
            std::string file = joined(analyze::path_folder(path), *c.value);
            if (!file.empty()) add(file, path + ":" + std::to_string(c.line) + " (config) names it", true);
        }
        scripts.push_back(path);
    }
    // Node's require() of a relative path, followed from each script (knex/knex bin/cli.js loads the
    // knexfile with require after registering the loaders for .ts and the other extensions).
    std::size_t walked = 0;
    while (!scripts.empty() && walked < k_most_modules) {
        const std::string path = scripts.front();
        scripts.pop_front();
        ++walked;
        auto text = read(path);
        if (!text) return text.error();
        if (!*text) continue;
        for (const auto& m : tools::relative_modules(path, **text)) {
            if (m.spec.empty()) continue;
            for (const auto& candidate : tools::module_candidates(m.spec)) {
                auto entry = repo.entry_at(commit, candidate);
                if (!entry) return entry.error();
                if (!*entry || (*entry)->kind == diff::TreeEntryInfo::Kind::tree) continue;
                add(candidate, path + ":" + std::to_string(m.line) + " loads it", false);
                break;
            }
        }
    }
    return out;
}

}  // namespace pgfence::bot
