#include "analyze/migrations/deploy_scripts.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>
#include <utility>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/deploy_packages.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/settings_surface.hpp"

namespace pgfence::analyze::tools {
namespace deploy_detail {

std::size_t past_wrappers(const std::vector<std::string>& words, std::size_t k) {
    // Each wrapper's options that take a value, and how many words it takes before the command
    // (coreutils timeout DURATION, util-linux flock FILE). `-c` of flock and `-S` of env give a
    // command string, not a command: nothing is followed (npos).
    struct Wrapper {
        std::string_view name;
        std::vector<std::string_view> valued;
        int positional;
    };
    static const std::vector<Wrapper> k_wrappers = {
        {"timeout", {"-s", "--signal", "-k", "--kill-after"}, 1},
        {"nice", {"-n", "--adjustment"}, 0},
        {"ionice", {"-c", "--class", "-n", "--classdata"}, 0},
        {"stdbuf", {"-i", "-o", "-e"}, 0},
        {"flock", {"-w", "--timeout", "-E", "--conflict-exit-code"}, 1},
        {"chronic", {}, 0},
        {"xargs", {"-I", "-n", "-P", "-d", "-E", "-L", "-s", "-a", "--arg-file", "--delimiter", "--max-args", "--max-procs"}, 0},
        {"dotenv", {"-e", "-v", "-p", "-c"}, 0},
        {"cross-env", {}, 0},
        {"cross-env-shell", {}, 0},
        {"env", {"-u", "--unset", "-C", "--chdir"}, 0},
        {"sudo", {"-u", "-g", "-h", "-p", "-C", "-D"}, 0},
        {"doas", {"-u", "-C"}, 0},
        {"exec", {"-a"}, 0},
        {"time", {"-f", "-o"}, 0},
        {"nohup", {}, 0},
        {"command", {}, 0},
        {"builtin", {}, 0},
        {"caffeinate", {}, 0},
    };
    for (int guard = 0; k < words.size() && guard < 16; ++guard) {
        const auto it = std::find_if(k_wrappers.begin(), k_wrappers.end(), [&](const Wrapper& w) { return w.name == words[k]; });
        if (it == k_wrappers.end()) break;
        int positional = it->positional;
        for (++k; k < words.size(); ++k) {
            const std::string_view w = words[k];
            if ((it->name == "flock" && (w == "-c" || w == "--command")) || (it->name == "env" && (w == "-S" || w.starts_with("--split-string")))) return std::string::npos;
            if (w == "--") {
                ++k;
                break;
            }
            if (w.starts_with("-") && w.size() > 1) {
                if (std::find(it->valued.begin(), it->valued.end(), w) != it->valued.end()) ++k;
                continue;
            }
            // `nice -10 cmd` is a flag above; env's and cross-env's NAME=value settings.
            if (const std::size_t eq = w.find('='); eq != std::string_view::npos && eq > 0 &&
                std::all_of(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(eq), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; })) {
                continue;
            }
            if (positional > 0) {
                --positional;
                continue;
            }
            break;
        }
    }
    return k;
}

std::size_t program_index(const std::vector<std::string>& words) {
    std::size_t k = 0;
    auto upper = [](std::string_view w) {
        return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; });
    };
    // The YAML keys whose value is a command line (a workflow's run, a compose service's command
    // or entrypoint, GitLab's script lists); any other key's value is data (`images:
    // registry/x`, `file: ./Dockerfile`, a paths filter's `- '**/Cargo.toml'`), no command.
    static const std::set<std::string_view> k_command_keys = {"run:", "command:", "entrypoint:", "script:", "before_script:", "after_script:",
                                                              "cmd:", "exec:", "build:", "deploy:", "release:", "web:", "worker:",
                                                              // render.yaml (render.com/docs/blueprint-spec), railway.json's deploy
                                                              // (docs.railway.com/reference/config-as-code), app.json's scripts
                                                              // (devcenter.heroku.com/articles/app-json-schema), Azure Pipelines' bash step.
                                                              "preDeployCommand:", "startCommand:", "buildCommand:", "postdeploy:",
                                                              "pr-predestroy:", "bash:"};
    static const std::set<std::string_view> k_toml_command_keys = {"release_command", "cmd", "command", "preDeployCommand", "startCommand",
                                                                   "buildCommand"};
    for (; k < words.size(); ++k) {
        const std::string_view w = words[k];
        if (w.ends_with(":") && w.size() > 1 && !upper(w.substr(0, w.size() - 1))) {
            if (!k_command_keys.contains(w)) return std::string::npos;
            continue;
        }
        // A YAML list item that is a quoted scalar (`- '**/Cargo.toml'`): data.
        if (w == "-" && k + 1 < words.size() && (words[k + 1].starts_with("'") || words[k + 1].starts_with("\""))) return std::string::npos;
        // `NAME=` whose value the shell split off as the next word (`T=${GITHUB_REF#refs/*/}`).
        if (w.ends_with("=") && w.size() > 1 && std::all_of(w.begin(), w.end() - 1, [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; })) {
            ++k;
            continue;
        }
        // A Dockerfile's instructions: only RUN, CMD and ENTRYPOINT run a command (COPY . . copies).
        if (upper(w) && w.size() > 1 && w != "RUN" && w != "CMD" && w != "ENTRYPOINT" && k == 0) return std::string::npos;
        if (w == "-" || w.ends_with(":") || upper(w)) continue;
        // A platform's TOML key (fly.toml `release_command = "./bin/release"`, railway.toml `startCommand = ...`).
        if (k + 1 < words.size() && words[k + 1] == "=" && k_toml_command_keys.contains(w)) {
            ++k;
            continue;
        }
        if (w.find('=') != std::string_view::npos && !w.starts_with("-") && w.find('/') == std::string_view::npos) continue;
        // `NAME=value`, a shell's assignment word whatever its value holds (`DIR=${X:-$ROOT/work}`).
        if (const std::size_t eq = w.find('='); eq != std::string_view::npos && eq > 0 &&
            std::all_of(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(eq), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; })) {
            continue;
        }
        break;
    }
    return past_wrappers(words, k);
}

namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

}  // namespace

Variables literal_variables(std::string_view text, bool make) {
    std::unordered_map<std::string, std::optional<std::string>> seen;
    auto note = [&](std::string_view name, std::string_view value, bool literal) {
        if (seen.size() >= 256 && !seen.contains(std::string(name))) return;
        auto [it, fresh] = seen.try_emplace(std::string(name), std::string(value));
        // Set twice (to another value), or to what the shell or make computes: not one literal.
        if (!literal || (!fresh && it->second != std::optional<std::string>(std::string(value)))) it->second.reset();
    };
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        at = nl == std::string_view::npos ? text.size() : nl + 1;
        if (make) {
            // GNU make's `NAME = value`, `:=`, `::=` (make manual, "Setting Variables"); `?=` and `+=`
            // take the environment's or add to it, `!=` runs a command: not a literal.
            while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
            for (std::string_view p : {"export ", "override "}) {
                if (l.starts_with(p)) l.remove_prefix(p.size());
            }
            std::size_t e = 0;
            while (e < l.size() && name_char(l[e])) ++e;
            if (e == 0) continue;
            std::size_t op = e;
            while (op < l.size() && (l[op] == ' ' || l[op] == '\t')) ++op;
            std::string_view rest = l.substr(op);
            std::size_t skip = rest.starts_with("=") ? 1 : rest.starts_with(":=") ? 2 : rest.starts_with("::=") ? 3 : 0;
            const bool other = rest.starts_with("?=") || rest.starts_with("+=") || rest.starts_with("!=");
            if (skip == 0 && !other) continue;
            std::string_view v = rest.substr(other ? 2 : skip);
            if (const std::size_t hash = v.find('#'); hash != std::string_view::npos) v = v.substr(0, hash);
            while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
            while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.remove_suffix(1);
            // A justfile's `name := "value"`: the quotes are the string's.
            if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
            note(l.substr(0, e), v, !other && v.find_first_of("$`") == std::string_view::npos);
            continue;
        }
        // A shell's `NAME=value` at a command's start (after a blank, `;`, `&`, `|`, `(`).
        for (std::size_t i = 0; i < l.size(); ++i) {
            if ((i > 0 && std::string_view(" \t;&|(").find(l[i - 1]) == std::string_view::npos) || !(std::isalpha(static_cast<unsigned char>(l[i])) || l[i] == '_')) continue;
            std::size_t e = i;
            while (e < l.size() && name_char(l[e])) ++e;
            if (e >= l.size() || l[e] != '=') {
                i = e;
                continue;
            }
            std::size_t v = e + 1;
            std::size_t end = v;
            bool literal = true;
            if (v < l.size() && (l[v] == '"' || l[v] == '\'')) {
                end = l.find(l[v], v + 1);
                if (end == std::string_view::npos) end = l.size();
                const std::string_view inner = l.substr(v + 1, end - v - 1);
                literal = l[v] == '\'' || inner.find_first_of("$`\\") == std::string_view::npos;
                note(l.substr(i, e - i), inner, literal);
                i = end;
                continue;
            }
            while (end < l.size() && std::string_view(" \t;&|").find(l[end]) == std::string_view::npos) ++end;
            const std::string_view value = l.substr(v, end - v);
            note(l.substr(i, e - i), value, value.find_first_of("$`\\\"'(") == std::string_view::npos);
            i = end;
        }
    }
    Variables out;
    for (auto& [name, value] : seen) {
        if (value) out.emplace(name, std::move(*value));
    }
    return out;
}

std::string with_variables(std::string_view line, const Variables& vars, bool make) {
    std::string out;
    // At most a few times the line: a value repeated past that is left as the reference.
    const std::size_t most = 4 * line.size() + 4096;
    for (std::size_t i = 0; i < line.size(); ++i) {
        // A justfile's `{{name}}` (just manual, "Variables and Substitution").
        if (make && line[i] == '{' && i + 1 < line.size() && line[i + 1] == '{' && out.size() <= most) {
            if (const std::size_t close = line.find("}}", i + 2); close != std::string_view::npos) {
                std::string_view name = line.substr(i + 2, close - i - 2);
                while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
                while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
                if (const auto it = vars.find(std::string(name)); it != vars.end()) {
                    out += it->second;
                    i = close + 1;
                    continue;
                }
            }
        }
        if (line[i] != '$' || i + 1 >= line.size() || out.size() > most || (!make && line[i + 1] == '(')) {
            out += line[i];
            continue;
        }
        if (make && line[i + 1] == '$') {  // make's `$$`: a `$` the shell gets
            out += "$$";
            ++i;
            continue;
        }
        std::size_t from = i + 1;
        std::size_t to = from;
        std::size_t after = from;
        if (line[from] == '(' || line[from] == '{') {
            const char close = line[from] == '(' ? ')' : '}';
            to = line.find(close, from + 1);
            if (to == std::string_view::npos) {
                out += line[i];
                continue;
            }
            after = to + 1;
            ++from;
        } else {
            // make's `$X` is the one-letter X; the shell's `$NAME` runs to the name's end.
            while (to < line.size() && name_char(line[to]) && (!make || to == from)) ++to;
            after = to;
        }
        const std::string name(line.substr(from, to - from));
        const auto it = vars.find(name);
        // make's own MAKE runs make again (make manual, "How the MAKE Variable Works").
        if (make && name == "MAKE") {
            out += "make";
        } else if (it != vars.end()) {
            out += it->second;
        } else {
            out += line[i];
            continue;
        }
        i = after - 1;
    }
    return out;
}

std::vector<JsonCommand> json_commands(std::string_view text) {
    std::vector<JsonCommand> out;
    for (std::string_view key : {"\"postdeploy\"", "\"pr-predestroy\"", "\"preDeployCommand\"", "\"startCommand\"", "\"buildCommand\""}) {
        for (std::size_t at = text.find(key); at != std::string_view::npos && out.size() < 64; at = text.find(key, at + 1)) {
            std::size_t i = at + key.size();
            while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
            if (i >= text.size() || text[i] != ':') continue;
            ++i;
            std::string command;
            bool list = false;
            for (; i < text.size(); ++i) {
                const char c = text[i];
                if (c == '[') list = true;
                else if (c == '"') {
                    // One JSON string (an argv item joined by a blank); escapes kept as the shell reads them.
                    std::size_t j = i + 1;
                    while (j < text.size() && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
                    command += (command.empty() ? "" : " ") + std::string(text.substr(i + 1, std::min(j, text.size()) - i - 1));
                    i = j;
                    if (!list) break;
                } else if (c == ']' || (!list && c != ' ' && c != '\t' && c != '\n' && c != '\r')) {
                    break;
                }
            }
            if (!command.empty()) out.push_back(JsonCommand{1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n')), command});
        }
    }
    return out;
}

std::optional<std::string> copied_source(std::string_view dockerfile, std::string_view path, std::string_view script, const ReadFile& read) {
    const std::string_view name = script.substr(script.rfind('/') == std::string_view::npos ? 0 : script.rfind('/') + 1);
    if (name.empty() || !read) return std::nullopt;
    for (const auto& l : logical_lines(dockerfile, false)) {
        const auto cmds = simple_commands(l.text);
        if (cmds.empty()) continue;
        std::vector<std::string> words = cmds.front();
        if (words.size() < 3 || (lower(words[0]) != "copy" && lower(words[0]) != "add")) continue;
        std::erase_if(words, [](const std::string& w) { return w.starts_with("--"); });
        if (words.size() != 3) continue;  // one source: a file, or a folder the name is in
        const std::string& to = words[2];
        const bool into = to.ends_with("/");
        if (!(script.starts_with("/") ? to == script || (into && to + std::string(name) == script) : to.ends_with("/" + std::string(name)) || into)) continue;
        // The build's context: the top (`docker build .`), or the Dockerfile's folder (a Docker action's).
        for (const std::string& base : {std::string(), std::string(path_folder(path))}) {
            std::string from = repository_path(base, words[1]);
            if (!from.empty() && read(from)) return from;
            if (into && !from.empty() && read(from + "/" + std::string(name))) return from + "/" + std::string(name);
        }
    }
    return std::nullopt;
}

std::string job_environment_command(std::string_view line, const std::vector<std::string>& words) {
    // bash reads the file BASH_ENV names before a non-interactive script, sh (POSIX) the one ENV
    // names (bash manual, "Bash Startup Files"): code before every command of the job (red team R82a B10).
    for (std::size_t k = 0; k < words.size(); ++k) {
        const std::string_view w = words[k];
        for (std::string_view v : {"BASH_ENV", "ENV"}) {
            if (w == std::string(v) + ":" || w.starts_with(std::string(v) + "=") || (w == v && k > 0 && words[k - 1] == "export")) {
                return "this line sets " + std::string(v) + ", a file the shell runs before each command: pgfence does not read it, so what "
                       "it sets (NODE_OPTIONS, a PATH) and runs before the migration tool is not known";
            }
        }
    }
    // A workflow step's `shell:` other than a plain interpreter and {0} (docs.github.com, "jobs.<job_id>.steps[*].shell"):
    // `bash --rcfile deploy/rc -i {0}` runs a repository file first.
    if (!words.empty() && words[0] == "shell:" && words.size() > 2) {
        static const std::set<std::string_view> k_programs = {"bash", "sh", "pwsh", "python", "powershell", "cmd"};
        bool plain = k_programs.contains(words[1]);
        for (std::size_t k = 2; k < words.size() && plain; ++k) {
            const std::string_view w = words[k];
            plain = w == "{0}" || w == "0" || w == "pipefail" || w == "errexit" || (w.starts_with("-") && w != "--rcfile" && w != "--init-file");
        }
        if (!plain) {
            return "this step's shell is `" + printable(line.substr(line.find("shell:") + 6)) + "`, not a plain interpreter: the files it "
                   "reads first (an rcfile) set what the commands run, which pgfence does not read";
        }
    }
    // A write to $GITHUB_ENV or $GITHUB_PATH (docs.github.com, workflow commands "Setting an environment
    // variable", "Adding a system path") whose value a file or a command gives, or a PATH the
    // repository's folders lead: the later steps' environment, or the programs they find, are the repository's.
    const bool github_env = line.find("GITHUB_ENV") != std::string_view::npos;
    const bool github_path = line.find("GITHUB_PATH") != std::string_view::npos;
    if ((github_env || github_path) && line.find(">>") != std::string_view::npos) {
        const std::string_view value = line.substr(0, line.find(">>"));
        const bool computed = value.find("$(") != std::string_view::npos || value.find('`') != std::string_view::npos ||
                              value.find('<') != std::string_view::npos || value.find("cat ") != std::string_view::npos ||
                              value.find('|') != std::string_view::npos;
        const bool repository = value.find("GITHUB_WORKSPACE") != std::string_view::npos || value.find("$PWD") != std::string_view::npos ||
                                value.find("./") != std::string_view::npos || value.find("${{ github.workspace") != std::string_view::npos;
        // The folder echoed: one of the runner's (`/opt/x/bin`, `$HOME/.local/bin`) is no repository folder.
        std::string_view echoed = value.find("echo ") == std::string_view::npos ? std::string_view() : value.substr(value.find("echo ") + 5);
        while (!echoed.empty() && (echoed.front() == ' ' || echoed.front() == '"' || echoed.front() == '\'')) echoed.remove_prefix(1);
        const bool runner = echoed.starts_with("/") || echoed.starts_with("$HOME") || echoed.starts_with("~") || echoed.starts_with("$RUNNER_") ||
                            echoed.starts_with("${HOME}") || echoed.starts_with("${RUNNER_") || echoed.starts_with("$GOPATH") || echoed.starts_with("${{ runner.");
        if (computed || (github_path && (repository || !runner))) {
            return std::string("this line writes ") + (github_path ? "$GITHUB_PATH" : "$GITHUB_ENV") + " from " +
                   (computed ? "a file or a command" : "the repository's folders") +
                   ": the later steps' environment or the programs they run are not known to pgfence";
        }
    }
    for (std::size_t k = 0; k < words.size(); ++k) {
        const std::string_view w = words[k];
        if (!w.starts_with("PATH=") && !(w == "PATH" && k > 0 && words[k - 1] == "ENV")) continue;
        const std::string_view v = w == "PATH" ? (k + 1 < words.size() ? std::string_view(words[k + 1]) : std::string_view()) : w.substr(5);
        if (v.find_first_of("*^[") != std::string_view::npos) continue;  // a pattern (`grep -q "PATH=.*$DIR"`), no assignment
        if (v.find("$PWD") != std::string_view::npos || v.find("GITHUB_WORKSPACE") != std::string_view::npos || v.find("$(pwd)") != std::string_view::npos ||
            v.starts_with("./") || v.find(":./") != std::string_view::npos || v.starts_with("$(") || (!v.empty() && v.front() != '/' && v.front() != '$')) {
            return "this line puts a folder of the repository on PATH (`" + printable(w) + "`): a program there runs in place of the one "
                   "a later command names (node, npx), which pgfence does not read as such";
        }
    }
    return "";
}

std::string script_word(const std::vector<std::string>& words) {
    std::size_t k = program_index(words);
    if (k >= words.size()) return "";
    std::string_view w = words[k];
    if (w == "bash" || w == "sh" || w == "zsh" || w == "dash" || w == "ksh" || w == "source" || w == ".") {
        for (++k; k < words.size() && (words[k].starts_with("-") || words[k].starts_with("+")); ++k) {
            if (!words[k].starts_with("--") && words[k].find('c') != std::string::npos) return "";  // -c: a command string
            // Options with a value (bash manual, "Invoking Bash": -o option, -O shopt_option, --rcfile file, --init-file file).
            if (words[k] == "-o" || words[k] == "+o" || words[k] == "-O" || words[k] == "+O" || words[k] == "--rcfile" || words[k] == "--init-file") ++k;
        }
        if (k >= words.size()) return "";
        return words[k];
    }
    // A script an interpreter runs (`node scripts/release.js`, `python3 scripts/release.py`; red team R82a B5): its file.
    static const std::set<std::string_view> k_interpreters = {"node", "tsx", "ts-node", "bun", "deno", "python3", "python", "ruby"};
    if (k_interpreters.contains(w)) {
        for (++k; k < words.size(); ++k) {
            const std::string_view a = words[k];
            if (a == "run" && w == "deno") continue;
            if (a == "-r" || a == "--require" || a == "--import" || a == "--loader" || a == "--experimental-loader" || a == "-m" || a == "-P" ||
                a == "--env-file" || a == "-I") {
                if (a == "-m") return "";  // python -m MODULE: a module, not a file
                ++k;
                continue;
            }
            if (a.starts_with("-")) continue;
            break;
        }
        if (k >= words.size()) return "";
        const std::string_view f = words[k];
        const std::string_view ext = f.rfind('.') == std::string_view::npos ? std::string_view() : f.substr(f.rfind('.') + 1);
        static const std::set<std::string_view> k_exts = {"js", "mjs", "cjs", "ts", "mts", "cts", "py", "rb"};
        if (!k_exts.contains(ext) || f.find("node_modules/") != std::string_view::npos || f.starts_with("-")) return "";
        return std::string(f.find('/') == std::string_view::npos ? "./" + std::string(f) : std::string(f));
    }
    if (w.find('/') == std::string_view::npos) return "";
    // A redirection (`>/dev/null`, `2>/dev/null`) or an npm package's name (`@scope/cli`): no script.
    if (w.front() == '>' || w.front() == '<' || w.front() == '@' || (w.size() > 1 && std::isdigit(static_cast<unsigned char>(w.front())) && w[1] == '>')) return "";
    // A package's or a tool's own program, not the repository's script.
    if (w.find("node_modules/") != std::string_view::npos || w.find("vendor/bin/") != std::string_view::npos) return "";
    // A path in command position that is no script's: an image reference (`repo/name:tag`), a glob
    // of a paths filter (`**/Cargo.toml`), a file of another kind (`$ROOT/nginx.conf`, an array
    // element on its own line), which a reader of lines would take for a command. A script's name
    // has no extension or a script's (.sh, .bash, .js, .ts, .py, .rb, ...).
    if (w.find(':') != std::string_view::npos || w.find('*') != std::string_view::npos || w.find('#') != std::string_view::npos) return "";
    const std::string_view last = w.substr(w.rfind('/') + 1);
    if (const std::size_t dot = last.rfind('.'); dot != std::string_view::npos && dot > 0) {
        static const std::set<std::string_view> k_script_ext = {"sh", "bash", "zsh", "ksh", "js", "mjs", "cjs", "ts", "mts", "cts", "py", "rb",
                                                                "pl", "php", "bats", "run", "command"};
        if (!k_script_ext.contains(last.substr(dot + 1))) return "";
    }
    return std::string(w);
}

namespace {

// The database driver a script loads (`require("pg")`, `import psycopg2`, `require 'pg'`), "" when none.
std::string driver_load(std::string_view file, std::string_view text) {
    const std::string_view ext = file.rfind('.') == std::string_view::npos ? std::string_view() : file.substr(file.rfind('.') + 1);
    if (ext == "js" || ext == "mjs" || ext == "cjs" || ext == "ts" || ext == "mts" || ext == "cts") {
        // psql started through a child process (`execSync(`psql ... -c "DROP TABLE users"`)`): its SQL is not read here.
        for (std::string_view c : {"child_process", "execa", "zx", "shelljs"}) {
            if (text.find(c) != std::string_view::npos && text.find("psql") != std::string_view::npos) return "psql through " + std::string(c);
        }
        for (std::string_view d : {"pg", "postgres", "pg-promise", "knex", "@neondatabase/serverless", "slonik", "kysely", "mikro-orm", "sequelize", "typeorm"}) {
            for (std::string_view q : {"\"", "'"}) {
                const std::string quoted = std::string(q) + std::string(d) + std::string(q);
                if (text.find("require(" + quoted + ")") != std::string_view::npos || text.find("from " + quoted) != std::string_view::npos ||
                    text.find("import(" + quoted + ")") != std::string_view::npos) {
                    return "the driver " + std::string(d);
                }
            }
        }
    } else if (ext == "py") {
        for (std::string_view d : {"import psycopg", "from psycopg", "import asyncpg", "import sqlalchemy", "from sqlalchemy", "import pg8000"}) {
            if (text.find(d) != std::string_view::npos) return "the driver " + std::string(d.substr(d.find(' ') + 1));
        }
    } else if (ext == "rb") {
        for (std::string_view d : {"require 'pg'", "require \"pg\"", "PG.connect", "Sequel.connect"}) {
            if (text.find(d) != std::string_view::npos) return "the driver pg";
        }
    }
    return "";
}

}  // namespace

std::string script_unknown(std::string_view word, std::string_view base, const ReadFile& read, Follow& follow, bool missing_unknown) {
    if (!missing_unknown && word.find_first_of("$`*") != std::string_view::npos) return "";
    if (word.find('$') != std::string_view::npos || word.find('`') != std::string_view::npos || word.find('*') != std::string_view::npos) {
        return "this command runs a script by a computed name (" + printable(word.substr(0, 80)) +
               "), which pgfence does not read: the migration commands in it are not seen";
    }
    if (word.starts_with("/") || word.starts_with("~")) return "";  // the image's or the runner's own program, not the repository's
    const auto top = from_top_path(word);
    const std::string file = top ? *top : repository_path(base, word);
    if (file.empty()) {
        if (!missing_unknown) return "";
        return "this command runs the script " + printable(word.substr(0, 80)) +
               ", outside the repository, which pgfence does not read: the migration commands in it are not seen";
    }
    if (!read || follow.seen.contains(file)) return "";
    if (follow.depth >= k_most_script_depth || follow.scripts >= k_most_scripts || follow.bytes >= k_most_script_bytes) {
        return "this command runs the script " + printable(file) + " past pgfence's limit of " + std::to_string(k_most_script_depth) +
               " nested or " + std::to_string(k_most_scripts) + " scripts: the migration commands in it are not seen";
    }
    follow.seen.insert(file);
    auto text = read(file);
    // Not a file of the repository: one the build makes, or one another step puts there; what it runs is not seen (red team R82a B4).
    if (!text) {
        // Only a path (`bin/release`, not `. .env` or a folder `packages/`), read from a shell's line.
        if (!missing_unknown || word.find('/') == std::string_view::npos || word.ends_with("/")) return "";
        // A compiled JavaScript file (`node dist/index.js`, a .js a tsc build writes beside its .ts): the build's, as before.
        for (std::string_view e : {".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".py", ".rb"}) {
            if (word.ends_with(e)) return "";
        }
        return "this command runs " + printable(file) + ", which is no file of the repository (a build's output, or one a step puts "
               "there): what it runs against the database is not seen";
    }
    ++follow.scripts;
    follow.bytes += text->size();
    if (text->find('\0') != std::string::npos) {
        return "this command runs " + printable(file) + ", a binary file pgfence does not read: the migration commands it runs are not seen";
    }
    // A JavaScript, Python or Ruby script that opens the database itself, through a driver: what it sends is not read (red team R82a B5).
    if (const std::string driver = driver_load(file, *text); !driver.empty()) {
        return "this command runs " + printable(file) + ", which loads " + driver + " and may send SQL itself: pgfence does not read what it "
               "sends, so its statements (a DROP, a TRUNCATE) are not reviewed";
    }
    ++follow.depth;
    std::string caller = std::exchange(follow.base, std::string(base));
    auto found = command_unknowns(file, *text, read, follow, true);
    follow.base = std::move(caller);
    --follow.depth;
    if (found.empty()) return "";
    return "this command runs the script " + printable(file) + ", whose line " + std::to_string(found.front().line) + " says: " + found.front().why;
}

std::string target_unknown(const std::vector<std::string>& words, std::string_view base, const ReadFile& read, Follow& follow) {
    std::size_t k = 0;
    while (k < words.size() && (words[k] == "-" || words[k].ends_with(":") || words[k] == "RUN")) ++k;
    k = past_wrappers(words, k);
    if (k >= words.size() || !read) return "";
    const bool make = words[k] == "make" || words[k] == "gmake";
    if (!make && words[k] != "just") return "";
    std::string folder(base);
    std::string file;
    std::vector<std::string> wanted;
    for (++k; k < words.size(); ++k) {
        const std::string& w = words[k];
        if ((w == "-C" || w == "--directory" || w == "-f" || w == "--file" || w == "--justfile") && k + 1 < words.size()) {
            const std::string v = words[++k];
            if (v.find_first_of("$`") != std::string::npos) return "this command gives " + printable(words[0]) + " a computed file or folder (" + printable(v.substr(0, 80)) + "): the recipe it runs is not read by pgfence";
            if (w == "-C" || w == "--directory") folder = repository_path(folder, v);
            else file = repository_path(folder, v);
            continue;
        }
        if (w.starts_with("-") || w.find('=') != std::string::npos) continue;
        if (w.find_first_of("$`") != std::string::npos) return "this command runs a " + printable(words[0]) + " target by a computed name (" + printable(w.substr(0, 80)) + "): the recipe it runs is not read by pgfence";
        // A test run's target (`make test`, `make e2e`) resets its own database, as an `npm test` does.
        const std::string n = lower(w);
        if (n.starts_with("test") || n.starts_with("spec") || n.starts_with("e2e")) continue;
        if (wanted.size() < 16) wanted.push_back(w);
    }
    if (wanted.empty()) return "";
    std::optional<std::string> text;
    if (file.empty()) {
        const std::vector<std::string_view> names = make ? std::vector<std::string_view>{"GNUmakefile", "makefile", "Makefile"}
                                                         : std::vector<std::string_view>{"justfile", "Justfile", ".justfile"};
        for (std::string_view n : names) {
            const std::string p = folder.empty() ? std::string(n) : folder + "/" + std::string(n);
            if (follow.seen.contains(p)) return "";
            if ((text = read(p))) {
                file = p;
                break;
            }
        }
    } else if (!follow.seen.contains(file)) {
        text = read(file);
    }
    if (!text || follow.seen.contains(file) || follow.depth >= k_most_script_depth || follow.scripts >= k_most_scripts) return "";
    follow.seen.insert(file);
    ++follow.scripts;
    follow.bytes += text->size();
    // Read as the file is (its targets), its helper-named targets kept.
    ++follow.depth;
    const bool keep = std::exchange(follow.keep_helpers, true);
    auto found = command_unknowns(file, *text, read, follow, false);
    follow.keep_helpers = keep;
    --follow.depth;
    for (const auto& u : found) {
        if (std::find(wanted.begin(), wanted.end(), u.target) == wanted.end()) continue;
        return "this command runs the " + std::string(make ? "make" : "just") + " target " + printable(u.target) + " of " + printable(file) +
               ", whose line " + std::to_string(u.line) + " says: " + u.why;
    }
    return "";
}

namespace {

bool ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// The ways a script names its own file: `$0` and bash's `${BASH_SOURCE[0]}` (bash manual, "Special
// Parameters" and "Bash Variables": BASH_SOURCE).
bool names_itself(std::string_view v) {
    return v.find("$0") != std::string_view::npos || v.find("${0}") != std::string_view::npos || v.find("BASH_SOURCE") != std::string_view::npos;
}

// A folder from the top, marked so (k_from_top) whatever folder the shell is in when it reads it.
std::string from_top(std::string_view folder) { return std::string(1, k_from_top) + std::string(folder); }

}  // namespace

std::optional<std::pair<std::string, std::string>> own_dir_assignment(std::string_view line, std::string_view script,
                                                                      const std::vector<std::pair<std::string, std::string>>& known) {
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    for (std::string_view w : {"export ", "local ", "readonly ", "declare "}) {
        if (line.starts_with(w)) line.remove_prefix(w.size());
    }
    std::size_t eq = 0;
    while (eq < line.size() && ident(line[eq])) ++eq;
    if (eq == 0 || eq >= line.size() || line[eq] != '=') return std::nullopt;
    std::string_view value = line.substr(eq + 1);
    if (const std::size_t hash = value.find(" #"); hash != std::string_view::npos) value = value.substr(0, hash);
    // `ROOT="$SCRIPT_DIR/../.."`: a folder already known, then a literal path.
    std::string_view plain = value;
    while (!plain.empty() && (plain.front() == '"' || plain.front() == '\'')) plain.remove_prefix(1);
    while (!plain.empty() && (plain.back() == '"' || plain.back() == '\'' || plain.back() == ' ')) plain.remove_suffix(1);
    for (const auto& [name, folder] : known) {
        for (const std::string& ref : {"${" + name + "}", "$" + name}) {
            if (!plain.starts_with(ref)) continue;
            const std::string_view rest = plain.substr(ref.size());
            if (!rest.empty() && rest.front() != '/') continue;
            if (rest.find_first_of("$`\"' ;&|") != std::string_view::npos) return std::nullopt;
            const auto joined = rest.empty() ? std::optional<std::string>(folder) : join_folder(folder, rest.substr(1));
            if (!joined) return std::nullopt;
            return std::pair{std::string(line.substr(0, eq)), *joined};
        }
    }
    const std::size_t dirname = value.rfind("dirname");
    // Only the forms that fold: a dirname of the script's own name, then `/..` parts; another `cd`,
    // a `;` or a second command (`&& cd ..`) and the folder is not known.
    if (dirname == std::string_view::npos || !names_itself(value) || value.find(" ..") != std::string_view::npos || value.find(';') != std::string_view::npos) {
        return std::nullopt;
    }
    std::string folder(path_folder(script));
    for (std::size_t up = value.find("/..", dirname); up != std::string_view::npos; up = value.find("/..", up + 3)) {
        if (folder.empty()) return std::nullopt;
        folder = folder.find('/') == std::string::npos ? std::string() : folder.substr(0, folder.rfind('/'));
    }
    return std::pair{std::string(line.substr(0, eq)), std::move(folder)};
}

std::string with_own_dirs(std::string_view line, const std::vector<std::pair<std::string, std::string>>& dirs, std::string_view script) {
    std::string out(line);
    auto replace = [&](std::string_view from, const std::string& to, bool whole) {
        for (std::size_t at = out.find(from); at != std::string::npos && out.size() < (1u << 16);) {
            if (whole && at + from.size() < out.size() && ident(out[at + from.size()])) {
                at = out.find(from, at + 1);
                continue;
            }
            out.replace(at, from.size(), to);
            at = out.find(from, at + to.size());
        }
    };
    const std::string own = from_top(path_folder(script));
    for (std::string_view form : {"$(dirname \"$0\")", "$(dirname $0)", "$(dirname \"${BASH_SOURCE[0]}\")", "$(dirname \"$BASH_SOURCE\")", "$(dirname ${BASH_SOURCE[0]})"}) {
        if (out.find(form) != std::string::npos) replace(form, own, false);
    }
    for (const auto& [name, folder] : dirs) {
        if (out.find(name) == std::string::npos) continue;
        const std::string to = from_top(folder);
        replace("${" + name + "}", to, false);
        replace("$" + name, to, true);
    }
    return out;
}

bool bare_mention(std::string_view text, std::string_view name) {
    for (std::size_t at = text.find(name); at != std::string_view::npos; at = text.find(name, at + 1)) {
        const char before = at > 0 ? text[at - 1] : ' ';
        const char after = at + name.size() < text.size() ? text[at + name.size()] : ' ';
        if (ident(before) || ident(after) || before == '$' || (before == '{' && at > 1 && text[at - 2] == '$')) continue;
        return true;
    }
    return false;
}

std::optional<std::string> from_top_path(std::string_view word) {
    if (!word.starts_with(k_from_top)) return std::nullopt;
    word.remove_prefix(1);
    while (word.starts_with("/")) word.remove_prefix(1);
    return join_folder("", word.empty() ? std::string_view(".") : word);
}

}  // namespace deploy_detail

using namespace deploy_detail;

std::vector<ScriptRunByName> scripts_run_by_name(std::string_view path, std::string_view text) {
    std::vector<ScriptRunByName> out;
    const std::string_view name = path_name(path);
    if (!command_file(path) || name == "Tiltfile") return out;
    const bool yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    const std::string base = runs_from_top(path) && !name.ends_with(".sh") && !name.ends_with(".bash") ? std::string() : std::string(path_folder(path));
    for (const auto& l : logical_lines(text, yaml)) {
        for (const auto& words : simple_commands(l.text)) {
            const std::string w = script_word(words);
            if (w.empty() || w.find_first_of("$`*") != std::string::npos || w.starts_with("/") || w.starts_with("~")) continue;
            std::string file = repository_path(base, w);
            if (!file.empty() && out.size() < k_most_scripts) out.push_back(ScriptRunByName{l.number, std::move(file)});
        }
    }
    return out;
}

}  // namespace pgfence::analyze::tools
