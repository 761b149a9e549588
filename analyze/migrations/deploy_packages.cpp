#include "analyze/migrations/deploy_packages.hpp"

#include <algorithm>

#include "analyze/base/text_lines.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/psql_files.hpp"

namespace pgfence::analyze::tools::deploy_detail {
namespace {


// A package manager's flags that take a value: the value is no verb or script name.
bool value_flag(std::string_view w) {
    for (std::string_view f : {"--prefix", "-C", "--dir", "--cwd", "-w", "--workspace", "--filter", "-F"}) {
        if (w == f) return true;
    }
    return false;
}

}  // namespace

std::vector<Script> package_scripts(std::string_view text) {
    std::vector<Script> out;
    bool in_scripts = false;
    int depth = 0;
    each_line(text, [&](int n, std::string_view l) {
        if (!in_scripts) {
            const std::size_t s = l.find("\"scripts\"");
            if (s == std::string_view::npos) return;
            in_scripts = true;
            depth = 0;
            l = l.substr(s + 9);
        }
        // Each "name": "command" pair of the line (a one-line package.json holds them all).
        for (std::size_t i = 0; i < l.size();) {
            const char c = l[i];
            if (c == '{') {
                ++depth;
                ++i;
            } else if (c == '}') {
                if (--depth <= 0) {
                    in_scripts = false;
                    break;
                }
                ++i;
            } else if (c == '"') {
                auto str = [&](std::size_t from, std::size_t& end) {
                    std::string v;
                    std::size_t j = from + 1;
                    for (; j < l.size() && l[j] != '"'; ++j) {
                        if (l[j] == '\\' && j + 1 < l.size()) ++j;
                        v += l[j];
                    }
                    end = std::min(j + 1, l.size());
                    return v;
                };
                std::size_t end = 0;
                std::string name = str(i, end);
                std::size_t j = end;
                while (j < l.size() && (l[j] == ' ' || l[j] == '\t')) ++j;
                if (j < l.size() && l[j] == ':') {
                    ++j;
                    while (j < l.size() && (l[j] == ' ' || l[j] == '\t')) ++j;
                    if (j < l.size() && l[j] == '"') {
                        std::string command = str(j, end);
                        if (depth == 1 && out.size() < 4096) out.push_back(Script{n, std::move(name), std::move(command)});
                        i = end;
                        continue;
                    }
                }
                i = end;
            } else {
                ++i;
            }
        }
    });
    return out;
}

std::vector<ScriptRun> scripts_run(const std::vector<std::string>& words, const std::vector<std::string>* patterns) {
    std::vector<ScriptRun> out;
    std::optional<std::string> folder, workspace;
    bool every = false;
    auto run = [&](std::size_t at, std::string name) {
        ScriptRun r{std::move(name), {}, folder, workspace, every};
        for (std::size_t a = at + 1, n = 0; a < words.size() && n < 64; ++a, ++n) {
            if (words[a] == "--") continue;
            r.args += (r.args.empty() ? "" : " ") + words[a];
        }
        out.push_back(std::move(r));
    };
    auto skip_flags = [&](std::size_t v) {
        while (v < words.size() && flag_word(words[v])) v += value_flag(words[v]) ? 2 : 1;
        return v;
    };
    // (To the last word: `npx semantic-release` is a release tool's whole command.)
    for (std::size_t k = 0; k < words.size(); ++k) {
        const std::string pm = tool_word(words[k]);
        // npm-run-all's programs run the package's scripts by name or glob (npm-run-all
        // docs/npm-run-all.md: `npm-run-all [tasks] [OPTIONS]`, `run-s`, `run-p`; --max-parallel and
        // --npm-path take a value; the arguments after `--` fill the tasks' placeholders). The tasks
        // are read from the words as glob patterns (`'db:{reset,seed}'` is one task).
        if ((pm == "npm-run-all" || pm == "run-s" || pm == "run-p") && out.size() < 64) {
            const std::vector<std::string>* tasks = &words;
            std::size_t from = k + 1;
            if (patterns) {
                const auto at = std::find_if(patterns->begin(), patterns->end(), [&](const std::string& w) { return tool_word(w) == pm; });
                if (at != patterns->end()) {
                    tasks = patterns;
                    from = static_cast<std::size_t>(at - patterns->begin()) + 1;
                }
            }
            for (std::size_t t = from; t < tasks->size() && (*tasks)[t] != "--" && out.size() < 64; ++t) {
                if ((*tasks)[t] == "--max-parallel" || (*tasks)[t] == "--npm-path") ++t;
                else if (!flag_word((*tasks)[t])) out.push_back(ScriptRun{(*tasks)[t], {}, {}, {}, false, true});
            }
            break;
        }
        // concurrently's `npm:NAME` (also yarn:, pnpm:, bun:) runs the script NAME; a `*` in it
        // matches any part of a name (concurrently README, "npm:watch-*").
        if (pm == "concurrently") {
            for (std::size_t t = k + 1; t < words.size() && out.size() < 64; ++t) {
                for (std::string_view p : {"npm:", "yarn:", "pnpm:", "bun:"}) {
                    if (words[t].starts_with(p) && words[t].size() > p.size()) {
                        std::string name = words[t].substr(p.size());
                        // concurrently's `*` crosses `:` (its wildcard is any characters): npm-run-all's `**`.
                        for (std::size_t star = name.find('*'); star != std::string::npos; star = name.find('*', star + 2)) {
                            if (star + 1 >= name.size() || name[star + 1] != '*') name.insert(star, "*");
                        }
                        out.push_back(ScriptRun{std::move(name), {}, {}, {}, false, true});
                    }
                }
            }
        }
        // lerna publish / version, changeset publish: lifecycle scripts in each package.
        if (out.size() < 64 && release_tool_runs(words, k, out)) break;
        if (k + 1 >= words.size()) break;
        if (pm != "npm" && pm != "yarn" && pm != "pnpm" && pm != "bun") continue;
        // Where it runs: the package manager's flags anywhere before `--` (npm reads -w after the
        // script's name too: docs.npmjs.com/cli/commands/npm-run-script, "workspace").
        folder.reset();
        workspace.reset();
        every = false;
        for (std::size_t f = k + 1; f < words.size() && words[f] != "--"; ++f) {
            const std::string_view w = words[f];
            const std::size_t eq = w.find('=');
            const std::string_view key = w.substr(0, eq);
            std::optional<std::string> value;
            if (eq != std::string_view::npos) value = std::string(w.substr(eq + 1));
            else if (value_flag(w) && f + 1 < words.size()) value = words[f + 1];
            if ((pm == "npm" && (w == "--workspaces" || w == "-ws")) || (pm == "pnpm" && (w == "--recursive" || w == "-r"))) every = true;
            if (!value || !key.starts_with("-")) continue;
            if (key == "--prefix" || key == "-C" || key == "--dir" || key == "--cwd") folder = value;
            else if (key == "-w" || key == "--workspace" || key == "--filter" || key == "-F") workspace = value;
        }
        std::size_t v = skip_flags(k + 1);
        if (v >= words.size()) continue;
        if (pm == "yarn" && words[v] == "workspace" && v + 2 < words.size()) {
            workspace = words[v + 1];
            v += 2;
            if (words[v] == "run") ++v;
            if (v < words.size()) run(v, words[v]);
            continue;
        }
        // npm's command as npm reads it (`rum`, `urn`, `run-script`, `t`, `tst`, `run-scr`): run takes
        // the script's name; test, start, stop and restart run their lifecycle script (npm
        // lib/lifecycle-cmd.js: `npm.exec('run', [name, ...args])`), as pnpm's do (pnpm.io/cli/test:
        // aliases t, tst) and yarn's.
        // npm's options that take a value (`--loglevel silent`, `--script-shell bash`): a word that is
        // no npm command after an option without `=` is its value.
        while (pm == "npm" && npm_command(words[v]).empty() && v > k + 1 && flag_word(words[v - 1]) &&
               words[v - 1].find('=') == std::string::npos && v + 1 < words.size()) {
            v = skip_flags(v + 1);
            if (v >= words.size()) break;
        }
        if (v >= words.size()) continue;
        const std::string command = pm == "npm"                                ? npm_command(words[v])
                                    : words[v] == "t" || words[v] == "tst"     ? std::string("test")
                                    : words[v] == "run-script"                 ? std::string("run")
                                                                               : words[v];
        // pack, publish, version: their lifecycle scripts (deploy_lifecycle.cpp).
        if (lifecycle_runs(pm, command, words, v, folder, workspace, every, out)) continue;
        if (command == "start" || command == "restart" || command == "stop" || command == "test") {
            run(v, command);
            continue;
        }
        // npm install-test and install-ci-test install (its scripts are deploy_name's), then test.
        if (command == "install-test" || command == "install-ci-test") {
            run(v, "test");
            continue;
        }
        if (command == "run") {
            v = skip_flags(v + 1);
            if (v < words.size()) {
                run(v, words[v]);
                if (pm == "pnpm" && words[v].size() > 1 && words[v].front() == '/' && words[v].back() == '/') out.back().regex = true;
            }
        } else if (pm == "yarn" || pm == "pnpm") {
            // Their own commands (Yarn's `yarn npm audit`, `yarn workspaces foreach`), not scripts.
            static const std::vector<std::string_view> own = {"install", "add", "remove", "exec", "dlx", "build", "why", "workspace", "i",
                                                              "npm", "workspaces", "up", "upgrade", "set", "config", "plugin", "info", "pack", "patch",
                                                              "unplug", "version", "cache", "link", "unlink", "dedupe", "audit", "outdated", "store"};
            if (std::find(own.begin(), own.end(), words[v]) == own.end()) run(v, words[v]);
        }
    }
    return out;
}

std::vector<ScriptRun> scripts_run_in(std::string_view command) {
    std::vector<ScriptRun> out;
    std::vector<std::vector<std::string>> patterns;
    const auto commands = simple_commands(command, &patterns);
    for (std::size_t i = 0; i < commands.size() && out.size() < 64; ++i) {
        for (auto& run : scripts_run(commands[i], i < patterns.size() ? &patterns[i] : nullptr)) out.push_back(std::move(run));
    }
    return out;
}

std::string PackageScripts::why(const std::string& name) {
    const auto it = m_by_name.find(name);
    if (it == m_by_name.end()) return "";
    const std::size_t i = it->second;
    if (m_why[i]) return *m_why[i];
    // Being worked out (a script that runs itself, or scripts that run each other): nothing more
    // here, but a clean answer that met one is not kept (what the rest of the cycle runs may not be known yet).
    if (m_busy[i]) {
        ++m_cycles;
        return "";
    }
    if (m_depth >= 32) return "it runs scripts that run scripts past pgfence's limit (32 deep): what the last ones run is not known";
    // A script met again in a cycle is worked out again: past 256K such visits, say so.
    if (m_visits == 0) return "it runs scripts that run each other past pgfence's limit for following them: what they run is not known";
    --m_visits;
    // What its own command says, and the scripts of this package it runs, read once.
    if (!m_own[i]) {
        const std::string& command = m_scripts[i].command;
        std::string own = destructive_command(command);
        if (own.empty()) own = unread_settings_command(command);
        for (const auto& words : own.empty() ? simple_commands(command) : std::vector<std::vector<std::string>>{}) {
            if (workspace_run) {
                if (auto w = workspace_run(words)) {
                    if (w->empty()) continue;
                    own = std::move(*w);
                    break;
                }
            }
            if (std::string w = task_runner_unknown(words); !w.empty()) {
                own = std::move(w);
                break;
            }
            const std::string n = lower(name);
            if (program_run && !n.starts_with("start") && !n.starts_with("serve")) {
                if (std::string w = program_run(words); !w.empty()) {
                    own = std::move(w);
                    break;
                }
            }
        }
        m_own[i] = std::move(own);
        std::erase_if(m_runs[i] = scripts_run_in(command), [](const ScriptRun& r) { return r.folder || r.workspace || r.every; });
    }
    std::string result = *m_own[i];
    // The scripts of this package it runs in turn (`"deploy": "npm run db:prepare"`); another
    // package's (--prefix, a workspace) are the caller's to follow.
    const std::size_t cycles = m_cycles;
    if (result.empty()) {
        ++m_depth;
        m_busy[i] = 1;
        for (const ScriptRun& run : m_runs[i]) {
            if (std::string w = why(run); !w.empty()) {
                result = "it runs the script " + printable(run.name) + ": " + w;
                break;
            }
        }
        m_busy[i] = 0;
        --m_depth;
    }
    if (!result.empty() || m_cycles == cycles) m_why[i] = result;
    return result;
}

// What `npm run NAME ARGS` runs (npm lib/commands/run.js #run): pre<NAME>, NAME with the arguments,
// post<NAME> (the hooks without them); `restart` with no such script runs `npm stop --if-present &&
// npm start`. Yarn classic runs the hooks too, pnpm with enable-pre-post-scripts (pnpm.io/cli/run;
// pnpm/pnpm#2891), Yarn 2 and later not: which one a deploy uses is not known, so they count.
std::string PackageScripts::event_why(const std::string& name, const std::string& args) {
    for (const char* hook : {"pre", "post"}) {
        if (const std::string w = why(hook + name); !w.empty()) {
            return "npm runs its " + std::string(hook) + " script " + printable(hook + name) + " with it: " + w;
        }
    }
    if (name == "restart" && !m_by_name.contains(name)) {
        for (const char* step : {"stop", "start"}) {
            if (const std::string w = event_why(step, ""); !w.empty()) {
                return "with no restart script npm restart runs stop and start, and " + std::string(step) + ": " + w;
            }
        }
        return "";
    }
    const std::string plain = why(name);
    if (!plain.empty() || args.empty() || m_with_args >= 64) return plain;
    const auto it = m_by_name.find(name);
    if (it == m_by_name.end()) return plain;
    ++m_with_args;
    return destructive_command(m_scripts[it->second].command + " " + args);
}

std::string PackageScripts::why(const ScriptRun& run) {
    if (run.runner && run.name.find_first_of("$`") != std::string::npos) {
        return "it runs package.json scripts by a computed name (" + printable(run.name) + "): which scripts run (the down direction, a reset) is not known";
    }
    if (run.regex) {
        return "it runs the package.json scripts the regular expression " + printable(run.name) + " matches (pnpm run /regex/), "
               "which pgfence does not match: which scripts run is not known";
    }
    // A glob of names (`db:*`, `db:{reset,seed}`, `db:[r]eset`): the scripts it matches, the first that hides something.
    if (run.runner && run.name.find_first_of("*?[]{}()") != std::string::npos) {
        const ScriptPattern pattern(run.name);
        if (!pattern.ok()) {
            return "it runs package.json scripts by the pattern " + printable(run.name) + ", whose syntax pgfence does not match as "
                   "npm-run-all does: which scripts run (the down direction, a reset) is not known";
        }
        for (const Script& s : m_scripts) {
            // Each match costs the pattern's length times the name's: past 16M steps a package's
            // globs are not matched, and say so.
            const std::size_t cost = (pattern.size() + 1) * (std::min<std::size_t>(s.name.size(), 256) + 1);
            if (cost > m_glob_budget) {
                return "it runs package.json scripts by the pattern " + printable(run.name) + ", past pgfence's limit for matching patterns: "
                       "which scripts run is not known";
            }
            m_glob_budget -= cost;
            if (!pattern.matches(s.name)) continue;
            if (const std::string w = event_why(s.name, ""); !w.empty()) return "its pattern " + printable(run.name) + " matches the script " + printable(s.name) + ": " + w;
        }
        return "";
    }
    // A name (npm-run-all's own `restart` among them, lib/match-tasks.js: run as `npm run restart`).
    return event_why(run.name, run.args);
}


std::optional<std::string> join_folder(std::string_view folder, std::string_view rel) {
    if (rel.empty() || rel.front() == '/' || rel.front() == '~' || rel.find('$') != std::string_view::npos || rel.find('`') != std::string_view::npos) {
        return std::nullopt;
    }
    std::vector<std::string> parts;
    auto add = [&](std::string_view p) {
        for (std::size_t at = 0; at <= p.size();) {
            const std::size_t slash = std::min(p.find('/', at), p.size());
            const std::string_view part = p.substr(at, slash - at);
            at = slash + 1;
            if (part.empty() || part == ".") continue;
            if (part == "..") {
                if (parts.empty()) return false;
                parts.pop_back();
            } else {
                parts.emplace_back(part);
            }
        }
        return true;
    };
    if (!add(folder) || !add(rel)) return std::nullopt;
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
    return out;
}

// The top-level "name" of a package.json (depth 1 only: a nested "name" is another's).
std::string package_name(std::string_view text) {
    int depth = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '{' || c == '[') ++depth;
        else if (c == '}' || c == ']') --depth;
        else if (c == '"') {
            std::size_t j = i + 1;
            while (j < text.size() && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
            if (j >= text.size()) return "";
            const std::string_view key = text.substr(i + 1, j - i - 1);
            std::size_t k = j + 1;
            while (k < text.size() && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r')) ++k;
            if (depth == 1 && key == "name" && k < text.size() && text[k] == ':') {
                ++k;
                while (k < text.size() && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r')) ++k;
                if (k >= text.size() || text[k] != '"') return "";
                const std::size_t end = text.find('"', k + 1);
                return end == std::string_view::npos ? "" : std::string(text.substr(k + 1, end - k - 1));
            }
            i = j;
        }
    }
    return "";
}

std::vector<std::string> json_strings(std::string_view text, std::size_t open) {
    std::vector<std::string> out;
    const std::size_t close = open == std::string_view::npos ? open : text.find(']', open);
    if (close == std::string_view::npos) return out;
    const std::string_view list = text.substr(open + 1, close - open - 1);
    for (std::size_t q = list.find('"'); q != std::string_view::npos && out.size() < 64;) {
        const std::size_t e = list.find('"', q + 1);
        if (e == std::string_view::npos) break;
        out.emplace_back(list.substr(q + 1, e - q - 1));
        q = list.find('"', e + 1);
    }
    return out;
}

// The workspace patterns of a root: package.json "workspaces" (an array, or {"packages": [...]},
// docs.npmjs.com/cli/using-npm/workspaces, Yarn's) and pnpm-workspace.yaml's `packages:` list.
std::vector<std::string> workspace_patterns(std::string_view package_json, std::string_view pnpm_yaml) {
    std::vector<std::string> out;
    if (const std::size_t w = package_json.find("\"workspaces\""); w != std::string_view::npos) out = json_strings(package_json, package_json.find('[', w));
    bool in_packages = false;
    for (const auto& l : logical_lines(pnpm_yaml, true)) {
        std::string_view t = l.text;
        if (!t.empty() && t.front() != ' ' && t.front() != '-') in_packages = t.starts_with("packages:");
        if (!in_packages || out.size() >= 64) continue;
        while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
        if (!t.starts_with("-")) continue;
        t.remove_prefix(1);
        while (!t.empty() && (t.front() == ' ' || t.front() == '"' || t.front() == '\'')) t.remove_prefix(1);
        while (!t.empty() && (t.back() == ' ' || t.back() == '"' || t.back() == '\'' || t.back() == '\r')) t.remove_suffix(1);
        if (!t.empty()) out.emplace_back(t);
    }
    return out;
}

}  // namespace pgfence::analyze::tools::deploy_detail
