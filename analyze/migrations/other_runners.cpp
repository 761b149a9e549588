// Other runners a deploy's commands start (red team R89 F5, F8, F10, F11); other_runners.hpp.
#include "analyze/migrations/other_runners.hpp"

#include <algorithm>
#include <cctype>
#include <functional>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/text_lines.hpp"
#include "analyze/migrations/command_lines.hpp"
#include "analyze/migrations/nx_targets.hpp"
#include "analyze/migrations/deploy_packages.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/deploy_tool_files.hpp"
#include "analyze/migrations/settings_surface.hpp"

namespace pgfence::analyze::tools {

using namespace deploy_detail;

namespace {


bool ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// The lines of the script task_file_commands makes: command_lines.hpp.
// Which tasks' commands count, by name.
using Counts = std::function<bool(std::string_view)>;

using Lines = CommandLines;

// A double- or single-quoted literal at `l[i]` (a quote): its text and the index past it. In a
// double-quoted one, `\x` is x, and an interpolation (Ruby's `#{...}`, HCL's `${...}` and
// `%{...}`) becomes `$COMPUTED`: the shell then treats the word as computed.
std::string quoted(std::string_view l, std::size_t& i, bool ruby) {
    const char q = l[i];
    std::string v;
    std::size_t j = i + 1;
    for (; j < l.size() && l[j] != q; ++j) {
        if (l[j] == '\\' && j + 1 < l.size() && (q == '"' || l[j + 1] == '\'' || l[j + 1] == '\\')) {
            ++j;
            v += l[j] == 'n' && q == '"' ? '\n' : l[j];
            continue;
        }
        const bool interp = q == '"' && j + 1 < l.size() && l[j + 1] == '{' && (ruby ? l[j] == '#' : (l[j] == '$' || l[j] == '%'));
        if (interp && (ruby || j == i + 1 || l[j - 1] != l[j])) {  // HCL's `$${` is a literal `${`
            const std::size_t close = l.find('}', j);
            v += "$COMPUTED";
            j = close == std::string_view::npos ? l.size() - 1 : close;
            continue;
        }
        v += l[j];
    }
    i = std::min(j + 1, l.size());
    return v;
}

// A backquoted Ruby command with each `#{...}` as `$COMPUTED`, as quoted() makes a string's.
std::string ruby_command(std::string_view c) {
    std::string out;
    for (std::size_t i = 0; i < c.size(); ++i) {
        if (c[i] == '#' && i + 1 < c.size() && c[i + 1] == '{') {
            const std::size_t close = c.find('}', i);
            out += "$COMPUTED";
            if (close == std::string_view::npos) break;
            i = close;
            continue;
        }
        out += c[i];
    }
    return out;
}

// Rake: Rake's `sh` (rake lib/rake/file_utils.rb: `sh(*cmd)`, one string run by the shell or the
// words of one command), Kernel's `system` and `exec`, backquotes and `%x(...)`. The task a line
// is in: `task :name`, `task name: deps`, `task "name"`, up to the `end` at its indentation.
void rake_commands(std::string_view text, const Counts& counts, Lines& out) {
    std::string task;
    std::size_t task_indent = 0;
    bool in_task = false;
    each_line(text, [&](int n, std::string_view raw) {
        const std::size_t indent = raw.find_first_not_of(" \t");
        if (indent == std::string_view::npos) return;
        const std::string_view l = trim_blanks(raw.substr(indent));
        if (l.starts_with("#")) return;
        if (in_task && indent <= task_indent && (l == "end" || l.starts_with("end ") || l.starts_with("end#") || l.starts_with("task"))) in_task = false;
        if (l.starts_with("task ") || l.starts_with("task(")) {
            std::size_t i = 5;
            while (i < l.size() && (l[i] == ' ' || l[i] == '(' || l[i] == ':')) ++i;
            std::string name;
            if (i < l.size() && (l[i] == '"' || l[i] == '\'')) {
                name = quoted(l, i, true);
            } else {
                while (i < l.size() && (ident(l[i]) || l[i] == '-')) name += l[i++];
            }
            task = name;
            task_indent = indent;
            in_task = true;
        }
        // A task not named as a deploy's (`task :test`, `task :reset_db`) is a developer's.
        if (in_task && !counts(task)) return;
        for (std::size_t i = 0; i < l.size();) {
            const char c = l[i];
            if (c == '#') break;  // a comment (a `#` in a string is passed over below)
            if (c == '`') {
                const std::size_t close = l.find('`', i + 1);
                if (close == std::string_view::npos) break;
                out.add(n, ruby_command(l.substr(i + 1, close - i - 1)));
                i = close + 1;
                continue;
            }
            if (c == '%' && i + 2 < l.size() && l[i + 1] == 'x' && std::string_view("({[<|!").find(l[i + 2]) != std::string_view::npos) {
                const char open = l[i + 2];
                const char close_c = open == '(' ? ')' : open == '{' ? '}' : open == '[' ? ']' : open == '<' ? '>' : open;
                const std::size_t close = l.find(close_c, i + 3);
                if (close == std::string_view::npos) break;
                out.add(n, ruby_command(l.substr(i + 3, close - i - 3)));
                i = close + 1;
                continue;
            }
            if (c == '"' || c == '\'') {
                (void)quoted(l, i, true);
                continue;
            }
            if (!ident(c) || (i > 0 && (ident(l[i - 1]) || l[i - 1] == ':'))) {
                ++i;
                continue;
            }
            std::size_t e = i;
            while (e < l.size() && (ident(l[e]) || l[e] == '!' || l[e] == '?')) ++e;
            const std::string_view word = l.substr(i, e - i);
            i = e;
            if (word != "sh" && word != "system" && word != "exec" && word != "safe_system") continue;
            std::size_t j = e;
            while (j < l.size() && (l[j] == ' ' || l[j] == '(')) ++j;
            // The command: its string arguments, joined (`sh "npx", "knex", "migrate:latest"`).
            std::string command;
            while (j < l.size() && (l[j] == '"' || l[j] == '\'')) {
                command += (command.empty() ? "" : " ") + quoted(l, j, true);
                while (j < l.size() && (l[j] == ' ' || l[j] == ',')) ++j;
            }
            if (!command.empty()) out.add(n, command);
            i = j;
        }
    });
}

// Terraform: a `provisioner "local-exec"` block's `command` runs in a shell on the machine that
// runs `terraform apply` (developer.hashicorp.com/terraform/language/resources/provisioners/local-exec:
// "/bin/sh -c" on Linux); as a string or a heredoc (`<<EOT`, `<<-EOT`).
void terraform_commands(std::string_view text, Lines& out) {
    int depth = 0;
    int local_exec = -1;  // the depth inside the local-exec block, -1 outside
    bool pending = false;
    std::string heredoc;  // the heredoc's end marker while in a command's heredoc
    each_line(text, [&](int n, std::string_view raw) {
        const std::string_view l = trim_blanks(raw);
        if (!heredoc.empty()) {
            if (l == heredoc) heredoc.clear();
            else out.add(n, l);
            return;
        }
        if (l.starts_with("#") || l.starts_with("//")) return;
        if (l.find("provisioner") != std::string_view::npos && l.find("\"local-exec\"") != std::string_view::npos) pending = true;
        if (local_exec >= 0 && depth == local_exec && l.starts_with("command")) {
            std::size_t i = 7;
            while (i < l.size() && (l[i] == ' ' || l[i] == '\t')) ++i;
            if (i < l.size() && l[i] == '=') {
                ++i;
                while (i < l.size() && (l[i] == ' ' || l[i] == '\t')) ++i;
                if (i < l.size() && l[i] == '"') {
                    std::string command = quoted(l, i, false);
                    out.add(n, command);
                } else if (l.substr(i).starts_with("<<")) {
                    std::string_view m = l.substr(i + 2);
                    if (m.starts_with("-") || m.starts_with("~")) m.remove_prefix(1);
                    heredoc = std::string(trim_blanks(m));
                    return;
                } else if (i < l.size()) {
                    // A computed command (`command = local.migrate`, `join(...)`): not known.
                    out.add(n, "$COMPUTED_COMMAND");
                }
            }
        }
        for (std::size_t i = 0; i < l.size();) {
            if (l[i] == '"') {
                (void)quoted(l, i, false);
                continue;
            }
            if (l[i] == '#' || (l[i] == '/' && i + 1 < l.size() && l[i + 1] == '/')) break;
            if (l[i] == '{') {
                ++depth;
                if (pending) {
                    local_exec = depth;
                    pending = false;
                }
            } else if (l[i] == '}') {
                if (depth == local_exec) local_exec = -1;
                depth = std::max(0, depth - 1);
            }
            ++i;
        }
    });
}

// mise: `[tasks.NAME]` with `run = "..."`, `run = ["...", ...]` or a multi-line `run = """..."""`,
// and the short form `[tasks]` `NAME = "..."` (mise.jdx.dev/tasks/toml-tasks.html).
void mise_commands(std::string_view text, const Counts& counted, Lines& out) {
    std::string task;
    bool short_form = false;
    bool in_tasks = false;
    std::string multi;  // the closing quotes of a multi-line string being read
    bool array = false;  // in a multi-line `run = [`
    each_line(text, [&](int n, std::string_view raw) {
        const std::string_view l = trim_blanks(raw);
        const bool counts = in_tasks && counted(task);
        if (!multi.empty()) {
            const std::size_t end = l.find(multi);
            if (counts) out.add(n, l.substr(0, end));
            if (end != std::string_view::npos) multi.clear();
            return;
        }
        if (array) {
            if (l.starts_with("]")) array = false;
            std::size_t i = 0;
            while (i < l.size()) {
                if (l[i] == '"' || l[i] == '\'') {
                    std::string c = quoted(l, i, false);
                    if (counts) out.add(n, c);
                } else if (l[i] == ']') {
                    array = false;
                    break;
                } else {
                    ++i;
                }
            }
            return;
        }
        if (l.starts_with("[")) {
            in_tasks = l == "[tasks]" || l.starts_with("[tasks.");
            short_form = l == "[tasks]";
            task.clear();
            if (l.starts_with("[tasks.")) {
                std::string_view name = l.substr(7, l.rfind(']') == std::string_view::npos ? std::string_view::npos : l.rfind(']') - 7);
                if (name.size() >= 2 && (name.front() == '"' || name.front() == '\'')) name = name.substr(1, name.size() - 2);
                task = std::string(name);
            }
            return;
        }
        if (!in_tasks || l.starts_with("#")) return;
        const std::size_t eq = l.find('=');
        if (eq == std::string_view::npos) return;
        std::string_view key = trim_blanks(l.substr(0, eq));
        if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'')) key = key.substr(1, key.size() - 2);
        std::string_view value = trim_blanks(l.substr(eq + 1));
        if (short_form) {
            task = std::string(key);
            // `NAME = { run = "..." }`: the run inside.
            if (value.starts_with("{")) {
                const std::size_t run = value.find("run");
                if (run == std::string_view::npos) return;
                const std::size_t veq = value.find('=', run);
                if (veq == std::string_view::npos) return;
                value = trim_blanks(value.substr(veq + 1));
            }
        } else if (key != "run") {
            return;
        }
        const bool keep = counted(task);
        for (std::string_view q : {"\"\"\"", "'''"}) {
            if (!value.starts_with(q)) continue;
            const std::string_view rest = value.substr(3);
            const std::size_t end = rest.find(q);
            if (keep) out.add(n, rest.substr(0, end));
            if (end == std::string_view::npos) multi = std::string(q);
            return;
        }
        std::size_t i = 0;
        if (!value.empty() && value.front() == '[') {
            array = true;
            ++i;
        }
        while (i < value.size()) {
            if (value[i] == '"' || value[i] == '\'') {
                std::string c = quoted(value, i, false);
                if (keep) out.add(n, c);
            } else if (value[i] == ']') {
                array = false;
                break;
            } else if (!array) {
                break;
            } else {
                ++i;
            }
        }
    });
}

// Composer's event scripts, which `composer install` and `update` run themselves
// (getcomposer.org/doc/articles/scripts.md, "Command Events").
bool composer_event(std::string_view name) {
    for (std::string_view e : {"pre-install-cmd", "post-install-cmd", "pre-update-cmd", "post-update-cmd", "pre-autoload-dump",
                               "post-autoload-dump", "post-root-package-install", "post-create-project-cmd"}) {
        if (name == e) return true;
    }
    return false;
}

// deno.json(c)'s `tasks` (docs.deno.com/runtime/reference/cli/task: `"name": "command"` or `"name":
// {"command": "..."}`) and composer.json's `scripts` (a string or an array of them; `@php X` runs
// PHP, `@composer X` Composer, another `@name` that script, `Class::method` a PHP callback). One
// pass over the JSON, comments skipped (deno.jsonc).
void json_task_commands(std::string_view text, std::string_view key, bool composer, const Counts& counts, Lines& out) {
    std::vector<char> stack;
    int line = 1;
    bool in_key = false;      // inside the key's object
    std::size_t key_depth = 0;
    std::string task, last_key;
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (c == '\n') {
            ++line;
            ++i;
            continue;
        }
        if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
            const std::size_t nl = text.find('\n', i);
            i = nl == std::string_view::npos ? text.size() : nl;
            continue;
        }
        if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
            const std::size_t end = text.find("*/", i + 2);
            const std::size_t stop = end == std::string_view::npos ? text.size() : end + 2;
            line += static_cast<int>(std::count(text.begin() + static_cast<std::ptrdiff_t>(i), text.begin() + static_cast<std::ptrdiff_t>(stop), '\n'));
            i = stop;
            continue;
        }
        if (c == '{' || c == '[') {
            if (stack.size() < 64) stack.push_back(c);
            ++i;
            if (!in_key && c == '{' && stack.size() == 2 && last_key == key) {
                in_key = true;
                key_depth = stack.size();
            }
            continue;
        }
        if (c == '}' || c == ']') {
            if (!stack.empty()) stack.pop_back();
            if (in_key && stack.size() < key_depth) in_key = false;
            ++i;
            continue;
        }
        if (c != '"') {
            ++i;
            continue;
        }
        const int at = line;
        std::string s;
        std::size_t j = i + 1;
        for (; j < text.size() && text[j] != '"'; ++j) {
            if (text[j] == '\n') ++line;
            if (text[j] == '\\' && j + 1 < text.size()) {
                ++j;
                s += text[j] == 'n' ? '\n' : text[j] == 't' ? ' ' : text[j];
                continue;
            }
            s += text[j];
        }
        i = std::min(j + 1, text.size());
        std::size_t k = i;
        while (k < text.size() && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r')) ++k;
        const bool is_key = k < text.size() && text[k] == ':';
        if (is_key) {
            last_key = s;
            if (in_key && stack.size() == key_depth) task = s;
            continue;
        }
        if (!in_key) continue;
        const bool value = (stack.size() == key_depth) || (stack.size() == key_depth + 1 && stack.back() == '[') ||
                           (stack.size() == key_depth + 1 && stack.back() == '{' && last_key == "command");
        if (!value) continue;
        if (!counts(task)) continue;
        std::string_view command = s;
        if (composer) {
            if (command.starts_with("@php ")) command.remove_prefix(1);
            else if (command.starts_with("@composer ")) command.remove_prefix(1);
            else if (command.starts_with("@")) continue;  // another script of the file, read as itself
            if (command.find(' ') == std::string_view::npos && command.find("::") != std::string_view::npos) continue;  // a PHP callback
        }
        out.add(at, command);
    }
}

}  // namespace

bool task_file(std::string_view path) {
    const std::string_view name = path_name(path);
    // Fabric's, Capistrano's and PM2's files (deploy_tool_files.hpp; red team R89b F9).
    if (deploy_tool_file(path)) return true;
    return name.ends_with(".tf") || name == "Rakefile" || name == "rakefile" || name.ends_with(".rake") || name == "mise.toml" ||
           name == ".mise.toml" || name == "deno.json" || name == "deno.jsonc" || name == "composer.json" || nx_file(path);
}

std::string task_file_commands(std::string_view path, std::string_view text, std::optional<std::string_view> only) {
    if (deploy_tool_file(path)) return deploy_tool_commands(path, text);
    const std::string_view name = path_name(path);
    const bool composer = name == "composer.json";
    const Counts counts = [&](std::string_view task) {
        if (only) return task == *only;
        return deploy_task_name(task) || (composer && composer_event(task));
    };
    Lines out(text);
    if (name.ends_with(".tf")) terraform_commands(text, out);
    else if (name == "Rakefile" || name == "rakefile" || name.ends_with(".rake")) rake_commands(text, counts, out);
    else if (name == "mise.toml" || name == ".mise.toml") mise_commands(text, counts, out);
    else if (composer) json_task_commands(text, "scripts", true, counts, out);
    else json_task_commands(text, "tasks", false, counts, out);
    return out.text();
}

namespace deploy_detail {

std::string other_destructive_words(const std::vector<std::string>& words) {
    auto has = [&](std::size_t from, std::string_view flag) {
        for (std::size_t k = from; k < words.size(); ++k) {
            if (words[k] == flag || (words[k].starts_with(flag) && words[k].size() > flag.size() && words[k][flag.size()] == '=')) return true;
        }
        return false;
    };
    for (std::size_t v = 0; v < words.size(); ++v) {
        const std::string tool = tool_word(words[v]);
        // Atlas's declarative workflow: `schema apply` plans the DDL from the desired state (`--to`,
        // or an atlas.hcl env's `schema.src`) and applies it, drops included; `--dry-run` only prints
        // it (atlasgo.io/declarative/apply). `migrate down` reverts applied migrations
        // (atlasgo.io/versioned/down).
        if (tool == "atlas" && v + 2 < words.size()) {
            if (words[v + 1] == "schema" && words[v + 2] == "apply" && !has(v + 3, "--dry-run")) {
                return "this command runs atlas schema apply, which computes the DDL from the desired state and applies it (drops included): "
                       "pgfence does not see that DDL, so what it drops or changes is not reviewed";
            }
            if (words[v + 1] == "migrate" && words[v + 2] == "down") {
                return "this command runs atlas migrate down, which reverts applied migrations: pgfence analyses what the up migrations do, "
                       "not this, so what it drops or changes is not reviewed";
            }
        }
        // Hasura's `migrate apply` runs the down.sql files with `--down N|all`, `--goto V` (down to
        // an older version) or `--version V --type down` (hasura.io/docs/latest/hasura-cli/commands/hasura_migrate_apply).
        if ((tool == "hasura" || tool == "hasura-cli") && v + 2 < words.size() && words[v + 1] == "migrate" && words[v + 2] == "apply") {
            std::string flag;
            if (has(v + 3, "--down")) flag = "--down";
            else if (has(v + 3, "--goto")) flag = "--goto";
            for (std::size_t k = v + 3; k + 1 < words.size() && flag.empty(); ++k) {
                if (words[k] == "--type" && words[k + 1] == "down") flag = "--type down";
            }
            if (flag.empty() && has(v + 3, "--type=down")) flag = "--type down";
            if (!flag.empty()) {
                return "this command runs hasura migrate apply " + flag + ", which runs the down halves (down.sql) of Hasura's migrations: "
                       "pgfence analyses what the up migrations do, not this, so what it drops or changes is not reviewed";
            }
        }
    }
    return "";
}

std::string runner_task_unknown(const std::vector<std::string>& wrapped, std::string_view base, const ReadFile& read, Follow& follow) {
    if (!read) return "";
    const std::vector<std::string> words = unwrap(wrapped).words;
    std::size_t k = 0;
    while (k < words.size() && (words[k] == "-" || words[k].ends_with(":") || words[k] == "RUN" || words[k] == "sudo" ||
                                (!words[k].starts_with("-") && words[k].find('=') != std::string::npos))) {
        ++k;
    }
    if (k + 1 < words.size() && words[k] == "bundle" && words[k + 1] == "exec") k += 2;
    if (k + 1 >= words.size()) return "";
    // The runner, its files (from the folder it runs in) and where its task's name is.
    std::string runner;
    std::vector<std::string_view> files;
    std::size_t t = k + 1;
    if (words[k] == "rake") {
        runner = "rake";
        files = {"Rakefile", "rakefile"};
    } else if (words[k] == "mise" && (words[k + 1] == "run" || words[k + 1] == "r")) {
        runner = "mise";
        files = {"mise.toml", ".mise.toml"};
        t = k + 2;
    } else if (words[k] == "deno" && words[k + 1] == "task") {
        runner = "deno";
        files = {"deno.json", "deno.jsonc"};
        t = k + 2;
    } else if (words[k] == "composer" && (words[k + 1] == "run" || words[k + 1] == "run-script")) {
        runner = "composer";
        files = {"composer.json"};
        t = k + 2;
    } else {
        return "";
    }
    std::string file_given;
    for (; t < words.size() && words[t].starts_with("-"); ++t) {
        if ((words[t] == "-f" || words[t] == "--rakefile" || words[t] == "--config") && t + 1 < words.size()) file_given = words[++t];
    }
    if (t >= words.size()) return "";
    const std::string& task = words[t];
    if (task.find_first_of("$`") != std::string::npos) {
        return "this command runs a " + runner + " task by a computed name (" + printable(task) + "): the commands it runs are not read by pgfence";
    }
    std::string file;
    std::optional<std::string> text;
    if (!file_given.empty()) {
        file = repository_path(base, file_given);
        if (!file.empty()) text = read(file);
    } else {
        for (std::string_view n : files) {
            file = base.empty() ? std::string(n) : std::string(base) + "/" + std::string(n);
            if ((text = read(file))) break;
        }
    }
    // No such file: rake's, mise's and deno's other sources (a Rails app's lib/tasks, mise's file
    // tasks) and a tool's built-in tasks are not read here; what pgfence reads of them is read where it is.
    if (!text || follow.seen.contains(file) || follow.depth >= k_most_script_depth || follow.scripts >= k_most_scripts) return "";
    follow.seen.insert(file);
    ++follow.scripts;
    follow.bytes += text->size();
    ++follow.depth;
    std::string caller = std::exchange(follow.base, std::string(path_folder(file)));
    auto found = command_unknowns(file, task_file_commands(file, *text, task), read, follow, true);
    follow.base = std::move(caller);
    --follow.depth;
    follow.seen.erase(file);  // read again for another task
    if (found.empty()) return "";
    return "this command runs the " + runner + " task " + printable(task) + " of " + printable(file) + ", whose line " +
           std::to_string(found.front().line) + " says: " + found.front().why;
}

namespace {

// Whether a Ruby or Go source loads a PostgreSQL driver: the pg gem (`require "pg"`, `PG.connect`,
// `PG::Connection`), Go's lib/pq, pgx or database/sql.
bool loads_driver(std::string_view text, bool go) {
    if (go) {
        for (std::string_view m : {"\"github.com/lib/pq\"", "\"github.com/jackc/pgx", "\"database/sql\""}) {
            if (text.find(m) != std::string_view::npos) return true;
        }
        return false;
    }
    for (std::string_view m : {"require \"pg\"", "require 'pg'", "require(\"pg\")", "require('pg')", "PG.connect", "PG::Connection"}) {
        if (text.find(m) != std::string_view::npos) return true;
    }
    return false;
}

// A long-running service by its name (`cmd/server`, `web.rb`, `api-server.js`, the module's root
// `main.go`): the application a deploy starts, which connects to its database as any does, not a
// migration run. The service word is the name's first or last part: `purge-api-tokens` and
// `sync-web-data` are one-off programs that name what they work on (red team R90b G1).
bool serves(std::string_view file) {
    std::string_view name = path_name(file);
    name = name.substr(0, name.find('.'));
    if (name.empty() || name == "main") return true;
    std::vector<std::string> parts(1);
    for (char c : name) {
        if (std::isalnum(static_cast<unsigned char>(c)) != 0) parts.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        else if (!parts.back().empty()) parts.emplace_back();
    }
    if (parts.back().empty()) parts.pop_back();
    if (parts.empty()) return false;
    for (std::string_view w : {"server", "serve", "web", "api", "app", "worker", "daemon", "service"}) {
        if (parts.front() == w || parts.back() == w) return true;
    }
    return false;
}

// A Go program's name: its package's folder (`cmd/migrate/main.go` is `migrate`), or the file's.
std::string go_package_name(std::string_view file) {
    if (path_name(file) != "main.go") return std::string(file);
    const std::string_view folder = path_folder(file);
    return folder.empty() ? std::string("main") : std::string(folder);
}

}  // namespace

std::optional<std::string> driver_program(const std::vector<std::string>& wrapped, std::string_view base, const ReadFile& read, GoBuilds* builds) {
    if (!read) return std::nullopt;
    const std::vector<std::string> words = unwrap(wrapped).words;
    std::size_t k = 0;
    while (k < words.size() && (words[k] == "-" || words[k].ends_with(":") || words[k] == "RUN" || words[k] == "sudo" || words[k] == "exec" ||
                                (!words[k].starts_with("-") && words[k].find('=') != std::string::npos))) {
        // A Procfile's `web:` process is the application itself (Heroku: the one that takes HTTP).
        if (words[k] == "web:") return std::nullopt;
        ++k;
    }
    if (k + 1 < words.size() && words[k] == "bundle" && words[k + 1] == "exec") k += 2;
    if (k >= words.size()) return std::nullopt;
    // A Node program (`node F`, tsx, ts-node, bun, deno run; node_drivers.cpp).
    if (node_runner_word(words[k])) return node_driver_program(words, k, base, read);
    // A binary an earlier `go build -o OUT` of such a program made (`./bin/migrate`).
    if (builds && !builds->empty() && words[k].find('/') != std::string::npos) {
        if (const auto it = builds->find(repository_path(base, words[k])); it != builds->end()) return it->second;
    }
    if (k + 1 >= words.size()) return std::nullopt;
    const bool ruby = words[k] == "ruby";
    const bool go = words[k] == "go" && words[k + 1] == "run";
    const bool build = builds && words[k] == "go" && words[k + 1] == "build";
    if (!ruby && !go && !build) return std::nullopt;
    // The program: the first word that is no option (go's -tags, -C, -o take a value; ruby's -I, -r).
    std::size_t a = k + (ruby ? 1 : 2);
    std::string out;
    while (a < words.size() && words[a].starts_with("-")) {
        const std::string& o = words[a];
        if (o == "-o" && a + 1 < words.size()) out = words[a + 1];
        if (o.starts_with("-o=")) out = o.substr(3);
        a += (o == "-tags" || o == "-C" || o == "-ldflags" || o == "-mod" || o == "-o" || o == "-I" || o == "-r") ? 2 : 1;
    }
    if (a >= words.size() || (build && (out.empty() || out.find_first_of("$`") != std::string::npos))) return std::nullopt;
    const std::string_view arg = words[a];
    if (arg.find_first_of("$`") != std::string_view::npos) return std::nullopt;
    std::string file;
    if (ruby) {
        if (!arg.ends_with(".rb")) return std::nullopt;
        file = repository_path(base, arg);
    } else if (arg.ends_with(".go")) {
        file = repository_path(base, arg);
    } else if (arg == "." || arg.starts_with("./") || arg.starts_with("../")) {
        // A package of the module: its main.go (`go run ./cmd/migrate`).
        const std::string folder = repository_path(base, arg);
        if (folder.empty() && arg != ".") return std::nullopt;
        file = folder.empty() || folder == "." ? std::string("main.go") : folder + "/main.go";
    } else {
        return std::nullopt;  // a module's path (`go run github.com/x/y@v1`): not the project's own
    }
    if (file.empty() || serves(ruby ? file : go_package_name(file))) return std::nullopt;
    const auto text = read(file);
    if (!text || !loads_driver(*text, !ruby)) return std::nullopt;
    if (build) {
        // Building runs nothing: the binary runs where a later command names it.
        if (const std::string made = repository_path(base, out); !made.empty() && builds->size() < 64) (*builds)[made] = file;
        return std::nullopt;
    }
    return file;
}

bool serves_name(std::string_view file) { return serves(file); }

std::string driver_program_unknown(const std::vector<std::string>& words, std::string_view base, const ReadFile& read, GoBuilds* builds) {
    const auto file = driver_program(words, base, read, builds);
    if (!file) return "";
    const bool go = file->ends_with(".go"), ruby = file->ends_with(".rb");
    return "this command runs the project's own " + std::string(go ? "Go" : ruby ? "Ruby" : "Node") + " program " + printable(*file) +
           ", which connects to PostgreSQL (" +
           (go ? "database/sql, lib/pq or pgx" : ruby ? "the pg gem" : "it or a module it loads loads pg, postgres, pg-promise, slonik or another driver") +
           ") and which pgfence does not read: what it runs against the database, in what order and transaction, is not seen";
}

}  // namespace deploy_detail

}  // namespace pgfence::analyze::tools
