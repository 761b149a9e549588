// The commands a release tool's settings run (red team R86b U1): release-it's hooks,
// @semantic-release/exec's commands, and `lerna exec`'s command in each lerna package, read as the
// deploy's commands (deploy_workspaces.hpp).
#include <algorithm>
#include <cctype>
#include <functional>
#include <initializer_list>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "analyze/base/json_members.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/deploy_commands.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/deploy_workspaces.hpp"
#include "analyze/migrations/release_text.hpp"

namespace pgfence::analyze::tools::deploy_detail {
namespace {

bool one_of(std::string_view w, std::initializer_list<std::string_view> list) { return std::find(list.begin(), list.end(), w) != list.end(); }

// A command a release config runs: the key that names it, its line, and the command.
struct Keyed {
    std::string key;
    int line = 1;
    std::string command;
};

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '@' || c == '$'; }

std::string_view trim(std::string_view t) {
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r')) t.remove_suffix(1);
    return t;
}

// A quoted string at `at` (`"` with JSON's and YAML's escapes, decoded as their parsers do: the
// key `"prepare\u0043md"` is prepareCmd, red team R88 F1; `'` with YAML's ''), its end past the
// quote. An escape neither knows stays as written (read_config reports its line unknown).
std::string quoted(std::string_view l, std::size_t at, std::size_t& end) {
    const char q = l[at];
    std::string v;
    std::size_t j = at + 1;
    for (; j < l.size(); ++j) {
        if (q == '"' && l[j] == '\\' && j + 1 < l.size()) {
            if (!decode_escape(l, j, v)) v += l[++j];
            continue;
        }
        if (l[j] == q) {
            if (q == '\'' && j + 1 < l.size() && l[j + 1] == '\'') {
                v += '\'';
                ++j;
                continue;
            }
            break;
        }
        v += l[j];
    }
    end = std::min(j + 1, l.size());
    return v;
}

// A YAML scalar left bare (`- npm test # comment`): to its comment.
std::string bare(std::string_view t) {
    const std::size_t hash = t.find(" #");
    return std::string(trim(t.substr(0, hash)));
}

std::size_t indent_of(std::string_view l) { return std::min(l.find_first_not_of(" \t-"), l.size()); }

// The commands of the keys `is_key` accepts in a JSON, YAML or TOML text (the shapes are alike
// enough: `"key": "command"`, `key: command`, `"key" = "command"`, a list of commands in `[...]` or
// YAML's `- ` items, a YAML block `|` or `>` as one script). Each line is read once.
template <class IsKey>
std::vector<Keyed> keyed_commands(std::string_view text, int first_line, IsKey is_key) {
    std::vector<std::pair<int, std::string_view>> lines;
    for (std::size_t at = 0; at <= text.size() && lines.size() < (1u << 20);) {
        const std::size_t nl = std::min(text.find('\n', at), text.size());
        lines.emplace_back(first_line + static_cast<int>(lines.size()), text.substr(at, nl - at));
        at = nl + 1;
    }
    std::vector<Keyed> out;
    std::size_t resume = 0;  // where a line's reading goes on after a list that closed on it
    for (std::size_t i = 0; i < lines.size() && out.size() < 64; ++i) {
        const auto [n, l] = lines[i];
        for (std::size_t p = std::exchange(resume, 0); p < l.size() && out.size() < 64;) {
            // A key: quoted, or a bare word that a `:` and a blank (or the line's end) follow.
            std::size_t key_end = 0, after = 0;
            std::string key;
            if (l[p] == '"' || l[p] == '\'') {
                key = quoted(l, p, after);
                key_end = after;
            } else if (word_char(l[p]) && (p == 0 || !word_char(l[p - 1]))) {
                std::size_t j = p;
                while (j < l.size() && l[j] != ' ' && l[j] != '\t' && l[j] != '=' && l[j] != ',' && l[j] != '{' &&
                       !(l[j] == ':' && (j + 1 == l.size() || l[j + 1] == ' ' || l[j + 1] == '\t' || l[j + 1] == '\r'))) {
                    ++j;
                }
                key = std::string(l.substr(p, j - p));
                key_end = after = j;
            } else {
                ++p;
                continue;
            }
            std::size_t v = l.find_first_not_of(" \t", key_end);
            if (!is_key(key) || v == std::string_view::npos || (l[v] != ':' && l[v] != '=')) {
                p = std::max(key_end, p + 1);
                continue;
            }
            v = std::min(l.find_first_not_of(" \t\r", v + 1), l.size());
            auto add = [&](int line, std::string command) { out.push_back(Keyed{key, line, std::move(command)}); };
            if (v < l.size() && (l[v] == '"' || l[v] == '\'')) {
                std::size_t end = 0;
                add(n, quoted(l, v, end));
                p = end;
                continue;
            }
            if (v < l.size() && l[v] == '[') {
                // A list, to its `]` (at most 64 lines on).
                std::size_t at = v + 1;
                for (std::size_t k = i; k < lines.size() && k < i + 64; ++k) {
                    const std::string_view t = lines[k].second;
                    if (k > i) at = 0;
                    bool closed = false;
                    while (at < t.size() && !closed) {
                        if (t[at] == '"' || t[at] == '\'') {
                            std::size_t end = 0;
                            add(lines[k].first, quoted(t, at, end));
                            at = end;
                        } else if (t[at] == ']') {
                            closed = true;
                        } else if (t[at] != ' ' && t[at] != ',' && t[at] != '\t' && t[at] != '\r') {
                            // A bare item of a YAML flow list (`[npm test, npm run build]`).
                            const std::size_t stop = std::min(t.find_first_of(",]", at), t.size());
                            add(lines[k].first, bare(t.substr(at, stop - at)));
                            at = stop;
                        } else {
                            ++at;
                        }
                    }
                    if (closed) {
                        // The keys after the `]` on its line (`"before:init": ["npm test"], "after:bump": ...`).
                        resume = at;
                        i = k - 1;
                        break;
                    }
                }
                break;
            }
            if (v < l.size() && l[v] != '|' && l[v] != '>') {
                // A plain YAML scalar goes on over the lines indented past its key's (YAML 1.2
                // 7.3.3, folded with a space): `prepareCmd: npx knex` then `  migrate:rollback`.
                std::string value = bare(l.substr(v));
                std::size_t k = i + 1;
                for (; l[v] != '{' && l[v] != '[' && k < lines.size() && k < i + 64; ++k) {
                    const std::string_view t = lines[k].second;
                    const std::size_t ind = std::min(t.find_first_not_of(" \t"), t.size());
                    if (trim(t).empty() || ind <= indent_of(l) || trim(t).starts_with("#")) break;
                    value += " " + bare(t);
                }
                add(n, value);
                i = k - 1;
                break;
            }
            // YAML: `- ` items or a block, the lines indented past the key's.
            const std::size_t own = indent_of(l);
            std::string block;
            const bool folded = v < l.size() && l[v] == '>';
            std::size_t k = i + 1;
            for (; k < lines.size(); ++k) {
                const std::string_view t = lines[k].second;
                if (trim(t).empty()) continue;
                const std::size_t ind = std::min(t.find_first_not_of(" \t"), t.size());
                if (ind <= own) break;
                const std::string_view item = trim(t);
                if (v >= l.size() && item.starts_with("- ")) {
                    const std::string_view rest = trim(item.substr(2));
                    std::size_t end = 0;
                    add(lines[k].first, !rest.empty() && (rest[0] == '"' || rest[0] == '\'') ? quoted(rest, 0, end) : bare(rest));
                } else {
                    block += std::string(item) + (folded ? " " : "\n");
                }
            }
            if (!block.empty()) add(n, block);
            i = k - 1;
            break;
        }
    }
    return out;
}


bool code_config(std::string_view name) {
    for (std::string_view ext : {".js", ".cjs", ".mjs", ".ts", ".cts", ".mts"}) {
        if (name.ends_with(ext)) return true;
    }
    return false;
}

// release-it's hooks (release-it docs/plugins.md, "hooks": `before:init`, `after:bump`,
// `after:git:release`, ... each a shell command or a list of them).
bool hook_key(std::string_view k) { return (k.starts_with("before:") || k.starts_with("after:")) && k.size() > 7; }

// @semantic-release/exec's options that are commands (its README: verifyConditionsCmd ... failCmd),
// and `cmd`, which exec 6 runs at every step that has no command of its own (index.js: `if
// (!isNil(pluginConfig.prepareCmd) || !isNil(pluginConfig.cmd))`, lib/exec.js: `const cmd =
// config[cmdProp] ? cmdProp : 'cmd'`; red team R88c F3).
bool exec_key(std::string_view k) {
    return one_of(k, {"verifyConditionsCmd", "analyzeCommitsCmd", "verifyReleaseCmd", "generateNotesCmd", "prepareCmd", "addChannelCmd",
                      "publishCmd", "successCmd", "failCmd", "cmd"});
}

// exec renders each command as a lodash 4 template before its shell reads it (lib/exec.js:
// `template(config[cmd])({config, ...context})`): `<% code %>` runs JavaScript, and `<%= x %>`,
// `<%- x %>` and `${x}` put x's value in the text. The value of a release's version (semver's digits
// and [0-9A-Za-z-.+]), commit or bump type is read as a plain word; any other is computed (a tag or
// channel comes from the config's tagFormat or branches, which may hold `;` or `$(`). Why the
// command is not known, "" with `rendered` the text the shell reads.
std::string exec_template_why(std::string_view command, std::string& rendered) {
    rendered.clear();
    for (std::size_t at = 0; at < command.size();) {
        const std::size_t open = std::min(command.find("<%", at), command.find("${", at));
        const std::size_t close = command.find("%>", at);
        if (open == std::string_view::npos) {
            if (close != std::string_view::npos) return "it holds `%>` (exec renders it as a lodash template): what it runs is not known";
            rendered += command.substr(at);
            break;
        }
        if (close < open) return "it holds `%>` (exec renders it as a lodash template): what it runs is not known";
        rendered += command.substr(at, open - at);
        const bool es = command[open] == '$';
        const std::size_t end = es ? command.find('}', open) : command.find("%>", open + 2);
        if (end == std::string_view::npos) {
            return std::string("it holds `") + (es ? "${" : "<%") + "` with no end (exec renders it as a lodash template): what it runs is not known";
        }
        std::string_view expr = command.substr(open + 2, end - open - 2);
        if (!es && (expr.starts_with("=") || expr.starts_with("-"))) expr.remove_prefix(1);
        else if (!es) return "it holds a lodash `<% %>` block, JavaScript exec runs when it renders the command: what it runs is not known";
        expr = trim(expr);
        if (!one_of(expr, {"nextRelease.version", "nextRelease.gitHead", "nextRelease.type", "lastRelease.version", "lastRelease.gitHead"})) {
            return "exec renders it as a lodash template, and " + printable(std::string(expr)) +
                   " is a value JavaScript computes when it runs: what it runs is not known";
        }
        rendered += "0.0.0";
        at = end + (es ? 1 : 2);
    }
    return "";
}

// exec's `shell` runs each command (lib/exec.js: execa(script, {shell: shell || true}), spawned as
// `shell -c script`): a plain sh or bash reads it as pgfence does; another program is not known.
bool plain_shell(std::string_view s) {
    return one_of(s, {"true", "false", "sh", "bash", "/bin/sh", "/bin/bash", "/usr/bin/sh", "/usr/bin/bash"});
}

// The plugins a semantic-release config lists (its README "plugins": a name, or `[name, options]`),
// each with its line: a JSON or flow list, or YAML's `- name` / `- - name` items.
std::vector<Keyed> plugin_names(std::string_view text, int first_line) {
    std::vector<Keyed> out;
    auto line_at = [&](std::size_t at) { return first_line + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n')); };
    for (std::size_t at = text.find("plugins"); at != std::string_view::npos && out.size() < 64; at = text.find("plugins", at + 1)) {
        if (at > 0 && word_char(text[at - 1])) continue;
        std::size_t v = at + 7;
        if (v < text.size() && (text[v] == '"' || text[v] == '\'')) ++v;
        v = text.find_first_not_of(" \t", v);
        if (v == std::string_view::npos || text[v] != ':') continue;
        v = text.find_first_not_of(" \t\r", v + 1);
        if (v != std::string_view::npos && text[v] == '[') {
            int arrays = 0, objects = 0;
            bool first = false;
            for (std::size_t j = v; j < text.size(); ++j) {
                const char c = text[j];
                if (c == '"' || c == '\'') {
                    const std::size_t nl = std::min(text.find('\n', j), text.size());
                    std::size_t end = 0;
                    const std::string s = quoted(text.substr(0, nl), j, end);
                    if (objects == 0 && (arrays == 1 || (arrays == 2 && first))) out.push_back(Keyed{"plugins", line_at(j), s});
                    first = false;
                    j = end - 1;
                } else if (c == '[') {
                    first = ++arrays == 2;
                } else if (c == ']') {
                    if (--arrays == 0) break;
                } else if (c == '{') {
                    ++objects;
                } else if (c == '}') {
                    --objects;
                } else if (objects == 0 && (arrays == 1 || (arrays == 2 && first)) && word_char(c)) {
                    // A bare name of a YAML flow list.
                    const std::size_t stop = std::min(text.find_first_of(",]\n", j), text.size());
                    out.push_back(Keyed{"plugins", line_at(j), bare(text.substr(j, stop - j))});
                    first = false;
                    j = stop - 1;
                }
            }
            continue;
        }
        // YAML: the `- ` items indented past the key's line, at the first item's indent.
        const std::size_t line_start = text.rfind('\n', at) == std::string_view::npos ? 0 : text.rfind('\n', at) + 1;
        const std::size_t own = at - line_start;
        std::size_t items = std::string_view::npos;
        for (std::size_t p = std::min(text.find('\n', at), text.size()); p < text.size();) {
            const std::size_t b = p + 1, e = std::min(text.find('\n', b), text.size());
            const std::string_view l = text.substr(b, e - b);
            p = e;
            if (trim(l).empty()) continue;
            const std::size_t ind = std::min(l.find_first_not_of(" \t"), l.size());
            if (ind <= own && !(ind == own && l.substr(ind).starts_with("- "))) break;
            if (items == std::string_view::npos) items = ind;
            if (ind != items || !l.substr(ind).starts_with("- ")) continue;
            std::string_view rest = trim(l.substr(ind + 2));
            if (rest.starts_with("- ")) rest = trim(rest.substr(2));
            if (rest.empty() || rest[0] == '{' || rest[0] == '[' || rest[0] == '-') continue;
            std::size_t end = 0;
            out.push_back(Keyed{"plugins", line_at(b), rest[0] == '"' || rest[0] == '\'' ? quoted(rest, 0, end) : bare(rest)});
        }
    }
    return out;
}

// semantic-release's own plugins: what each runs is known (exec's commands are read).
bool known_plugin(std::string_view name) {
    return one_of(name, {"@semantic-release/commit-analyzer", "@semantic-release/release-notes-generator", "@semantic-release/changelog",
                         "@semantic-release/npm", "@semantic-release/github", "@semantic-release/git", "@semantic-release/gitlab",
                         "@semantic-release/exec", "@semantic-release/apm"});
}

// The keys `is_key` accepts that a JSON text sets, as JSON.parse reads them (nlohmann::json decodes
// keys as it does), each with a string or a non-empty list as its value; walked without recursion.
template <class IsKey>
std::set<std::string> json_keys(std::string_view text, IsKey is_key) {
    std::set<std::string> out;
    const nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded()) return out;
    each_json_member(doc, [&](const std::string& key, const nlohmann::json& value) {
        if (is_key(key) && (value.is_string() || (value.is_array() && !value.empty()))) out.insert(key);
    });
    return out;
}

bool local_path(std::string_view name) { return name.starts_with("./") || name.starts_with("../") || name.starts_with("/") || name == "." || name == ".."; }

}  // namespace

std::string Workspaces::release_command_why(const std::string& command, const std::string& here, Follow& follow) {
    std::string out = destructive_command(command);
    if (out.empty()) out = unread_settings_command(command);
    if (!out.empty()) return out;
    // The package scripts it runs where the tool runs (`npm run db:down`), and a workspace's.
    for (const ScriptRun& run : scripts_run_in(command)) {
        if (run.folder || run.workspace || run.every) continue;
        PackageScripts* scripts = package(here);
        if (scripts == nullptr) break;
        if (std::string w = scripts->why(run); !w.empty()) return "it runs the package.json script " + printable(run.name) + ": " + w;
    }
    if (m_depth >= 8) return "it runs commands that run release tools past pgfence's limit (8 deep): what the last ones run is not known";
    ++m_depth;
    for (const auto& words : simple_commands(command)) {
        // A repository script or a make target it runs, read as a deploy's are (deploy_commands.cpp).
        follow.base = here;
        const std::string script = script_word(words);
        if (!script.empty()) out = script_unknown(script, here, m_read, follow);
        if (out.empty()) out = target_unknown(words, here, m_read, follow);
        if (out.empty()) {
            if (auto w = why(words, here); w) out = std::move(*w);
        }
        if (!out.empty()) break;
    }
    --m_depth;
    return out;
}

std::optional<std::string> Workspaces::release_why(const std::vector<std::string>& words, const std::string& here) {
    const std::string at = here.empty() ? "" : here + "/";
    Follow follow;
    // `nx exec -- COMMAND` runs COMMAND in each nx project's folder, `nx watch -- COMMAND` where nx
    // runs (nx_command, deploy_nx.cpp; red team R88c F4). nx's projects: the package manager's
    // workspaces and lerna.json's packages (nx 21 plugins/package-json/create-nodes.js
    // getGlobPatternsFromPackageManagerWorkspaces), project.json folders, and the root when its
    // package.json has "nx" or it has a project.json.
    if (const auto nx = nx_command(words)) {
        std::vector<std::string> folders;
        if (nx->each) {
            for (const bool lerna : {false, true}) {
                const Root& root = root_of(here, lerna);
                if (!root.unknown.empty()) {
                    return "this command runs `" + printable(nx->command) + "` in each nx project, and " + root.unknown + ": what it runs is not known";
                }
                for (const std::string& f : root.folders) {
                    if (std::find(folders.begin(), folders.end(), f) == folders.end()) folders.push_back(f);
                }
                const std::string top = root.folder.empty() ? "" : root.folder + "/";
                const auto pj = text(top + "package.json");
                const bool nx_root = text(top + "project.json") || (pj && package_json_object(*pj, "nx"));
                if (nx_root && std::find(folders.begin(), folders.end(), root.folder) == folders.end()) folders.push_back(root.folder);
            }
        } else {
            folders.push_back(here);
        }
        for (const std::string& folder : folders) {
            if (++m_runs > 4096) return "it runs workspace commands past pgfence's limit for following them: what they run is not known";
            if (const std::string w = release_command_why(nx->command, folder, follow); !w.empty()) {
                return "this command runs `" + printable(nx->command) + "` " +
                       (nx->each ? "in the nx project " + printable(folder.empty() ? "." : folder) : std::string("through nx watch")) + ": " + w;
            }
        }
        return "";
    }
    for (std::size_t k = 0; k < words.size(); ++k) {
        const std::string tool = tool_word(words[k]);
        const bool release_it = tool == "release-it", semantic = tool == "semantic-release";
        // `lerna exec -- COMMAND` runs COMMAND in each lerna package (lerna.js.org/docs/api-reference/commands, exec).
        if ((tool == "lerna" || tool == "lerna-lite" || words[k].starts_with("@lerna-lite/cli")) && k + 1 < words.size() && words[k + 1] == "exec") {
            std::size_t c = k + 2;
            while (c < words.size() && words[c] != "--" && flag_word(words[c])) ++c;
            if (c < words.size() && words[c] == "--") ++c;
            std::string command;
            for (std::size_t w = c; w < words.size() && w < c + 64; ++w) command += (command.empty() ? "" : " ") + words[w];
            if (command.empty()) return std::nullopt;
            const Root& root = root_of(here, true);
            if (!root.unknown.empty()) {
                return "this command runs `" + printable(command) + "` in each lerna package, and " + root.unknown + ": what it runs is not known";
            }
            for (const std::string& folder : root.folders) {
                if (++m_runs > 4096) return "it runs workspace commands past pgfence's limit for following them: what they run is not known";
                if (const std::string w = release_command_why(command, folder, follow); !w.empty()) {
                    return "this command runs `" + printable(command) + "` in the lerna package " + printable(folder) + ": " + w;
                }
            }
            return "";
        }
        if (!release_it && !semantic) continue;
        // Where each tool looks (release-it lib/config.js: .release-it.{json,js,cjs,mjs,ts,yaml,yml,toml}
        // and package.json "release-it", or --config; semantic-release lib/get-config.js, cosmiconfig
        // "release": .releaserc{,.json,.yaml,.yml,.js,.cjs,.mjs}, release.config.{js,cjs,mjs} and
        // package.json "release"): every one there is read.
        std::vector<std::string> files;
        const char* const names_it[] = {".release-it.json", ".release-it.js", ".release-it.cjs", ".release-it.mjs", ".release-it.ts",
                                        ".release-it.yaml", ".release-it.yml", ".release-it.toml", ".release-it.json5", ".release-it.jsonc"};
        // cosmiconfig 9 also searches .config/ (dist/defaults.js getDefaultSearchPlaces: `.config/${moduleName}rc`
        // and rc.{json,yaml,yml,js,ts,cjs,mjs}; red team R88 F2).
        const char* const names_sr[] = {".releaserc", ".releaserc.json", ".releaserc.yaml", ".releaserc.yml", ".releaserc.js", ".releaserc.cjs",
                                        ".releaserc.mjs", ".releaserc.ts", "release.config.js", "release.config.cjs", "release.config.mjs", "release.config.ts",
                                        ".config/releaserc", ".config/releaserc.json", ".config/releaserc.yaml", ".config/releaserc.yml",
                                        ".config/releaserc.js", ".config/releaserc.ts", ".config/releaserc.cjs", ".config/releaserc.mjs"};
        if (release_it) {
            for (const char* name : names_it) files.push_back(at + name);
        } else {
            for (const char* name : names_sr) files.push_back(at + name);
        }
        for (std::size_t f = k + 1; release_it && f < words.size(); ++f) {
            std::string value;
            if ((words[f] == "--config" || words[f] == "-c") && f + 1 < words.size()) value = words[f + 1];
            else if (words[f].starts_with("--config=")) value = words[f].substr(9);
            else continue;
            const auto path = join_folder(here, value);
            if (!path) return "this command runs release-it with the config " + printable(value) + ", which pgfence cannot find: what its hooks run is not known";
            files.push_back(*path);
        }
        auto is_key = [&](const std::string& key) { return release_it ? hook_key(key) : exec_key(key); };
        const std::string what = release_it ? "release-it runs the hook " : "semantic-release runs @semantic-release/exec's ";
        // exec's execCwd: its commands run in path.resolve(cwd, execCwd) (lib/exec.js), read there
        // as well as where the tool runs.
        std::vector<std::string> exec_dirs = {here};
        auto read_keyed = [&](const std::string& path, std::string_view text, int line) -> std::string {
            if (semantic) {
                for (const Keyed& s : keyed_commands(text, line, [](const std::string& k) { return k == "shell"; })) {
                    std::string_view value = trim(s.command);
                    while (!value.empty() && (value.back() == ',' || value.back() == '}' || value.back() == ']' || value.back() == ' ')) {
                        value.remove_suffix(1);  // `"shell": true},` read bare
                    }
                    if (plain_shell(trim(value))) continue;
                    return "this command runs semantic-release, whose config " + printable(path) + " line " + std::to_string(s.line) +
                           " sets @semantic-release/exec's shell " + printable(s.command) +
                           ", the program that runs each of its commands: what it runs is not known";
                }
                for (const Keyed& d : keyed_commands(text, line, [](const std::string& k) { return k == "execCwd"; })) {
                    const auto folder = join_folder(here, trim(d.command));
                    if (!folder) {
                        return "this command runs semantic-release, whose config " + printable(path) + " line " + std::to_string(d.line) +
                               " sets @semantic-release/exec's execCwd " + printable(d.command) +
                               ", a folder pgfence cannot name in the repository: what its commands run there is not known";
                    }
                    if (std::find(exec_dirs.begin(), exec_dirs.end(), *folder) == exec_dirs.end() && exec_dirs.size() < 16) exec_dirs.push_back(*folder);
                }
            }
            for (const Keyed& c : keyed_commands(text, line, is_key)) {
                const std::string said = "this command runs a release tool: " + what + printable(c.key) + " (" + printable(path) + " line " + std::to_string(c.line) + "): ";
                std::string command = c.command;
                if (semantic) {
                    if (std::string w = exec_template_why(c.command, command); !w.empty()) return said + w;
                }
                for (const std::string& folder : semantic ? exec_dirs : std::vector<std::string>{here}) {
                    if (std::string w = release_command_why(command, folder, follow); !w.empty()) {
                        return said + (folder == here ? "" : "in its execCwd " + printable(folder) + ", ") + w;
                    }
                }
            }
            return "";
        };
        // @semantic-release/npm's pkgRoot (a plugin option, or a global one every plugin gets):
        // `npm version` runs in, and `npm publish` publishes, path.resolve(cwd, pkgRoot)
        // (@semantic-release/npm 12 lib/prepare.js `cwd: basePath`, lib/publish.js `npm publish
        // basePath`, lib/get-pkg.js reads its package.json), so that folder's lifecycle scripts run.
        auto pkg_root_why = [&](const std::string& path, const Keyed& r) -> std::string {
            const std::string said = "this command runs semantic-release, whose config " + printable(path) + " line " + std::to_string(r.line) +
                                     " sets pkgRoot " + printable(r.command);
            const auto folder = join_folder(here, r.command);
            if (!folder) return said + ", a folder pgfence cannot name in the repository: the lifecycle scripts npm version and npm publish run there are not known";
            if (*folder == here) return "";
            PackageScripts* scripts = package(*folder);
            if (scripts == nullptr) {
                return said + ", whose package.json is not in the repository (written when the release runs): the lifecycle scripts npm version "
                              "and npm publish run there are not known";
            }
            std::vector<std::string_view> names = {"version", "prepublishOnly", "prepack", "prepare", "postpack", "publish"};
            for (std::string_view name : names) {
                if (std::string w = scripts->why(ScriptRun{std::string(name), {}, {}, {}, false}); !w.empty()) {
                    return said + ": npm runs its package.json script " + printable(std::string(name)) + ": " + w;
                }
            }
            return "";
        };
        // A config's `extends` (semantic-release lib/get-config.js: each one is loaded with
        // resolve-from, a package or a local path; release-it's too) and semantic-release's plugins
        // (a path or a package runs its own code at each step) are read here; `depth` bounds extends.
        std::function<std::string(const std::string&, std::string_view, int, int)> read_config;
        read_config = [&](const std::string& path, std::string_view text, int line, int depth) -> std::string {
            const std::string where = printable(path);
            if (code_config(path)) {
                const bool may = release_it ? (text.find("hooks") != std::string::npos || text.find("before:") != std::string::npos ||
                                               text.find("after:") != std::string::npos)
                                            : (text.find("semantic-release/exec") != std::string::npos || text.find("Cmd") != std::string::npos ||
                                               text.find("cmd") != std::string::npos);
                if (semantic && text.find("pkgRoot") != std::string::npos) {
                    return "this command runs semantic-release, whose config " + where + " is code pgfence does not run, and sets pkgRoot: "
                           "the folder whose lifecycle scripts npm version and npm publish run is not known";
                }
                if (may) {
                    return "this command runs a release tool whose config " + where + " is code pgfence does not run, and names " +
                           (release_it ? "hooks" : "@semantic-release/exec") + ": the commands they run are not known";
                }
                // Code that loads other files or settings pgfence does not follow (red team R87b F4).
                for (std::string_view word : {"require", "import", "$import", "extends", "plugins"}) {
                    bool named = false;
                    for (std::size_t w = text.find(word); w != std::string_view::npos && !named; w = text.find(word, w + 1)) {
                        const std::size_t end = w + word.size();
                        named = (w == 0 || !word_char(text[w - 1])) && (end == text.size() || !word_char(text[end]));
                    }
                    if (!named) continue;
                    if (word == "plugins" && release_it) continue;
                    if (word == "plugins" && text.find("./") == std::string_view::npos && text.find("'/") == std::string_view::npos &&
                        text.find("\"/") == std::string_view::npos) {
                        // Only semantic-release's own plugins, by name.
                        bool other = false;
                        for (std::size_t q = text.find_first_of("'\"`"); q != std::string_view::npos && !other; q = text.find_first_of("'\"`", q + 1)) {
                            const std::size_t e = text.find(text[q], q + 1);
                            if (e == std::string_view::npos) break;
                            const std::string_view s = text.substr(q + 1, e - q - 1);
                            other = (s.find('/') != std::string_view::npos || s.starts_with("semantic-release")) && !known_plugin(s);
                            q = e;
                        }
                        if (!other) continue;
                    }
                    return "this command runs a release tool whose config " + where + " is code pgfence does not run, and uses `" +
                           std::string(word) + "`: what it loads and runs is not known";
                }
                return "";
            }
            // A line the line reader below cannot read soundly (an escape it does not decode, a YAML
            // tag, anchor, alias or merge key: red team R88 F1).
            {
                int n = line;
                for (std::size_t at = 0; at <= text.size(); ++n) {
                    const std::size_t nl = std::min(text.find('\n', at), text.size());
                    if (const std::string o = release_line_opaque(text.substr(at, nl - at)); !o.empty()) {
                        return "this command runs a release tool whose config " + where + " line " + std::to_string(n) + " holds " + o +
                               ", which pgfence does not read: what it runs is not known";
                    }
                    at = nl + 1;
                }
            }
            // A JSON config: a key that runs something as JSON.parse reads it that the line reader
            // below did not see (red team R88 F1) is unknown.
            if (path.ends_with(".json")) {
                auto runs = [&](const std::string& k) {
                    return is_key(k) || k == "extends" || k == "$import" || k == "pkgRoot" || (semantic && (k == "shell" || k == "execCwd"));
                };
                std::set<std::string> read;
                for (const Keyed& c : keyed_commands(text, line, runs)) read.insert(c.key);
                for (const std::string& k : json_keys(text, runs)) {
                    if (!read.contains(k)) {
                        return "this command runs a release tool whose config " + where + " sets " + printable(k) +
                               " where pgfence's reader does not find it: what it runs is not known";
                    }
                }
            }
            if (std::string w = read_keyed(path, text, line); !w.empty()) return w;
            // cosmiconfig 9, semantic-release's loader, merges the files a config's `$import` names (a
            // path or a list of them, path.resolve(the config's folder, it): dist/Explorer.js
            // #loadConfigFileWithImports), read as `extends` (release-it's files too: a superset).
            for (const Keyed& e : keyed_commands(text, line, [](const std::string& k) { return k == "$import"; })) {
                const auto next = join_folder(analyze::path_folder(path), e.command);
                const auto next_text = next ? this->text(*next) : std::nullopt;
                if (!next_text || depth >= 8) {
                    return "this command runs a release tool whose config " + where + " line " + std::to_string(e.line) + " imports " +
                           printable(e.command) + ", which pgfence does not find or read: what it runs is not known";
                }
                if (std::string w = read_config(*next, *next_text, 1, depth + 1); !w.empty()) return w;
            }
            if (semantic) {
                for (const Keyed& r : keyed_commands(text, line, [](const std::string& k) { return k == "pkgRoot"; })) {
                    if (std::string w = pkg_root_why(path, r); !w.empty()) return w;
                }
                for (const Keyed& p : plugin_names(text, line)) {
                    if (known_plugin(p.command)) continue;
                    return "this command runs semantic-release, whose config " + where + " line " + std::to_string(p.line) + " loads the plugin " +
                           printable(p.command) + (local_path(p.command) ? ", the repository's code," : ", a package pgfence does not know,") +
                           " at each release step: what it runs is not known";
                }
            }
            for (const Keyed& e : keyed_commands(text, line, [](const std::string& k) { return k == "extends"; })) {
                const std::string at_line = where + " line " + std::to_string(e.line);
                if (!local_path(e.command)) {
                    return "this command runs a release tool whose config " + at_line + " extends " + printable(e.command) +
                           ", a package pgfence does not read: what it runs is not known";
                }
                const auto next = join_folder(analyze::path_folder(path), e.command);
                const auto next_text = next ? this->text(*next) : std::nullopt;
                if (!next_text || depth >= 8) {
                    return "this command runs a release tool whose config " + at_line + " extends " + printable(e.command) +
                           ", which pgfence does not find or read: what it runs is not known";
                }
                if (std::string w = read_config(*next, *next_text, 1, depth + 1); !w.empty()) return w;
            }
            return "";
        };
        // semantic-release's command line (cli.js, yargs with .strict(false)): -e/--extends loads
        // shareable configs (a list, each also split at `,`), followed here; -p/--plugins and the
        // step options (--prepare ...) load plugins; any option it does not declare is passed to
        // every plugin as a global option (`--prepare-cmd` is exec's prepareCmd). -b, -r, -t take a
        // value; --ci, --no-ci, --debug, -d/--dry-run, -h/--help, --version none.
        for (std::size_t f = k + 1; semantic && f < words.size(); ++f) {
            const std::string& w = words[f];
            if (w.empty() || w[0] != '-') continue;
            const std::size_t eq = w.find('=');
            const std::string flag = w.substr(0, eq);
            if (one_of(flag, {"--ci", "--no-ci", "--debug", "-d", "--dry-run", "--no-dry-run", "-h", "--help", "--version"})) continue;
            if (one_of(flag, {"-b", "--branches", "-r", "--repository-url", "-t", "--tag-format"})) {
                if (eq == std::string::npos) {
                    while (f + 1 < words.size() && !words[f + 1].starts_with("-")) ++f;
                }
                continue;
            }
            const std::string said = "this command runs semantic-release with " + printable(w);
            if (flag != "-e" && flag != "--extends") {
                return said + ", an option that loads plugins or that pgfence does not know (semantic-release passes it to every plugin): "
                              "what it runs is not known";
            }
            std::vector<std::string> values;
            if (eq != std::string::npos) values.push_back(w.substr(eq + 1));
            while (eq == std::string::npos && f + 1 < words.size() && !words[f + 1].starts_with("-")) values.push_back(words[++f]);
            std::vector<std::string> each;
            for (const std::string& v : values) {
                for (std::size_t at = 0; at <= v.size();) {
                    const std::size_t comma = std::min(v.find(',', at), v.size());
                    if (const std::string_view one = trim(std::string_view(v).substr(at, comma - at)); !one.empty()) each.emplace_back(one);
                    at = comma + 1;
                }
            }
            if (each.empty()) return said + ", whose shareable configs pgfence does not see: what they run is not known";
            for (const std::string& e : each) {
                const auto path = local_path(e) ? join_folder(here, e) : std::nullopt;
                const auto text = path ? this->text(*path) : std::nullopt;
                if (!text) {
                    return said + ": it extends " + printable(e) + (local_path(e) ? ", which pgfence does not find" : ", a package pgfence does not read") +
                           ": what it runs is not known";
                }
                if (std::string why = read_config(*path, *text, 1, 1); !why.empty()) return why;
            }
        }
        for (const std::string& path : files) {
            const auto text = this->text(path);
            if (!text) continue;
            if (std::string w = read_config(path, *text, 1, 0); !w.empty()) return w;
        }
        if (const auto pj = text(at + "package.json")) {
            if (const auto object = package_json_object(*pj, release_it ? "release-it" : "release")) {
                if (std::string w = read_config(at + "package.json", object->first, object->second, 0); !w.empty()) return w;
            }
        }
        return "";
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze::tools::deploy_detail
