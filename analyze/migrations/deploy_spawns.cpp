// The commands a Node or Python script a deploy runs (`node scripts/deploy.js`, `python deploy.py`)
// starts as child processes (issue #53, red team R82a): only those, so an app's `node server.js`
// with no such call is no unknown. deploy_scripts.hpp declares them.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/deploy_scripts.hpp"

namespace pgfence::analyze::tools::deploy_detail {

namespace {

bool ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$'; }

// A string literal at `at` ('...', "...", or a template `...` with no `${`): its value, and where it
// ends; nullopt when there is none, or it interpolates.
std::optional<std::pair<std::string, std::size_t>> literal(std::string_view t, std::size_t at) {
    if (at >= t.size() || (t[at] != '"' && t[at] != '\'' && t[at] != '`')) return std::nullopt;
    const char q = t[at];
    std::string value;
    for (std::size_t i = at + 1; i < t.size() && i < at + 4096; ++i) {
        if (t[i] == '\\' && i + 1 < t.size()) {
            value += t[++i];
        } else if (t[i] == q) {
            return std::pair{std::move(value), i + 1};
        } else if (q == '`' && t[i] == '$' && i + 1 < t.size() && t[i + 1] == '{') {
            return std::nullopt;
        } else if (q != '`' && t[i] == '\n') {
            return std::nullopt;
        } else {
            value += t[i];
        }
    }
    return std::nullopt;
}

std::size_t skip_blank(std::string_view t, std::size_t i) {
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i;
    return i;
}

// `[ "a", 'b' ]`: the literals joined by blanks and where the list ends; nullopt when an element is not one.
std::optional<std::pair<std::string, std::size_t>> literal_list(std::string_view t, std::size_t at) {
    if (at >= t.size() || t[at] != '[') return std::nullopt;
    std::string out;
    std::size_t i = skip_blank(t, at + 1);
    // At most 256 elements over 16 KiB: a call costs a bounded reading, at most 256 calls a file.
    for (int n = 0; i < t.size() && n < 256 && i < at + (16u << 10); ++n) {
        if (t[i] == ']') return std::pair{std::move(out), i + 1};
        auto l = literal(t, i);
        if (!l) return std::nullopt;
        out += (out.empty() ? "" : " ") + l->first;
        i = skip_blank(t, l->second);
        if (i < t.size() && t[i] == ',') i = skip_blank(t, i + 1);
    }
    return std::nullopt;
}

}  // namespace

bool code_script(std::string_view path, std::string_view text, bool* python) {
    const std::string_view name = path_name(path);
    const std::string_view ext = name.rfind('.') == std::string_view::npos ? std::string_view() : name.substr(name.rfind('.') + 1);
    const std::string_view first = text.substr(0, text.find('\n'));
    const bool shebang_py = first.starts_with("#!") && first.find("python") != std::string_view::npos;
    const bool shebang_js = first.starts_with("#!") && (first.find("node") != std::string_view::npos || first.find("tsx") != std::string_view::npos ||
                                                        first.find("deno") != std::string_view::npos || first.find("bun") != std::string_view::npos);
    *python = ext == "py" || (ext.empty() && shebang_py);
    if (*python) return true;
    for (std::string_view e : {"js", "mjs", "cjs", "ts", "mts", "cts", "jsx", "tsx"}) {
        if (ext == e) return true;
    }
    return ext.empty() && shebang_js;
}

std::vector<Spawned> spawned_commands(std::string_view t, bool python) {
    std::vector<Spawned> out;
    // Node: the child_process module's functions (nodejs.org/api/child_process.html) and execa's
    // (sindresorhus/execa: execa(file, args), execaSync, execaCommand(command), $`...`), shelljs's
    // shell.exec(command). Python: subprocess's run, call, check_call, check_output, Popen
    // (docs.python.org/3/library/subprocess.html) and os.system, os.popen. A file that loads none
    // of those modules runs no child process this way.
    if (python ? t.find("subprocess") == std::string_view::npos && t.find("os.system") == std::string_view::npos &&
                     t.find("os.popen") == std::string_view::npos && t.find("os.exec") == std::string_view::npos &&
                     t.find("os.spawn") == std::string_view::npos
               : t.find("child_process") == std::string_view::npos && t.find("execa") == std::string_view::npos && t.find("shelljs") == std::string_view::npos) {
        return out;
    }
    static const std::vector<std::string_view> k_js = {"execSync", "exec", "execFileSync", "execFile", "spawnSync", "spawn",
                                                       "execaSync", "execa", "execaCommandSync", "execaCommand"};
    static const std::vector<std::string_view> k_py = {"check_output", "check_call", "call", "run", "Popen", "system", "popen", "getoutput", "getstatusoutput",
                                                       // os.exec*/spawn*, asyncio's and pty's: always a computed spawn (red team R83b H1)
                                                       "execv", "execve", "execvp", "execvpe", "execl", "execle", "execlp", "execlpe",
                                                       "spawnv", "spawnve", "spawnvp", "spawnvpe", "spawnl", "spawnle", "spawnlp", "spawnlpe",
                                                       "create_subprocess_exec", "create_subprocess_shell"};
    // A module's function taken under another name or as a value (`{ execSync: run }`, `import { exec
    // as sh }`, `from subprocess import run as sh`, `const run = cp.execSync`, `.bind`, passed as an
    // argument) or reached with a computed key (`cp[m](...)`) is a spawn pgfence does not follow:
    // computed, unknown at its line (red team R83b H1).
    const auto next_word = [&](std::size_t at) {
        std::size_t b = skip_blank(t, at), w = b;
        while (w < t.size() && ident(t[w])) ++w;
        return t.substr(b, w - b);
    };
    for (std::string_view module : {std::string_view("child_process"), std::string_view("subprocess")}) {
        for (std::size_t at = t.find(module); at != std::string_view::npos && out.size() < 256; at = t.find(module, at + 1)) {
            std::size_t b = at + module.size();
            while (b < t.size() && (t[b] == '"' || t[b] == '\'' || t[b] == ')')) ++b;
            if (next_word(b) == "as" || (b < t.size() && t[b] == '[')) {
                out.push_back(Spawned{1 + static_cast<int>(std::count(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(at), '\n')), "", true,
                                      std::string(module)});
            }
        }
    }
    if (!python) {
        for (std::string_view object : {std::string_view("cp["), std::string_view("childProcess["), std::string_view("child_process[")}) {
            for (std::size_t at = t.find(object); at != std::string_view::npos && out.size() < 256; at = t.find(object, at + 1)) {
                if (at > 0 && (ident(t[at - 1]) || t[at - 1] == '.')) continue;
                out.push_back(Spawned{1 + static_cast<int>(std::count(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(at), '\n')), "", true,
                                      std::string(object.substr(0, object.size() - 1))});
            }
        }
    }
    int line = 1;
    std::size_t counted = 0;  // bytes whose newlines `line` has counted
    for (std::size_t i = 0; i < t.size() && out.size() < 256; ++i) {
        if (!ident(t[i]) || (i > 0 && ident(t[i - 1]))) continue;
        std::size_t e = i;
        while (e < t.size() && ident(t[e])) ++e;
        const std::string_view name = t.substr(i, e - i);
        const auto& names = python ? k_py : k_js;
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            i = e - 1;
            continue;
        }
        // Called on what: nothing (`execSync(`, destructured or imported), or the module
        // (`child_process.exec(`, `cp.spawn(`, `subprocess.run(`, `os.system(`, `shell.exec(`).
        std::string_view object;
        if (i > 0 && t[i - 1] == '.') {
            std::size_t s = i - 1;
            while (s > 0 && ident(t[s - 1])) --s;
            object = t.substr(s, i - 1 - s);
        }
        bool call = false;
        if (python) {
            const bool os_call = name == "system" || name == "popen";
            call = os_call ? object == "os" : (object == "subprocess" || object == "sp" || (object.empty() && (name == "check_output" || name == "check_call" || name == "Popen")));
        } else {
            call = object.empty() || object == "child_process" || object == "childProcess" || object == "cp" || object == "proc" ||
                   (object == "shell" && name == "exec");
        }
        std::size_t a = skip_blank(t, e);
        if (!call || a >= t.size() || t[a] != '(') {
            // Not called here: named in a plain import or destructuring list (`{ execSync }`,
            // `import { exec, spawn }`) it is called by that name later; taken under another name or
            // as a value, it is not followed (see above).
            const bool python_os = python && (name.starts_with("exec") || name.starts_with("spawn")) && object == "os";
            const bool python_async = python && name.starts_with("create_subprocess") && object == "asyncio";
            const bool js_module = !python && (object.empty() || object == "child_process" || object == "childProcess" || object == "cp" || object == "proc");
            const bool js_alias = js_module && a < t.size() && (t[a] == ':' || t[a] == '.' || t[a] == ')' || t[a] == ';' || t[a] == '=' || t[a] == ']' ||
                                                                next_word(e) == "as" || (!object.empty() && (t[a] == ',' || t[a] == '}')));
            const bool py_alias = python && (object == "subprocess" || object.empty()) && next_word(e) == "as";
            if (js_alias || py_alias || python_os || python_async) {
                for (; counted < i; ++counted) line += t[counted] == '\n' ? 1 : 0;
                out.push_back(Spawned{line, "", true, std::string(name)});
            }
            i = e - 1;
            continue;
        }
        for (; counted < i; ++counted) line += t[counted] == '\n' ? 1 : 0;
        a = skip_blank(t, a + 1);
        Spawned s{line, "", false, std::string(name)};
        if (auto list = literal_list(t, a)) {
            s.command = list->first;
        } else if (auto first = literal(t, a)) {
            s.command = first->first;
            std::size_t b = skip_blank(t, first->second);
            // execFile / spawn / execa: the program, then its arguments as an array.
            if (b < t.size() && t[b] == ',') {
                b = skip_blank(t, b + 1);
                if (b < t.size() && t[b] == '[') {
                    if (auto args = literal_list(t, b)) s.command += " " + args->first;
                    else s.computed = true;
                }
            }
        } else {
            s.computed = true;
        }
        out.push_back(std::move(s));
        i = e - 1;
    }
    return out;
}

std::size_t actions_exec_at(std::string_view t, std::size_t at) {
    if (at >= t.size() || t[at] != '.') return 0;
    std::size_t e = at + 1;
    while (e < t.size() && ident(t[e])) ++e;
    const std::string_view method = t.substr(at + 1, e - at - 1);
    if (method != "exec" && method != "getExecOutput") return 0;
    const std::size_t open = skip_blank(t, e);
    return open < t.size() && t[open] == '(' ? open + 1 : 0;
}

std::vector<Spawned> actions_exec_commands(std::string_view t) {
    std::vector<Spawned> out;
    int line = 1;
    std::size_t counted = 0;
    for (std::size_t at = t.find("exec."); at != std::string_view::npos && out.size() < 256; at = t.find("exec.", at + 1)) {
        if (at > 0 && (ident(t[at - 1]) || t[at - 1] == '.')) continue;
        const std::size_t open = actions_exec_at(t, at + 4);
        if (open == 0) continue;
        for (; counted < at; ++counted) line += t[counted] == '\n' ? 1 : 0;
        Spawned s{line, "", true, std::string(t.substr(at, t.find('(', at) - at))};
        // exec(commandLine, args?, options?) (@actions/exec 1.1.1 lib/exec.d.ts): a literal command
        // line and a literal array of arguments; options (env, cwd, input) change what runs, so a
        // third argument, or anything computed, is not followed.
        if (auto first = literal(t, skip_blank(t, open))) {
            std::string command = first->first;
            std::size_t b = skip_blank(t, first->second);
            if (b < t.size() && t[b] == ',') {
                if (auto args = literal_list(t, skip_blank(t, b + 1))) {
                    command += " " + args->first;
                    b = skip_blank(t, args->second);
                } else {
                    b = std::string_view::npos;
                }
            }
            if (b < t.size() && t[b] == ')') {
                s.command = std::move(command);
                s.computed = false;
            }
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<CommandUnknown> spawn_unknowns(std::string_view path, std::string_view text, const ReadFile& read, Follow& follow, bool python) {
    return spawned_unknowns(path, spawned_commands(text, python), read, follow);
}

std::vector<CommandUnknown> spawned_unknowns(std::string_view path, const std::vector<Spawned>& spawned, const ReadFile& read, Follow& follow) {
    constexpr std::size_t k_most = 64;
    std::vector<CommandUnknown> out;
    // The literal commands at their lines, read as a script's lines are; a computed one unknown at its line.
    std::string lines;
    int at = 1;
    for (const auto& s : spawned) {
        if (s.computed) {
            if (out.size() < k_most) {
                out.push_back(CommandUnknown{s.line, "this script runs a child process (" + printable(s.call) + ") whose command or arguments it computes: "
                                                     "which tool and verb it runs (the down direction, a reset) is not known", {}, {}});
            }
            continue;
        }
        if (s.line < at) continue;  // two on one line: the first
        for (; at < s.line; ++at) lines += '\n';
        std::string command = s.command;
        std::replace(command.begin(), command.end(), '\n', ' ');
        // Two on one line are two commands: one shell line of both, never one run-together word.
        if (!lines.empty() && lines.back() != '\n') lines += " ; ";
        lines += command;
    }
    follow.spawns = true;
    for (auto& u : command_unknowns(path, lines, read, follow, true)) {
        if (out.size() < k_most) out.push_back(std::move(u));
    }
    std::sort(out.begin(), out.end(), [](const CommandUnknown& a, const CommandUnknown& b) { return a.line < b.line; });
    return out;
}

}  // namespace pgfence::analyze::tools::deploy_detail
