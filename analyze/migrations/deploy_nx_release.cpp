// What `nx release` runs (red team R88c F4), as nx 21 and @nx/js 21 run it: nx.json's pre-version
// commands, and each project's nx-release-publish target, `npm publish` in its folder by default.
#include <algorithm>
#include <initializer_list>
#include <string_view>

#include <nlohmann/json.hpp>

#include "analyze/base/json_members.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/deploy_workspaces.hpp"
#include "analyze/migrations/release_text.hpp"

namespace pgfence::analyze::tools::deploy_detail {
namespace {

bool one_of(std::string_view w, std::initializer_list<std::string_view> list) { return std::find(list.begin(), list.end(), w) != list.end(); }

// Every string value of a `preVersionCommand` key (release.version, release.groups.*.version,
// release.docker) in nx.json, as nx reads it (a JSON text with comments); nullopt when the text
// does not parse. Walked without recursion.
std::optional<std::vector<std::string>> pre_version_commands(std::string_view text) {
    const nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false, true);
    if (doc.is_discarded()) return std::nullopt;
    std::vector<std::string> out;
    each_json_member(doc, [&](const std::string& key, const nlohmann::json& value) {
        if (key == "preVersionCommand" && value.is_string() && out.size() < 64) out.push_back(value.get<std::string>());
        else if (key == "preVersionCommand" && !value.is_null()) out.emplace_back("\x01");
    });
    return out;
}

}  // namespace

// `nx release [version|changelog|publish|plan|plan:check]` (nx 21 src/command-line/release):
// - version (and a bare `nx release`) runs nx.json's preVersionCommand values with execSync where nx
//   runs (release/version.js runPreVersionCommand, also docker's and each group's), then its version
//   actions, @nx/js's by default (code nx.json may name instead), which update the lock file with
//   the package manager's lock-only install (no scripts; installArgs may change that);
// - publish (and a bare `nx release`) runs each project's nx-release-publish target
//   (release/publish.js runCommandForTasks), which @nx/js infers for each package.json not private
//   (nx src/utils/package-json.js) as the executor @nx/js:release-publish: `npm publish` (or pnpm's)
//   in the project's folder or its packageRoot (release-publish.impl.js), with its lifecycle scripts;
// - changelog runs git and the remote's release API, unless nx.json names a renderer (code).
std::optional<std::string> Workspaces::nx_release_why(const std::vector<std::string>& words, const std::string& here) {
    std::size_t k = 0;
    while (k < words.size() && tool_word(words[k]) != "nx") {
        if (words[k].starts_with("#")) return std::nullopt;
        ++k;
    }
    std::size_t v = k + 1;
    while (v < words.size() && flag_word(words[v]) && words[v] != "--") ++v;
    if (k >= words.size() || v >= words.size() || words[v] != "release") return std::nullopt;
    std::size_t s = v + 1;
    while (s < words.size() && flag_word(words[s]) && words[s] != "--") ++s;
    // release/command-object.js: `release [specifier]` (`nx release minor`: every step), `version
    // [specifier]`, `changelog [version]`, `publish`, `plan [bump]`, `plan:check`.
    std::string sub = s < words.size() && !words[s].starts_with("#") ? words[s] : "";
    if (one_of(sub, {"plan", "plan:check"})) return "";
    if (!one_of(sub, {"version", "publish", "changelog"})) sub.clear();
    const bool version = sub.empty() || sub == "version", publish = sub.empty() || sub == "publish";
    const Root& root = root_of(here, false);
    if (!root.unknown.empty()) return "this command runs nx release, and " + root.unknown + ": what it runs is not known";
    const std::string top = root.folder.empty() ? "" : root.folder + "/";
    const std::string nx_json = text(top + "nx.json").value_or("");
    const std::string said = "this command runs nx release, and " + printable(top + "nx.json");
    // Settings that name code or change what runs, not read.
    for (std::string_view key : {"\"renderer\"", "\"versionActions\"", "\"generator\"", "\"installArgs\"", "\"installIgnoreScripts\"", "\"packageRoot\"",
                                 "\"nx-release-publish\""}) {
        if (nx_json.find(key) != std::string::npos) {
            return said + " sets " + std::string(key) + ", which pgfence does not read: what nx release runs is not known";
        }
    }
    if (sub == "changelog") return "";
    Follow follow;
    if (version && nx_json.find("preVersionCommand") != std::string::npos) {
        const auto commands = pre_version_commands(nx_json);
        if (!commands) return said + " sets preVersionCommand in a text pgfence does not parse: what it runs is not known";
        for (const std::string& c : *commands) {
            if (c == "\x01") return said + " sets a preVersionCommand that is not a string: what it runs is not known";
            if (std::string w = release_command_why(c, here, follow); !w.empty()) {
                return said + " sets the preVersionCommand `" + printable(c) + "`, which nx release runs: " + w;
            }
        }
    }
    if (!publish) return "";
    std::vector<std::string> folders = root.folders;
    if (std::find(folders.begin(), folders.end(), root.folder) == folders.end()) folders.push_back(root.folder);
    for (const std::string& folder : folders) {
        const std::string at = folder.empty() ? "" : folder + "/";
        const auto project = text(at + "project.json");
        const auto pj = text(at + "package.json");
        const std::string where = printable(folder.empty() ? "." : folder);
        // A target the project names: its command is not read (a package.json script of that name is).
        if ((project && (project->find("nx-release-publish") != std::string::npos || project->find("packageRoot") != std::string::npos)) ||
            (pj && pj->find("packageRoot") != std::string::npos)) {
            return "this command runs nx release, which runs the nx-release-publish target of " + where +
                   " as its project settings name it, which pgfence does not read: what it runs is not known";
        }
        PackageScripts* scripts = package(folder);
        if (scripts == nullptr) continue;
        if (++m_runs > 4096) return "it runs workspace scripts past pgfence's limit for following them: what they run is not known";
        for (std::string_view name : {"nx-release-publish", "prepublishOnly", "prepack", "prepare", "postpack", "publish"}) {
            if (std::string w = scripts->why(ScriptRun{std::string(name), {}, {}, {}, false}); !w.empty()) {
                return "this command runs nx release, which publishes " + where + " with npm publish: it runs the package.json script " +
                       printable(std::string(name)) + ": " + w;
            }
        }
    }
    return "";
}

}  // namespace pgfence::analyze::tools::deploy_detail
