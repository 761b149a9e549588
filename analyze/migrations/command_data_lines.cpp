#include "analyze/migrations/command_data_lines.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/text_programs.hpp"

namespace pgfence::analyze::tools::deploy_detail {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// The physical lines of `text`, without their `\r`.
std::vector<std::string_view> physical_lines(std::string_view text) {
    std::vector<std::string_view> out;
    for (std::size_t at = 0; at <= text.size();) {
        const std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        out.push_back(l);
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    }
    return out;
}

// An action input whose value may be a command the action runs (`run`, `command`, `script`,
// `args` of a docker:// action, cypress's `start` and `build`, ...): read as before. Any other
// (`images`, `tags`, `path`, `key`) is a value the action reads as data.
bool command_like_input(std::string_view key) {
    std::string k;
    for (char c : key) k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view w : {"run", "cmd", "command", "script", "exec", "start", "build", "deploy", "release", "args", "entrypoint", "migrat", "shell",
                               "install", "setup", "hook", "before", "after", "pre", "post", "task", "job", "test"}) {
        if (k.find(w) != std::string::npos) return true;
    }
    return false;
}

// Whether an action's input is data the action reads, no command it runs. An input whose name says
// it may be a command (command_like_input) never is. Of the actions GitHub and Docker publish for
// checkout, caching, setup, artifacts and images (their action.yml run no input as a shell command),
// every other input is data; of any other action (a third party's, a local one, docker://) only an
// input whose name is one of those common data names (`images`, `tags`, `path`, `key`,
// `node-version`, ...): `sql:`, `query:` or `migrations:` of an unknown action is read as before,
// as what the action does with it is not known.
bool data_input(std::string_view key, std::string_view uses) {
    if (command_like_input(key)) return false;
    std::string_view action = uses;
    if (!action.empty() && (action.front() == '"' || action.front() == '\'')) action.remove_prefix(1);
    action = action.substr(0, action.find('@'));
    for (std::string_view known : {"actions/checkout", "actions/cache", "actions/cache/restore", "actions/cache/save", "actions/setup-node",
                                   "actions/setup-python", "actions/setup-go", "actions/setup-java", "actions/upload-artifact",
                                   "actions/download-artifact", "docker/metadata-action", "docker/login-action", "docker/setup-buildx-action",
                                   "docker/setup-qemu-action", "docker/build-push-action", "pnpm/action-setup"}) {
        if (action == known) return true;
    }
    std::string k;
    for (char c : key) k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view d : {"images", "tags", "labels", "flavor", "platforms", "path", "paths", "key", "restore-keys", "name", "version", "node-version",
                               "python-version", "go-version", "java-version", "cache", "cache-dependency-path", "fetch-depth", "ref", "repository",
                               "token", "github-token", "registry", "username", "password", "retention-days", "if-no-files-found", "file", "files"}) {
        if (k == d) return true;
    }
    return false;
}

// A YAML block scalar's indicator (`|`, `>-`, `|2+`), with an optional comment: the value's lines follow.
bool block_indicator(std::string_view value) {
    if (value.empty() || (value.front() != '|' && value.front() != '>')) return false;
    std::size_t i = 1;
    while (i < value.size() && (value[i] == '-' || value[i] == '+' || std::isdigit(static_cast<unsigned char>(value[i])) != 0)) ++i;
    const std::string_view rest = trim(value.substr(i));
    return rest.empty() || rest.front() == '#';
}

// A GitHub workflow or action, read by indentation in one pass: a line under `matrix:` (a value the
// runner substitutes where `${{ matrix.X }}` names it: workflow_values.hpp reads it there), under an
// action's data input, or in the `script:` of an actions/github-script step (its JavaScript,
// github.com/actions/github-script README: "the script is the body of an async function").
// `prior`: the steps' `uses:` values a first pass found (a step's `uses:` may stand after its
// `with:`); returns those this pass found.
std::vector<std::string> read_workflow(const std::vector<std::string_view>& lines, DataLines& out, const std::vector<std::string>* prior) {
    struct Key {
        std::size_t column;
        bool open;   // its value is on the lines below (no value on its line)
        bool data;
        bool with;   // an action's inputs
        int item;    // the list item (a step) the key is in
    };
    std::vector<Key> keys;
    std::vector<std::pair<std::size_t, int>> items;  // open list items: the column of their keys, their id
    std::vector<std::string> uses;                   // by item: its `uses:` value
    struct Candidate {
        int line, item, first, last;
    };
    std::vector<Candidate> scripts;
    struct Block {
        std::size_t column;
        bool data;
        int candidate;  // into scripts, or -1
    };
    std::optional<Block> block;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const std::string_view l = lines[i];
        const std::size_t indent = l.find_first_not_of(" \t");
        if (block && (indent == std::string_view::npos || indent > block->column)) {
            out.data[i] = block->data ? 1 : 0;
            if (block->candidate >= 0) scripts[static_cast<std::size_t>(block->candidate)].last = static_cast<int>(i);
            continue;
        }
        block.reset();
        if (indent == std::string_view::npos || l[indent] == '#') continue;
        std::string_view rest = l.substr(indent);
        std::size_t column = indent;
        bool dash = false;
        while (rest == "-" || rest.starts_with("- ")) {
            dash = true;
            const std::size_t skip = rest.size() == 1 ? 1 : rest.find_first_not_of(' ', 1);
            if (skip == std::string_view::npos) {
                rest = {};
                break;
            }
            rest = rest.substr(skip);
            column += skip;
        }
        // The key (`name:` then a blank or the line's end), plain or quoted.
        std::string_view key;
        std::string_view value;
        {
            std::size_t k = 0;
            if (!rest.empty() && (rest.front() == '"' || rest.front() == '\'')) {
                const std::size_t close = rest.find(rest.front(), 1);
                k = close == std::string_view::npos ? std::string_view::npos : close + 1;
            } else {
                k = rest.find(':');
                while (k != std::string_view::npos && k + 1 < rest.size() && rest[k + 1] != ' ' && rest[k + 1] != '\t') k = rest.find(':', k + 1);
            }
            if (k != std::string_view::npos && k < rest.size() && rest[k] == ':' && (k + 1 == rest.size() || rest[k + 1] == ' ' || rest[k + 1] == '\t')) {
                key = trim(rest.substr(0, k));
                if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'')) key = key.substr(1, key.size() - 2);
                value = trim(rest.substr(k + 1));
            }
        }
        // The keys this line is under: a list item's dash may stand at its parent key's column.
        const std::size_t under = dash ? indent : column;
        while (!keys.empty() && (keys.back().column > under || (keys.back().column == under && !(dash && keys.back().open)))) keys.pop_back();
        if (!key.empty()) {
            while (!items.empty() && (items.back().first > column || (dash && items.back().first == column))) items.pop_back();
            if (dash) {
                if (uses.size() < 4096) {
                    items.emplace_back(column, static_cast<int>(uses.size()));
                    uses.emplace_back();
                }
            }
        }
        const Key* parent = keys.empty() ? nullptr : &keys.back();
        bool data = parent != nullptr && parent->data;
        if (key.empty()) {
            out.data[i] = data ? 1 : 0;
            continue;
        }
        const int item = !items.empty() && items.back().first == column ? items.back().second : -1;
        if (key == "uses" && item >= 0) uses[static_cast<std::size_t>(item)] = std::string(value.substr(0, 256));
        if (key == "matrix") data = true;
        const bool input = parent != nullptr && parent->with;
        if (input && prior != nullptr) {
            const int step = parent->item;
            const std::string_view step_uses = step >= 0 && static_cast<std::size_t>(step) < prior->size() ? std::string_view((*prior)[static_cast<std::size_t>(step)]) : std::string_view();
            if (data_input(key, step_uses)) data = true;
        }
        out.data[i] = data ? 1 : 0;
        int candidate = -1;
        if (input && key == "script" && scripts.size() < 256) {
            candidate = static_cast<int>(scripts.size());
            scripts.push_back(Candidate{static_cast<int>(i), parent->item, static_cast<int>(i), static_cast<int>(i)});
        }
        const bool open = value.empty() || value.front() == '#';
        if (block_indicator(value)) block = Block{column, data, candidate};
        keys.push_back(Key{column, open, data, key == "with", key == "with" ? item : parent != nullptr ? parent->item : -1});
    }
    // The github-script steps' scripts: JavaScript, read as such (their lines are no shell's).
    for (const auto& c : scripts) {
        if (c.item < 0) continue;
        const std::string& u = uses[static_cast<std::size_t>(c.item)];
        if (!u.starts_with("actions/github-script@") && !u.starts_with("\"actions/github-script@") && !u.starts_with("'actions/github-script@")) continue;
        ScriptBlock b{c.line, std::string(static_cast<std::size_t>(c.line - 1), '\n')};
        for (int n = c.line; n <= c.last; ++n) {
            std::string_view l = lines[static_cast<std::size_t>(n)];
            if (n == c.line) l = l.substr(l.find("script:") + 7);
            b.text.append(l);
            b.text += '\n';
            out.data[static_cast<std::size_t>(n)] = 1;
        }
        out.github_scripts.push_back(std::move(b));
    }
    return uses;
}

}  // namespace

DataLines data_lines(std::string_view path, std::string_view text) {
    DataLines out;
    const std::string_view name = path_name(path);
    const bool workflow = (path.starts_with(".github/workflows/") || path.starts_with(".github/actions/")) && (name.ends_with(".yml") || name.ends_with(".yaml"));
    if (!workflow && name != "vercel.json") return out;
    const auto lines = physical_lines(text);
    out.data.assign(lines.size() + 1, 0);
    std::vector<std::string_view> numbered(1);
    numbered.insert(numbered.end(), lines.begin(), lines.end());
    if (workflow) {
        DataLines first;
        first.data.assign(out.data.size(), 0);
        const std::vector<std::string> uses = read_workflow(numbered, first, nullptr);
        read_workflow(numbered, out, &uses);
        return out;
    }
    // vercel.json: its commands are the values of buildCommand, installCommand, devCommand and
    // ignoreCommand (vercel.com/docs/project-configuration/vercel-json); its routes (`rewrites`,
    // `redirects`, `headers`: `source` patterns), crons' paths and the rest are data. A key's value
    // may stand on the next line.
    bool after_key = false;
    for (std::size_t n = 1; n < numbered.size(); ++n) {
        const std::string_view l = numbered[n];
        bool command = after_key;
        after_key = false;
        for (std::string_view k : {"\"buildCommand\"", "\"installCommand\"", "\"devCommand\"", "\"ignoreCommand\""}) {
            const std::size_t at = l.find(k);
            if (at == std::string_view::npos) continue;
            command = true;
            const std::string_view tail = trim(l.substr(at + k.size()));
            if (tail.empty() || tail == ":") after_key = true;
        }
        if (trim(l).empty() && command) after_key = true;
        out.data[n] = command ? 0 : 1;
    }
    return out;
}

namespace {

// At `at`, a call's literal argument naming one of Node's modules that start no program and load
// no code (`require('fs')`, `import('node:path')`).
bool builtin_module(std::string_view t, std::size_t at) {
    while (at < t.size() && (t[at] == ' ' || t[at] == '\t')) ++at;
    if (at >= t.size() || t[at] != '(') return false;
    ++at;
    while (at < t.size() && (t[at] == ' ' || t[at] == '\t')) ++at;
    if (at >= t.size() || (t[at] != '\'' && t[at] != '"' && t[at] != '`')) return false;
    const std::size_t close = t.find(t[at], at + 1);
    if (close == std::string_view::npos) return false;
    std::string_view name = t.substr(at + 1, close - at - 1);
    if (name.starts_with("node:")) name.remove_prefix(5);
    for (std::string_view m : {"fs", "fs/promises", "path", "os", "util", "url", "crypto", "assert", "events", "zlib", "readline", "querystring",
                               "string_decoder", "buffer", "stream", "timers"}) {
        if (name == m) return true;
    }
    return false;
}

}  // namespace

std::vector<CommandUnknown> github_script_unknowns(std::string_view path, const ScriptBlock& block, const ReadFile& read, Follow& follow) {
    // Its `exec` argument's calls with a literal command line are read as a script's commands
    // (review89 E); another use of `exec` stays unknown below.
    std::vector<Spawned> spawned = spawned_commands(block.text, false);
    for (auto& s : actions_exec_commands(block.text)) spawned.push_back(std::move(s));
    std::stable_sort(spawned.begin(), spawned.end(), [](const Spawned& a, const Spawned& b) { return a.line < b.line; });
    std::vector<CommandUnknown> out = spawned_unknowns(path, spawned, read, follow);
    const std::string_view t = block.text;
    const auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$'; };
    int line = 1;
    std::size_t counted = 0;
    for (std::size_t i = 0; i < t.size() && out.size() < 64; ++i) {
        if (!ident(t[i]) || (i > 0 && ident(t[i - 1]))) continue;
        std::size_t e = i;
        while (e < t.size() && ident(t[e])) ++e;
        const std::string_view word = t.substr(i, e - i);
        i = e - 1;
        // github-script's arguments that run a program or load code (its README: `exec`, `require`
        // relative to the workspace, `import`), and JavaScript's own eval and Function.
        // A method of another object (`/x/.exec(s)`, a RegExp's) is not github-script's `exec`.
        const bool member = i >= word.size() && t[i - word.size()] == '.';
        std::string_view what;
        if (!member && word == "exec" && actions_exec_at(t, i + 1) != 0) continue;  // read above
        if (!member && (word == "exec" || word == "execa" || word == "spawn")) what = "runs a program";
        else if (!member && (word == "require" || word == "import") && !builtin_module(t, i + 1)) what = "loads a module";
        else if ((!member && (word == "eval" || word == "Function")) || word == "constructor" || word == "binding" || word == "dlopen" || word == "mainModule") what = "evaluates code";
        if (what.empty()) continue;
        for (; counted < i; ++counted) line += t[counted] == '\n' ? 1 : 0;
        if (std::any_of(out.begin(), out.end(), [&](const CommandUnknown& u) { return u.line == line; })) continue;
        out.push_back(CommandUnknown{line, "this actions/github-script step's JavaScript " + std::string(what) + " (" + std::string(word) +
                                               "), which pgfence does not follow: what it runs (a migration tool, its down direction) is not known",
                                     {}, {}});
    }
    std::sort(out.begin(), out.end(), [](const CommandUnknown& a, const CommandUnknown& b) { return a.line < b.line; });
    return out;
}

char shell_quote_state(std::string_view line, char quote, std::string& program) {
    std::string first;  // the first word of the simple command being read
    bool word_start = true;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quote == '\'') {
            if (c == '\'') quote = 0;
            continue;
        }
        if (c == '\\') {
            ++i;
            continue;
        }
        if (quote == '"') {
            if (c == '"') quote = 0;
            continue;
        }
        if (c == '#' && word_start) break;  // a comment (bash manual, "Comments")
        if (c == '\'' || c == '"') {
            quote = c;
            program = first;
            word_start = false;
            continue;
        }
        if (c == ';' || c == '|' || c == '&' || c == '(' || c == ')') {
            first.clear();
            word_start = true;
            continue;
        }
        if (c == ' ' || c == '\t') {
            if (!first.empty() && first.back() != ' ') first += ' ';
            word_start = true;
            continue;
        }
        word_start = false;
        if (first.empty() || first.back() != ' ') {
            if (first.size() < 64) first += c;
        }
    }
    if (!first.empty() && first.back() == ' ') first.pop_back();
    if (const std::size_t sp = program.find(' '); sp != std::string::npos) program.resize(sp);
    return quote;
}

std::string heredoc_word(std::string_view line) {
    for (std::size_t at = line.find("<<"); at != std::string_view::npos; at = line.find("<<", at + 2)) {
        std::size_t i = at + 2;
        if (i < line.size() && line[i] == '<') {  // `<<<`: a here-string
            at = i;
            continue;
        }
        if (i < line.size() && line[i] == '-') ++i;
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        std::string word;
        for (; i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != ';' && line[i] != '|' && line[i] != '&' && line[i] != ')' && line[i] != '<' && line[i] != '>'; ++i) {
            if (line[i] != '\'' && line[i] != '"' && line[i] != '\\') word += line[i];
        }
        if (!word.empty()) return word;
    }
    return "";
}

bool heredoc_is_data(std::string_view line) {
    // A pipe may hand cat's output to a shell (`cat <<EOF | sh`); a substitution or eval runs it.
    if (line.find_first_of("|`") != std::string_view::npos || line.find("$(") != std::string_view::npos || line.find("eval") != std::string_view::npos) {
        return false;
    }
    bool found = false;
    for (const auto& words : simple_commands(line)) {
        if (std::none_of(words.begin(), words.end(), [](const std::string& w) { return w.starts_with("<<") && !w.starts_with("<<<"); })) continue;
        found = true;
        std::size_t c = 0;
        while (c < words.size() && (words[c] == "-" || words[c].ends_with(":") || words[c] == "then" || words[c] == "do" || words[c] == "else" ||
                                    words[c] == "sudo" || (words[c].find('=') != std::string::npos && !words[c].starts_with("-")))) {
            ++c;
        }
        if (c >= words.size() || (words[c] != "cat" && words[c] != "tee")) return false;
        // The files it writes: one a deploy may run after (a literal script, `> bin/migrate`, a
        // file of no extension) keeps its body read as commands. Running a computed name is
        // unknown where it runs (script_unknown), a literal file not of the repository is not.
        const bool tee = words[c] == "tee";
        for (std::size_t k = c + 1; k < words.size(); ++k) {
            std::string_view w = words[k];
            if (w.starts_with("<<")) {  // the here-document's word: `<<EOF`, or `<<` `EOF`
                if (w == "<<" || w == "<<-") ++k;
                continue;
            }
            bool target = tee && !w.starts_with("-");
            if (w.starts_with(">") || w.starts_with("1>") || w.starts_with("2>")) {
                w = w.substr(w.find('>'));
                while (w.starts_with(">") || w.starts_with("|")) w.remove_prefix(1);
                if (w.empty() && k + 1 < words.size()) w = words[++k];
                target = true;
            }
            if (!target || w.empty() || w.find('$') != std::string_view::npos || w.starts_with("&")) continue;
            const std::string_view name = path_name(w);
            const std::size_t dot = name.rfind('.');
            if (dot == std::string_view::npos || dot == 0) {
                if (name.starts_with(".env") || w.starts_with("/dev/")) continue;
                return false;
            }
            const std::string_view ext = name.substr(dot);
            for (std::string_view e : {".sh", ".bash", ".zsh", ".ksh", ".command", ".run", ".js", ".mjs", ".cjs", ".ts", ".py", ".rb", ".pl", ".sql", ".psql", ".mk"}) {
                if (ext == e) return false;
            }
            if (name == "Makefile" || name == "justfile") return false;
        }
    }
    return found;
}

std::size_t quote_end(std::string_view line, char quote) {
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (quote == '"' && line[i] == '\\') ++i;
        else if (line[i] == quote) return i + 1;
    }
    return std::string_view::npos;
}

bool quoted_text_line(std::string_view program, std::string_view line, char quote) {
    const std::string_view p = program.substr(program.rfind('/') == std::string_view::npos ? 0 : program.rfind('/') + 1);
    if (p == "grep" || p == "egrep" || p == "fgrep" || p == "jq" || p == "echo" || p == "printf") return true;
    // awk and sed only where their program is proven to print text (text_programs.hpp, red team
    // R88b F1): no sed `e` command or `s///e` flag, whatever the delimiter or the flags before it,
    // no file it writes or reads; no awk system(), getline, pipe or output file.
    if (p == "awk" || p == "gawk" || p == "mawk" || p == "nawk" || p == "busybox-awk") return awk_program(line) == ProgramEffect::text;
    if (p == "sed" || p == "gsed") return sed_script(line, quote) == ProgramEffect::text;
    return false;
}

}  // namespace pgfence::analyze::tools::deploy_detail
