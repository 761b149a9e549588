#include "analyze/migrations/deploy_tool_files.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/command_lines.hpp"
#include "analyze/migrations/deploy_packages.hpp"

namespace pgfence::analyze::tools {
namespace {

enum class Lang { python, ruby, js, php };

constexpr std::size_t k_most_words = 64;            // the arguments of one call read

bool ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

bool under(std::string_view path, std::string_view folder) {
    const std::string_view f = path_folder(path);
    return f == folder || (f.size() > folder.size() && f.ends_with(folder) && f[f.size() - folder.size() - 1] == '/');
}

// The lines of the script deploy_tool_commands makes (command_lines.hpp).
using Lines = CommandLines;

class Scanner {
public:
    Scanner(std::string_view text, Lang lang, bool calls) : t(text), lang(lang), js_calls(calls), out(text) {
        // Mina's DSL (mina-deploy/mina lib/mina/dsl.rb: `command` adds a shell line; Mina 0.x's `queue`).
        mina = lang == Lang::ruby && (text.find("require \"mina/") != std::string_view::npos || text.find("require 'mina/") != std::string_view::npos);
    }

    std::string run() {
        while (i < t.size()) step();
        return out.text();
    }

    // Two passes: the first finds the module's string constants and its wrappers (a function that
    // runs its parameter: `def sh(c, cmd): c.run(cmd)`), the second reads the file with them.
    static std::string read(std::string_view text, Lang lang, bool calls) {
        Scanner first(text, lang, calls);
        (void)first.run();
        Scanner second(text, lang, calls);
        second.constants = std::move(first.constants);
        second.wrappers = std::move(first.wrappers);
        return second.run();
    }

private:
    std::string_view t;
    Lang lang;
    bool js_calls;     // shipitfile.js: its `shipit.remote(...)`/`shipit.local(...)` calls, not PM2's hooks
    bool mina = false;
    Lines out;
    std::map<std::string, std::string, std::less<>> constants;  // NAME = "literal" at the top level
    std::set<std::string, std::less<>> wrappers;                 // functions that run a parameter
    std::string function;                                        // the function the scan is in
    std::vector<std::string> parameters;                         // its parameters' names
    bool wrapper_call = false;                                   // the call read is a wrapper's
    std::size_t i = 0;
    int line = 1;
    bool line_start = true;
    bool in_task = false;
    bool helper = false;  // the task or function the scan is in is a developer's helper by its name
    std::size_t task_indent = 0;

    void newline() {
        ++line;
        line_start = true;
    }
    std::size_t skip_blank(std::size_t at, bool newlines) {
        while (at < t.size() && (t[at] == ' ' || t[at] == '\t' || t[at] == '\r' || (newlines && t[at] == '\n'))) {
            if (t[at] == '\n') newline();
            ++at;
        }
        line_start = false;
        return at;
    }

    // A string literal at t[at] (a quote): its value, `at` left past it. A Python triple quote, a
    // Ruby "#{...}", a Python f-string's {field}, a JavaScript `${...}` are read as $COMPUTED.
    std::string literal(std::size_t& at, bool fstring) {
        const char q = t[at];
        const bool triple = lang == Lang::python && t.substr(at, 3) == std::string(3, q);
        const std::size_t close = triple ? 3 : 1;
        std::string v;
        for (at += close; at < t.size(); ++at) {
            const char c = t[at];
            if (c == q && (!triple || t.substr(at, 3) == std::string(3, q))) {
                at += close;
                return v;
            }
            if (c == '\n') {
                if (!triple && q != '`') break;  // an unclosed string ends with its line
                ++line;
            }
            if (c == '\\' && at + 1 < t.size()) {
                const char e = t[++at];
                v += e == 'n' ? '\n' : e == 't' ? ' ' : e;
                continue;
            }
            const bool ruby = lang == Lang::ruby && q == '"' && c == '#' && at + 1 < t.size() && t[at + 1] == '{';
            const bool js = lang == Lang::js && q == '`' && c == '$' && at + 1 < t.size() && t[at + 1] == '{';
            const bool py = fstring && c == '{' && !(at + 1 < t.size() && t[at + 1] == '{');
            if (lang == Lang::php && q == '"' && c == '$') {
                // PHP's "$var" and "{$x}": computed.
                v += "$COMPUTED";
                while (at + 1 < t.size() && (ident(t[at + 1]) || t[at + 1] == '>' || t[at + 1] == '-')) ++at;
                continue;
            }
            if (ruby || js || py) {
                // Its closing brace within the line's next 256 bytes (a longer field is cut there: linear).
                const std::size_t end = t.substr(0, std::min(t.size(), at + 256)).find('}', at);
                if (end == std::string_view::npos || t.substr(at, end - at).find('\n') != std::string_view::npos) break;
                v += "$COMPUTED";
                at = end;
                continue;
            }
            if (fstring && (c == '{' || c == '}') && at + 1 < t.size() && t[at + 1] == c) ++at;
            v += c;
        }
        return v;
    }

    // A string (with a Python prefix: f"...", rb'...') at `at`: its value, or nullopt.
    std::optional<std::string> string_at(std::size_t& at) {
        bool fstring = false;
        if (lang == Lang::python) {
            std::size_t p = at;
            while (p < t.size() && p < at + 2 && std::string_view("fFrRbBuU").find(t[p]) != std::string_view::npos) ++p;
            if (p > at && p < t.size() && (t[p] == '"' || t[p] == '\'')) {
                fstring = t.substr(at, p - at).find_first_of("fF") != std::string_view::npos;
                at = p;
            }
        }
        if (at >= t.size() || (t[at] != '"' && t[at] != '\'' && !(lang != Lang::python && t[at] == '`'))) return std::nullopt;
        std::string v = literal(at, fstring);
        // A value joined to it: `"psql " + url`, `"... %s" % x`, `"...".format(x)`.
        const std::size_t n = skip_blank(at, false);
        if (n < t.size() && (t[n] == '+' || (lang == Lang::python && (t[n] == '%' || t.substr(n, 7) == ".format")))) v += " $COMPUTED";
        // `" ".join(words)`, `"...".strip()`: the value is the method's, not the literal.
        else if (n < t.size() && t[n] == '.' && n + 1 < t.size() && ident(t[n + 1]) && lang != Lang::php) v = std::string(k_computed_call);
        return v;
    }

    // The arguments of a call at `at` (after the called name): the words it runs, "" when its
    // first argument is no literal (a variable: not followed).
    std::string arguments(std::size_t& at) {
        std::size_t a = skip_blank(at, false);
        const bool paren = a < t.size() && t[a] == '(';
        if (lang == Lang::python && !paren) return "";
        if (paren) a = skip_blank(a + 1, true);
        std::string command;
        for (std::size_t n = 0; n < k_most_words && a < t.size(); ++n) {
            std::string word;
            if (lang != Lang::js && t[a] == '[' && n == 0) {
                // An argv list: its literal words, a computed one $COMPUTED.
                a = skip_blank(a + 1, true);
                for (std::size_t k = 0; k < k_most_words && a < t.size() && t[a] != ']'; ++k) {
                    auto w = string_at(a);
                    if (!command.empty()) command += ' ';
                    if (w) {
                        command += *w;
                    } else {
                        command += "$COMPUTED";
                        while (a < t.size() && t[a] != ',' && t[a] != ']' && t[a] != '\n') ++a;
                    }
                    a = skip_blank(a, true);
                    if (a < t.size() && t[a] == ',') a = skip_blank(a + 1, true);
                }
                break;
            }
            if (auto w = string_at(a)) {
                word = std::move(*w);
            } else if (lang == Lang::ruby && t[a] == ':' && a + 1 < t.size() && ident(t[a + 1])) {
                // SSHKit's `execute :npx, "knex", ...` (capistrano/sshkit lib/sshkit/command.rb: the
                // symbol is the command's name).
                std::size_t e = a + 1;
                while (e < t.size() && (ident(t[e]) || t[e] == '-')) ++e;
                word = std::string(t.substr(a + 1, e - a - 1));
                a = e;
            } else {
                // A keyword argument (`shell=True`, `raise_on_non_zero_exit: false`) ends the words;
                // another value is computed.
                if (n == 0 && t.substr(a, 1) == "*") a += t.substr(a, 2) == "**" ? 2 : 1;  // a splat: `system(*args)`
                std::size_t e = a;
                while (e < t.size() && ident(t[e])) ++e;
                const bool keyword = e > a && e < t.size() && (t[e] == '=' || t[e] == ':') && !(e + 1 < t.size() && t[e + 1] == ':');
                if (n > 0 && !keyword) command += " $COMPUTED";
                // A first argument that is no literal (`c.run(MIGRATE)`, `system(cmd)`): a command
                // pgfence does not follow, unknown at its line (red team R90 F6). Not an empty call.
                const std::string_view name = t.substr(a, e - a);
                // The argument is the name alone (not `MIGRATE + " --all"`, `cmd.format(...)`).
                const std::size_t after = skip_blank(e, false);
                const bool last = after >= t.size() || std::string_view("),\n\r#").find(t[after]) != std::string_view::npos;
                if (n == 0 && wrapper_call && e > a && !keyword && e < t.size() && t[e] == ',') {
                    // A wrapper's leading argument (`sh(c, "...")`: the context): its command follows.
                    wrapper_call = false;
                    a = skip_blank(e + 1, paren);
                    --n;
                    continue;
                }
                if (n == 0 && last && e > a && constants.size() > 0) {
                    if (auto it = constants.find(name); it != constants.end()) {
                        command = it->second;
                        a = e;
                        break;
                    }
                }
                if (n == 0 && last && e > a && !function.empty() && std::find(parameters.begin(), parameters.end(), name) != parameters.end()) {
                    // The function runs its parameter: its callers' strings are read (the second pass).
                    if (wrappers.size() < 64) wrappers.insert(function);
                    break;
                }
                if (n == 0 && !keyword && a < t.size() && std::string_view(")\n\r;#").find(t[a]) == std::string_view::npos && !(paren && t[a] == '{' && lang == Lang::js)) {
                    command = std::string(k_computed_call);
                }
                break;
            }
            command += (command.empty() ? "" : " ") + word;
            // Python's first argument is the command (Fabric's run, subprocess's args); Ruby's
            // words follow one another (`sh "npx", "knex"`, `execute :npx, "knex"`).
            if (lang != Lang::ruby) break;
            a = skip_blank(a, false);
            if (a >= t.size() || t[a] != ',') break;
            a = skip_blank(a + 1, paren);
        }
        at = a;
        return command;
    }

    // The start of a line: which function (Python) or task (Ruby) it is in.
    void start_line() {
        line_start = false;
        std::size_t b = i;
        while (b < t.size() && (t[b] == ' ' || t[b] == '\t')) ++b;
        const std::size_t indent = b - i;
        const std::size_t eol = t.find('\n', b);
        const std::string_view rest = t.substr(b, eol == std::string_view::npos ? std::string_view::npos : eol - b);
        i = b;
        if (rest.empty() || rest.front() == '#' || rest.front() == '\r') return;
        if ((lang == Lang::python || lang == Lang::ruby) && (rest.starts_with("def ") || rest.starts_with("async def "))) signature(rest.substr(rest.find("def ") + 4));
        if (indent == 0 && (lang == Lang::python || lang == Lang::ruby) && constants.size() < 256) constant(rest);
        if (indent == 0 && !rest.starts_with("def ") && !rest.starts_with("async def ") && !rest.starts_with("@")) function.clear();
        std::string_view name;
        if (lang == Lang::python && (rest.starts_with("def ") || rest.starts_with("async def "))) {
            name = rest.substr(rest.find("def ") + 4);
        } else if (lang == Lang::ruby && (rest.starts_with("task ") || rest.starts_with("task("))) {
            name = rest.substr(5);
            while (!name.empty() && (name.front() == ' ' || name.front() == '(' || name.front() == ':' || name.front() == '"' || name.front() == '\'')) {
                name.remove_prefix(1);
            }
        } else if (in_task && indent <= task_indent) {
            const bool closes = lang == Lang::python ? !rest.starts_with("@") && !rest.starts_with(")") : rest.starts_with("end");
            if (closes) in_task = helper = false;
            return;
        } else {
            return;
        }
        std::size_t e = 0;
        while (e < name.size() && (ident(name[e]) || name[e] == '-' || name[e] == ':')) ++e;
        in_task = true;
        task_indent = indent;
        helper = deploy_detail::helper_task_name(name.substr(0, e));
    }

    // `NAME(a, b)` or Ruby's `NAME a, b`: the function's name and its parameters' names.
    void signature(std::string_view s) {
        std::size_t e = 0;
        while (e < s.size() && (ident(s[e]) || s[e] == '.' || s[e] == '!' || s[e] == '?')) ++e;
        function = std::string(s.substr(0, e));
        parameters.clear();
        for (std::size_t k = e; k < s.size() && s[k] != ')' && s[k] != ':' && s[k] != '#' && parameters.size() < 16;) {
            if (!ident(s[k])) {
                ++k;
                continue;
            }
            std::size_t b = k;
            while (k < s.size() && ident(s[k])) ++k;
            parameters.emplace_back(s.substr(b, k - b));
            while (k < s.size() && s[k] != ',' && s[k] != ')') ++k;  // a default value
        }
    }

    // A top-level `NAME = "literal"` (no other value joined to it).
    void constant(std::string_view rest) {
        std::size_t e = 0;
        while (e < rest.size() && ident(rest[e])) ++e;
        std::size_t a = e;
        while (a < rest.size() && rest[a] == ' ') ++a;
        if (e == 0 || a >= rest.size() || rest[a] != '=' || (a + 1 < rest.size() && rest[a + 1] == '=')) return;
        ++a;
        while (a < rest.size() && rest[a] == ' ') ++a;
        if (a >= rest.size() || (rest[a] != '"' && rest[a] != '\'')) return;
        const std::size_t close = rest.find(rest[a], a + 1);
        if (close == std::string_view::npos) return;
        const std::string_view after = rest.substr(close + 1);
        if (after.find_first_not_of(" \r") != std::string_view::npos && !after.substr(after.find_first_not_of(" \r")).starts_with("#")) return;
        const std::string_view v = rest.substr(a + 1, close - a - 1);
        if (v.find('\\') != std::string_view::npos || v.find("#{") != std::string_view::npos) return;
        constants[std::string(rest.substr(0, e))] = std::string(v);
    }

    void skip_to_line_end() {
        while (i < t.size() && t[i] != '\n') ++i;
    }

    void step() {
        if (line_start) {
            start_line();
            if (i >= t.size()) return;
        }
        const char c = t[i];
        if (c == '\n') {
            newline();
            ++i;
            return;
        }
        if (c == '#' && lang != Lang::js) return skip_to_line_end();
        if ((lang == Lang::js || lang == Lang::php) && c == '/' && i + 1 < t.size() && (t[i + 1] == '/' || t[i + 1] == '*')) {
            if (t[i + 1] == '/') return skip_to_line_end();
            const std::size_t end = t.find("*/", i + 2);
            const std::size_t stop = end == std::string_view::npos ? t.size() : end + 2;
            line += static_cast<int>(std::count(t.begin() + static_cast<std::ptrdiff_t>(i), t.begin() + static_cast<std::ptrdiff_t>(stop), '\n'));
            i = stop;
            return;
        }
        if (lang == Lang::js && !js_calls) return js_step();
        const int at = line;
        // Ruby's backquotes and %x(...) run a shell command.
        if (lang == Lang::ruby && (c == '`' || (c == '%' && i + 2 < t.size() && t[i + 1] == 'x' && std::string_view("({[<|!").find(t[i + 2]) != std::string_view::npos))) {
            std::string command;
            if (c == '`') {
                std::size_t a = i;
                command = literal(a, false);
                i = a;
            } else {
                const char open = t[i + 2];
                const char close = open == '(' ? ')' : open == '{' ? '}' : open == '[' ? ']' : open == '<' ? '>' : open;
                const std::size_t end = t.find(close, i + 3);
                const std::size_t stop = end == std::string_view::npos ? t.size() : end;
                command = std::string(t.substr(i + 3, stop - i - 3));
                line += static_cast<int>(std::count(command.begin(), command.end(), '\n'));
                i = std::min(stop + 1, t.size());
            }
            if (!helper) out.add(at, command);
            return;
        }
        if (c == '"' || c == '\'' || (lang == Lang::js && c == '`') || (lang == Lang::python && ident(c) && i + 1 < t.size() && (t[i + 1] == '"' || t[i + 1] == '\'') &&
                                      std::string_view("fFrRbBuU").find(c) != std::string_view::npos && (i == 0 || !ident(t[i - 1])))) {
            (void)string_at(i);
            return;
        }
        if (!ident(c) || (i > 0 && (ident(t[i - 1]) || (lang == Lang::ruby && t[i - 1] == ':')))) {
            ++i;
            return;
        }
        std::size_t e = i;
        while (e < t.size() && ident(t[e])) ++e;
        // Ruby's `system!` and `ok?` are other methods' names (Rails' bin/setup defines `system!`).
        if (lang == Lang::ruby && e < t.size() && (t[e] == '!' || t[e] == '?') && !(e + 1 < t.size() && t[e + 1] == '=')) ++e;
        const std::string_view word = t.substr(i, e - i);
        std::string_view object;
        if (i > 0 && t[i - 1] == '.') {
            std::size_t s = i - 1;
            while (s > 0 && ident(t[s - 1])) --s;
            object = t.substr(s, i - 1 - s);
        }
        // A definition (`def run(cmd)`, `function run()`) is no call.
        std::size_t d = i;
        while (d > 0 && (t[d - 1] == ' ' || t[d - 1] == '\t')) --d;
        const bool definition = (d >= 3 && t.substr(d - 3, 3) == "def") || (d >= 8 && t.substr(d - 8, 8) == "function");
        i = e;
        wrapper_call = object.empty() && wrappers.contains(word);
        if (definition || !(wrapper_call || called(word, object))) return;
        const std::string command = arguments(i);
        if (!helper) out.add(at, command);
    }

    // Whether `object.word(...)` runs a command.
    bool called(std::string_view word, std::string_view object) const {
        if (lang == Lang::python) {
            // Fabric 2's Connection/Context run, sudo, local (fabric/fabric connection.py, pyinvoke
            // context.py: the string runs through the shell); Fabric 1's fabric.api run, sudo, local;
            // subprocess's (docs.python.org/3/library/subprocess.html) and os.system.
            if (word == "run" || word == "sudo" || word == "local") return true;
            if (word == "system") return object == "os";
            if (word == "call" || word == "check_call" || word == "check_output") return object == "subprocess" || object == "sp" || (object.empty() && word != "call");
            return word == "Popen";
        }
        // shipit-cli's shipit.remote and shipit.local (shipitjs/shipit packages/shipit-cli/src/Shipit.js:
        // the string runs in a shell, on the servers or where shipit runs).
        if (lang == Lang::js) return !object.empty() && (word == "remote" || word == "local");
        // Deployer's run and runLocally (deployphp/deployer src/functions.php: a shell command).
        if (lang == Lang::php) return (object.empty() || object == "Deployer") && (word == "run" || word == "runLocally");
        // Open3's, Kernel's, Process's and IO's spawns (ruby-doc.org Open3, Kernel#system, IO.popen).
        if (object == "Open3") return true;
        if (object == "Kernel" || object == "Process") return word == "system" || word == "exec" || word == "spawn";
        if (object == "IO") return word == "popen";
        // SSHKit's execute, capture and test (capistrano/sshkit lib/sshkit/backends/abstract.rb),
        // Capistrano 2's run and sudo, Rake's sh, Kernel's system, exec and spawn; Mina's command.
        if (!object.empty()) return false;
        if (mina && (word == "command" || word == "queue")) return true;
        for (std::string_view w : {"execute", "capture", "test", "sh", "system", "exec", "spawn", "run", "sudo"}) {
            if (word == w) return true;
        }
        return false;
    }

    // PM2's deploy hooks (pm2.keymetrics.io/docs/usage/deployment; Unitech/pm2-deploy's deploy
    // script runs each in a shell, on the server or, pre-deploy-local, where `pm2 deploy` runs):
    // `"post-deploy": "npm ci && ..."`, the value a string or a list of strings.
    void js_step() {
        const char c = t[i];
        if (c != '"' && c != '\'' && c != '`') {
            ++i;
            return;
        }
        const std::string key = literal(i, false);
        std::size_t a = skip_blank(i, false);
        if (a >= t.size() || t[a] != ':') return;
        bool hook = false;
        for (std::string_view k : {"post-deploy", "pre-deploy", "pre-deploy-local", "pre-setup", "post-setup"}) hook = hook || key == k;
        if (!hook) return;
        a = skip_blank(a + 1, true);
        const bool list = a < t.size() && t[a] == '[';
        if (list) a = skip_blank(a + 1, true);
        for (std::size_t n = 0; n < k_most_words && a < t.size(); ++n) {
            const int at = line;
            auto v = string_at(a);
            if (!v) {
                // A computed hook (a variable, a call): its commands are not known.
                if (!list || t[a] != ']') out.add(at, "$COMPUTED");
                break;
            }
            out.add(at, *v);
            a = skip_blank(a, true);
            if (!list || a >= t.size() || t[a] != ',') break;
            a = skip_blank(a + 1, true);
        }
        i = a;
    }
};

}  // namespace

bool deploy_tool_file(std::string_view path) {
    const std::string_view name = path_name(path);
    if (name == "fabfile.py" || (name.ends_with(".py") && path_name(path_folder(path)) == "fabfile")) return true;
    // pyinvoke's tasks.py or tasks/ package (pyinvoke/invoke invoke/loader.py: the collection
    // named "tasks"); read only when it imports invoke (deploy_tool_commands).
    if (name == "tasks.py" || (name == "__init__.py" && path_name(path_folder(path)) == "tasks")) return true;
    // shipit-cli's shipitfile (shipitjs/shipit packages/shipit-cli/src/cli.js), Deployer's deploy.php,
    // Laravel Envoy's Envoy.blade.php.
    for (std::string_view n : {"shipitfile.js", "shipitfile.cjs", "shipitfile.babel.js", "shipitfile.ts", "deploy.php", "Envoy.blade.php"}) {
        if (name == n) return true;
    }
    if (name == "Capfile" || (name == "deploy.rb" && under(path, "config"))) return true;
    if (under(path, "config/deploy") && name.ends_with(".rb")) return true;
    if (under(path, "lib/capistrano/tasks") && (name.ends_with(".rake") || name.ends_with(".rb") || name.ends_with(".cap"))) return true;
    for (std::string_view n : {"ecosystem.config.js", "ecosystem.config.cjs", "ecosystem.config.json", "ecosystem.json", "ecosystem.json5"}) {
        if (name == n) return true;
    }
    return false;
}

// Laravel Envoy's @task ... @endtask bodies are shell lines (laravel/envoy src/Compiler.php);
// a Blade {{ ... }} in them is computed.
std::string envoy_commands(std::string_view text) {
    Lines out(text);
    bool in_task = false;
    int line = 0;
    for (std::size_t b = 0; b <= text.size();) {
        ++line;
        std::size_t e = text.find('\n', b);
        if (e == std::string_view::npos) e = text.size();
        std::string_view l = text.substr(b, e - b);
        while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
        if (l.starts_with("@task") || l.starts_with("@story")) in_task = l.starts_with("@task");
        else if (l.starts_with("@end")) in_task = false;
        else if (in_task && !l.empty() && l.front() != '@') {
            std::string c;
            for (std::size_t k = 0; k < l.size(); ++k) {
                const std::size_t close = l.substr(k, 2) == "{{" ? l.find("}}", k) : std::string_view::npos;
                if (close != std::string_view::npos) {
                    c += "$COMPUTED";
                    k = close + 1;
                } else {
                    c += l[k];
                }
            }
            out.add(line, c);
        }
        b = e + 1;
    }
    return out.text();
}

std::string ruby_program_commands(std::string_view text) { return Scanner::read(text, Lang::ruby, false); }

bool ruby_program(std::string_view path, std::string_view text) {
    const std::string_view first = text.substr(0, text.find('\n'));
    return path_name(path).ends_with(".rb") || (first.starts_with("#!") && first.find("ruby") != std::string_view::npos);
}

std::string deploy_tool_commands(std::string_view path, std::string_view text) {
    const std::string_view name = path_name(path);
    if (name == "Envoy.blade.php") return envoy_commands(text);
    if (name == "tasks.py" || name == "__init__.py") {
        const bool invoke = text.find("from invoke") != std::string_view::npos || text.find("import invoke") != std::string_view::npos;
        if (!invoke) return Lines(text).text();
    }
    // Deployer's recipes are in its namespace (`namespace Deployer;`, `use function Deployer\run;`).
    if (name == "deploy.php" && text.find("Deployer") == std::string_view::npos) return Lines(text).text();
    const bool shipit = name.starts_with("shipitfile.");
    const Lang lang = name.ends_with(".py") ? Lang::python : name.ends_with(".php") ? Lang::php : name.starts_with("ecosystem.") || shipit ? Lang::js : Lang::ruby;
    return Scanner::read(text, lang, shipit);
}

}  // namespace pgfence::analyze::tools
