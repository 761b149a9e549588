#include "analyze/migrations/yarn_release.hpp"

#include <cctype>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/text_lines.hpp"
#include "analyze/migrations/workflow_env_writes.hpp"

namespace pgfence::analyze::tools {
namespace {

std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// `v` (a yarnPath value) when it is a literal relative path, one folder deep in .yarn/releases/ of
// `folder`: no environment variable (Yarn expands `${X}` in rc values), no `..`, no comment, no
// escape, nothing YAML would read otherwise.
std::optional<std::string> release_path(std::string_view v, std::string_view folder) {
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
    if (v.starts_with("./")) v.remove_prefix(2);
    constexpr std::string_view k_releases = ".yarn/releases/";
    if (!v.starts_with(k_releases)) return std::nullopt;
    const std::string_view file = v.substr(k_releases.size());
    if (file.empty() || file == "." || file == "..") return std::nullopt;
    for (char c : file) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_')) return std::nullopt;
    }
    return (folder.empty() ? std::string() : std::string(folder) + "/") + std::string(v);
}

// Yarn 2+ takes every setting from an environment variable `YARN_<SETTING>` (any case) and the rc
// file's name from YARN_RC_FILENAME (@yarnpkg/cli-dist 4.1.0 bin/yarn.js: `for (let [e, r] of
// Object.entries(process.env)) e = e.toLowerCase(), e.startsWith("yarn_") && (e = camelcase(
// e.slice(5)), t[e] = r)`, and G4(): `${prefix}rc_filename`; yarnpkg.com/configuration/yarnrc). The
// settings that name code Yarn runs, or the environment of every script: yarnPath, plugins,
// injectEnvironmentFiles, and the rc file that may set them.
bool yarn_code_setting(std::string_view name) {
    const std::string low = lowered(name);
    return low == "yarn_yarn_path" || low == "yarn_rc_filename" || low == "yarn_plugins" || low == "yarn_inject_environment_files";
}

// Whether a line of `text` runs `yarn` (a word, not a part of a name).
bool runs_yarn(std::string_view text) {
    const std::string low = lowered(text);
    for (std::size_t at = low.find("yarn"); at != std::string::npos; at = low.find("yarn", at + 1)) {
        const char before = at > 0 ? low[at - 1] : ' ';
        const char after = at + 4 < low.size() ? low[at + 4] : '\n';
        if ((before == ' ' || before == '\t' || before == ';' || before == '&' || before == '|' || before == '(' || before == '"') &&
            (after == ' ' || after == '\n' || after == '\r' || after == ';' || after == '&')) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::vector<std::pair<int, std::string>> yarn_release_lines(std::string_view rc_path, std::string_view text) {
    std::vector<std::pair<int, std::string>> out;
    if (path_name(rc_path) != ".yarnrc.yml") {
        // A command file's YARN_YARN_PATH, as the rc file's yarnPath, from the top of the checkout.
        for (const auto& s : yarn_env_settings(text)) {
            if (lowered(s.name) != "yarn_yarn_path" || !s.value || out.size() >= 16) continue;
            if (auto release = release_path(*s.value, "")) out.emplace_back(s.line, *release);
        }
        return out;
    }
    each_line(text, [&](int n, std::string_view line) {
        // A top-level key only (an indented one is another key's), as `yarn set version` writes it.
        if (out.size() >= 16 || !line.starts_with("yarnPath:")) return;
        if (auto release = release_path(trim_blanks(line.substr(9)), path_folder(rc_path))) out.emplace_back(n, *release);
    });
    return out;
}

std::optional<YarnPlugins> yarn_official_plugins(std::string_view rc_path, std::string_view text) {
    if (path_name(rc_path) != ".yarnrc.yml") return std::nullopt;
    // The plugin's name from `v` (a path or a spec, unquoted), after `prefix`: letters, digits, '-'.
    const auto name_after = [](std::string_view v, std::string_view prefix, std::string_view suffix) -> std::optional<std::string> {
        if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
        if (v.starts_with("./")) v.remove_prefix(2);
        if (!v.starts_with(prefix) || !v.ends_with(suffix) || v.size() <= prefix.size() + suffix.size()) return std::nullopt;
        const std::string_view name = v.substr(prefix.size(), v.size() - prefix.size() - suffix.size());
        for (char c : name) {
            if (!(std::islower(static_cast<unsigned char>(c)) != 0 || std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '-')) return std::nullopt;
        }
        return std::string(name);
    };
    // `yarn plugin import` writes each entry as `- path: .yarn/plugins/@yarnpkg/plugin-x.cjs` and
    // `spec: "@yarnpkg/plugin-x"` (Yarn 4 adds `checksum:`); Yarn loads the file at `path`, from the
    // rc file's folder (yarnpkg.com/configuration/yarnrc#plugins).
    constexpr std::string_view k_folder = ".yarn/plugins/@yarnpkg/plugin-";
    YarnPlugins out;
    bool in = false, ok = true, seen = false;
    std::size_t entries = 0;           // each must name one path
    std::optional<std::string> entry;  // the current entry's plugin name
    each_line(text, [&](int n, std::string_view line) {
        if (!ok) return;
        const std::string_view t = trim_blanks(line);
        if (t.empty() || t.front() == '#') return;
        const bool top = line.front() != ' ' && line.front() != '\t';
        if (top) {
            in = false;
            if (t == "plugins:") {
                if (seen) ok = false;  // a second one: not read
                seen = in = true;
                out.line = n;
            } else if (t.starts_with("plugins")) {
                ok = false;  // a flow list, a value on its line: not read
            }
            return;
        }
        if (!in) return;
        std::string_view item = t;
        const bool starts = item.starts_with("- ");
        if (starts) item = trim_blanks(item.substr(2));
        if (starts) ++entries;
        const std::size_t colon = item.find(": ");
        const std::string_view key = colon == std::string_view::npos ? std::string_view() : item.substr(0, colon);
        const std::string_view value = colon == std::string_view::npos ? std::string_view() : trim_blanks(item.substr(colon + 2));
        if (starts && key.empty()) {
            // The short form: a path alone.
            auto name = name_after(item, k_folder, ".cjs");
            if (!name) ok = false;
            else out.files.push_back((path_folder(rc_path).empty() ? std::string() : std::string(path_folder(rc_path)) + "/") + std::string(k_folder) + *name + ".cjs");
            entry.reset();
            return;
        }
        if (starts) entry.reset();
        if (key == "path") {
            auto name = name_after(value, k_folder, ".cjs");
            if (!name || (entry && *entry != *name)) ok = false;
            else out.files.push_back((path_folder(rc_path).empty() ? std::string() : std::string(path_folder(rc_path)) + "/") + std::string(k_folder) + *name + ".cjs");
            entry = name;
        } else if (key == "spec") {
            auto name = name_after(value, "@yarnpkg/plugin-", "");
            if (!name || (entry && *entry != *name)) ok = false;
            entry = name;
        } else if (key != "checksum" || value.find_first_not_of("0123456789abcdef/") != std::string_view::npos) {
            ok = false;
        }
    });
    if (!ok || !seen || out.files.empty() || out.files.size() != entries || out.files.size() > 16) return std::nullopt;
    return out;
}

std::vector<YarnEnvSetting> yarn_env_settings(std::string_view text) {
    std::vector<YarnEnvSetting> out;
    const std::string low = lowered(text);
    if (low.find("yarn_") == std::string::npos && low.find("github_env") == std::string::npos) return out;
    // An `env:` map's key (`YARN_YARN_PATH: x`): the value YAML gives, literal when plain.
    each_yaml_line(text, [&](int n, std::size_t, std::string_view body) {
        if (out.size() >= 64) return;
        const std::size_t colon = body.find(':');
        if (colon == std::string_view::npos || !yarn_code_setting(body.substr(0, colon))) return;
        std::string_view v = trim_blanks(body.substr(colon + 1));
        const bool plain = !v.empty() && v.find_first_of("$`\\#&*!|>%@{}[],") == std::string_view::npos;
        out.push_back(YarnEnvSetting{n, std::string(body.substr(0, colon)), plain ? std::optional<std::string>(std::string(v)) : std::nullopt});
    });
    // Assignments and $GITHUB_ENV writes in commands (workflow_env_writes.hpp); a $GITHUB_ENV
    // write pgfence cannot read counts where the file runs yarn.
    const bool yarn = runs_yarn(text);
    for (auto& w : deploy_detail::workflow_env_writes(text, 0, yarn_code_setting)) {
        if (w.name.empty() && !yarn) continue;
        out.push_back(YarnEnvSetting{w.line, w.name, w.name.empty() ? std::nullopt : w.value});
    }
    return out;
}

}  // namespace pgfence::analyze::tools
