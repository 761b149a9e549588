#include "bot/release_surface.hpp"

#include <algorithm>
#include <cctype>
#include <deque>
#include <set>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/deploy_packages.hpp"
#include "analyze/migrations/release_text.hpp"
#include "bot/tool_settings_surface.hpp"

namespace pgfence::bot {
namespace {

constexpr std::size_t k_most_files = 256;

bool vendored(std::string_view p) { return p.find("node_modules/") != std::string_view::npos; }

// A module or settings file named by a relative path: what `extends` (semantic-release
// lib/get-config.js loads it with resolve-from; release-it's too) and a plugin given as a path
// (semantic-release lib/plugins/utils.js loadPlugin: resolve-from the config's folder) name. A
// glob or another kind of file (an asset `./CHANGELOG.md`) is not one.
bool loadable(std::string_view s) {
    if (!s.starts_with("./") && !s.starts_with("../")) return false;
    if (s.find_first_of("*?{}$`\n") != std::string_view::npos) return false;
    for (std::string_view ext : {".js", ".cjs", ".mjs", ".ts", ".cts", ".mts", ".json", ".yml", ".yaml", ".toml"}) {
        if (s.ends_with(ext)) return true;
    }
    return false;
}

// Each quoted string of `text` that is `loadable`, with its line (counted from `first_line`).
std::vector<std::pair<int, std::string>> loaded_names(std::string_view text, int first_line) {
    std::vector<std::pair<int, std::string>> out;
    int line = first_line;
    for (std::size_t i = 0; i < text.size() && out.size() < 64; ++i) {
        if (text[i] == '\n') ++line;
        if (text[i] != '"' && text[i] != '\'') continue;
        const char q = text[i];
        std::size_t e = i + 1;
        while (e < text.size() && text[e] != q && text[e] != '\n') e += text[e] == '\\' ? 2 : 1;
        if (e >= text.size() || text[e] != q) {
            i = std::min(e, text.size()) - 1;
            continue;
        }
        const std::string_view s = text.substr(i + 1, e - i - 1);
        // cosmiconfig's `$import` takes a path relative to the config's folder without `./`
        // (dist/Explorer.js: path.resolve(fileDirectory, importPath)).
        const std::size_t from = text.rfind('\n', i) == std::string_view::npos ? 0 : text.rfind('\n', i);
        const bool imported = text.substr(from, i - from).find("$import") != std::string_view::npos && !s.starts_with("/") &&
                              loadable("./" + std::string(s));
        if (loadable(s) || imported) out.emplace_back(line, loadable(s) ? std::string(s) : "./" + std::string(s));
        i = e;
    }
    // A YAML value left bare (`extends: ./release/base.yml`, `- ./plugins/notes.js`).
    line = first_line;
    for (std::size_t at = 0; at < text.size() && out.size() < 64;) {
        const std::size_t nl = std::min(text.find('\n', at), text.size());
        std::string_view l = text.substr(at, nl - at);
        for (std::string_view lead : {"extends:", "- "}) {
            const std::size_t k = l.find(lead);
            if (k == std::string_view::npos) continue;
            std::string_view v = l.substr(k + lead.size());
            while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '-')) v.remove_prefix(1);
            v = v.substr(0, v.find(" #"));
            while (!v.empty() && (v.back() == ' ' || v.back() == '\r')) v.remove_suffix(1);
            if (loadable(v)) out.emplace_back(line, std::string(v));
        }
        ++line;
        at = nl + 1;
    }
    return out;
}

}  // namespace

bool release_config_path(std::string_view path) {
    const std::string_view name = analyze::path_name(path);
    if (name.starts_with(".releaserc") || name.starts_with("release.config.") || name.starts_with(".release-it.")) return true;
    // cosmiconfig 9's .config/ search places (dist/defaults.js getDefaultSearchPlaces), which
    // semantic-release 24 searches (lib/get-config.js): .config/releaserc and releaserc.{json,yaml,...}.
    return analyze::path_name(analyze::path_folder(path)) == ".config" && (name == "releaserc" || name.starts_with("releaserc."));
}

bool release_settings_line(std::string_view line) {
    // @semantic-release/exec's `cmd` (run at every step), `shell` and `execCwd` (red team R88c F3):
    // "cmd" in any case.
    for (std::size_t at = 0; at + 3 <= line.size(); ++at) {
        if (std::tolower(static_cast<unsigned char>(line[at])) == 'c' && std::tolower(static_cast<unsigned char>(line[at + 1])) == 'm' &&
            std::tolower(static_cast<unsigned char>(line[at + 2])) == 'd') {
            return true;
        }
    }
    for (std::string_view key : {"shell", "execCwd", "before:", "after:", "\"hooks\"", "hooks:", "extends", "import", "\"./", "'./", "\"../", "'../", "- ./", "- ../"}) {
        if (line.find(key) != std::string_view::npos) return true;
    }
    // A line the tool reads otherwise than it looks (an escape, a YAML tag, anchor, alias or merge
    // key: red team R88 F1), and any `\`.
    if (line.find('\\') != std::string_view::npos || !analyze::tools::release_line_opaque(line).empty()) return true;
    const std::size_t tool = line.find("semantic-release");
    return tool != std::string_view::npos && (tool == 0 || line[tool - 1] != '/') && line.find("@semantic-release/") == std::string_view::npos;
}

analyze::Result<std::vector<ReleaseLoaded>> release_loaded_files(const diff::Repository& repo, const std::string& commit, std::uint64_t max_bytes) {
    std::vector<ReleaseLoaded> out;
    auto roots = repo.list_files(commit, [](std::string_view p) {
        const std::string_view name = analyze::path_name(p);
        return !vendored(p) && (release_config_path(p) || name == "package.json");
    });
    if (!roots) return roots.error();
    struct Step {
        std::string path;
        int depth = 0;
    };
    std::deque<Step> steps;
    for (const auto& p : *roots) steps.push_back(Step{p, 0});
    std::set<std::string> seen(roots->begin(), roots->end());
    while (!steps.empty() && out.size() < k_most_files) {
        const Step step = std::move(steps.front());
        steps.pop_front();
        auto stored = repo.read_file_bounded(commit, step.path, max_bytes);
        if (!stored) return stored.error();
        if (!*stored || !(*stored)->text) continue;
        const std::string& text = *(*stored)->text;
        std::vector<std::pair<int, std::string>> names;
        if (step.depth == 0 && analyze::path_name(step.path) == "package.json") {
            for (std::string_view key : {"release", "release-it"}) {
                const auto object = analyze::tools::package_json_object(text, key);
                if (!object) continue;
                for (auto& n : loaded_names(object->first, object->second)) names.push_back(std::move(n));
            }
        } else {
            names = loaded_names(text, 1);
        }
        const std::string_view folder = analyze::path_folder(step.path);
        for (const auto& [line, name] : names) {
            const auto file = analyze::tools::deploy_detail::join_folder(folder, name);
            if (!file || !seen.insert(*file).second || out.size() >= k_most_files) continue;
            auto entry = repo.entry_at(commit, *file);
            if (!entry) return entry.error();
            if (!*entry) continue;
            out.push_back(ReleaseLoaded{*file, step.path + ":" + std::to_string(line) + " has the release tool load it (" + name + ")"});
            if (step.depth < 8) steps.push_back(Step{*file, step.depth + 1});
        }
    }
    return out;
}

analyze::Result<bool> add_release_loaded(const diff::Repository& repo, const std::string& commit, std::uint64_t max_bytes,
                                         std::map<std::string, SurfaceFile>& files) {
    auto loaded = release_loaded_files(repo, commit, max_bytes);
    if (!loaded) return loaded.error();
    for (auto& l : *loaded) files.try_emplace(l.file, SurfaceFile{std::move(l.why), false});
    return true;
}

}  // namespace pgfence::bot
