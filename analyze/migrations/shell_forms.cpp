#include "analyze/migrations/shell_forms.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

#include "analyze/base/text_lines.hpp"
#include "analyze/base/yaml_scalar.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/psql_commands.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/text_programs.hpp"

namespace pgfence::analyze::tools::deploy_detail {
namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && blank(s.back())) s.remove_suffix(1);
    return s;
}

// The text without its shell quotes and backslashes: `p"s"ql` and `'psql'` are psql to the shell
// (bash manual, "Quote Removal").
std::string unquoted(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c != '"' && c != '\'' && c != '\\') out += c;
    }
    return out;
}

// From `i` at `open`, past its matching `close` (nested pairs counted, quotes skipped); the text's
// end when there is none. Linear in what it passes.
std::size_t past_pair(std::string_view s, std::size_t i, char open, char close) {
    int depth = 0;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\\') {
            ++i;
        } else if (c == '\'') {
            const std::size_t q = s.find('\'', i + 1);
            i = q == std::string_view::npos ? s.size() : q;
        } else if (c == open) {
            ++depth;
        } else if (c == close && --depth == 0) {
            return i + 1;
        }
    }
    return s.size();
}

// Where a raw shell word starting at `i` ends: at an unquoted blank or one of `;|&<>)`, with its
// quotes, `${...}`, `$(...)`, `${{ ... }}` and backquotes kept whole.
std::size_t word_end(std::string_view l, std::size_t i) {
    bool dq = false;
    while (i < l.size()) {
        const char c = l[i];
        if (!dq && (blank(c) || c == ';' || c == '|' || c == '&' || c == '<' || c == '>' || c == ')')) return i;
        if (c == '\\') {
            i += 2;
        } else if (c == '\'' && !dq) {
            const std::size_t q = l.find('\'', i + 1);
            i = q == std::string_view::npos ? l.size() : q + 1;
        } else if (c == '"') {
            dq = !dq;
            ++i;
        } else if (c == '$' && i + 1 < l.size() && l[i + 1] == '{') {
            i = past_pair(l, i + 1, '{', '}');
        } else if (c == '$' && i + 1 < l.size() && l[i + 1] == '(') {
            i = past_pair(l, i + 1, '(', ')');
        } else if (c == '`') {
            const std::size_t q = l.find('`', i + 1);
            i = q == std::string_view::npos ? l.size() : q + 1;
        } else if (c == '=' && i + 1 < l.size() && l[i + 1] == '(' && !dq) {
            i = past_pair(l, i + 1, '(', ')');  // an array's assignment `X=(a b)`
        } else {
            ++i;
        }
    }
    return std::min(i, l.size());
}

bool assignment(std::string_view w) {
    const std::size_t eq = w.find('=');
    if (eq == std::string_view::npos || eq == 0) return false;
    const std::string_view name = w.substr(0, eq > 0 && w[eq - 1] == '+' ? eq - 1 : eq);
    return !name.empty() && std::all_of(name.begin(), name.end(), name_char) && std::isdigit(static_cast<unsigned char>(name.front())) == 0;
}

bool passed_over(std::string_view w) {
    for (std::string_view k : {"-", "then", "do", "else", "elif", "if", "while", "until", "!", "sudo", "command", "builtin", "env", "time", "nohup",
                               "exec", "RUN", "{", "}"}) {
        if (w == k) return true;
    }
    return false;
}

// Past the `]]` that closes a `[[` whose words start at `i`: inside it `&&`, `||`, `(`, `)`, `<`
// and `>` are the conditional expression's operators, not a command's end, and its words are
// operands (bash manual, "Conditional Constructs": `[[ expression ]]`, "Word splitting and filename
// expansion are not performed on the words between the [[ and ]]"). openfga's
// `[[ "${{ needs.a.result }}" != "success" || \ "${{ needs.b.result }}" != ... ]]` runs no
// `${{ }}` program (review90 D). `i` itself when no `]]` ends a word on the line.
std::size_t past_conditional(std::string_view l, std::size_t i) {
    for (std::size_t j = i; j < l.size();) {
        const char c = l[j];
        if (c == ';' || c == '\n') return i;  // no `]]` before the command ends (bash: a syntax error)
        if (blank(c) || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>') {
            ++j;
        } else if (l.substr(j).starts_with("]]") && (j + 2 == l.size() || blank(l[j + 2]) || l[j + 2] == ';' || l[j + 2] == '&' ||
                                                     l[j + 2] == '|' || l[j + 2] == ')')) {
            return j + 2;
        } else {
            j = std::max(word_end(l, j), j + 1);
        }
    }
    return i;
}

// A command's program word as written (quotes and expansions kept), for each command of the line,
// and whether a YAML key other than `run:` stands before it on the line.
struct Head {
    std::string_view word;
    bool keyed = false;
    bool run_key = false;
};

std::vector<Head> command_heads(std::string_view l) {
    std::vector<Head> out;
    bool start = true, keyed = false, run_key = false;
    std::size_t i = 0;
    while (i < l.size() && out.size() < 64) {
        const char c = l[i];
        if (blank(c)) {
            ++i;
        } else if (c == '#') {
            break;  // a comment to the line's end (a word that starts with `#`)
        } else if (c == ';' || c == '|' || c == '&' || c == '(' || c == '\n') {
            start = true;
            ++i;
        } else if (c == ')' || c == '<' || c == '>') {
            // `>(cmd)` / `<(cmd)`: a process substitution's command (bash manual, "Process Substitution").
            if ((c == '<' || c == '>') && i + 1 < l.size() && l[i + 1] == '(') {
                start = true;
                i += 2;
                continue;
            }
            if (c != ')') {  // a redirection's word: not the program
                ++i;
                while (i < l.size() && (l[i] == '>' || l[i] == '&' || blank(l[i]))) ++i;
                i = word_end(l, i);
                continue;
            }
            start = false;
            ++i;
        } else {
            const std::size_t end = std::max(word_end(l, i), i + 1);
            const std::string_view w = l.substr(i, end - i);
            i = end;
            if (!start) continue;
            if (passed_over(w) || assignment(w)) continue;
            if (w.ends_with(":")) {
                run_key = w == "run:";
                keyed = !run_key;
                continue;
            }
            out.push_back(Head{w, keyed, run_key});
            start = false;
            if (w == "[[") i = past_conditional(l, i);
        }
    }
    return out;
}

// A program word read as the shell computes it: its literal text with each expansion a mark (\1),
// and the expansions it holds.
struct Parts {
    std::string literal;
    std::vector<std::string_view> substitutions;  // `$(...)`, `...`
    std::vector<std::string> arrays;              // `${X[@]}`, `${X[*]}`
    bool github = false;                          // `${{ ... }}`
};

Parts parts(std::string_view w) {
    Parts p;
    bool dq = false;
    for (std::size_t i = 0; i < w.size(); ++i) {
        const char c = w[i];
        if (c == '"') {
            dq = !dq;
            continue;
        }
        if (c == '\'' && !dq) {
            const std::size_t q = w.find('\'', i + 1);
            const std::size_t e = q == std::string_view::npos ? w.size() : q;
            p.literal += w.substr(i + 1, e - i - 1);
            i = e;
        } else if (c == '\\') {
            if (i + 1 < w.size()) p.literal += w[++i];
        } else if (c == '$' && w.substr(i).starts_with("${{")) {
            const std::size_t e = w.find("}}", i);
            i = e == std::string_view::npos ? w.size() : e + 1;
            p.github = true;
            p.literal += '\1';
        } else if (c == '$' && i + 1 < w.size() && w[i + 1] == '{') {
            const std::size_t e = past_pair(w, i + 1, '{', '}');
            const std::string_view inner = w.substr(i + 2, e > i + 3 ? e - i - 3 : 0);
            const std::size_t b = inner.find('[');
            if (b != std::string_view::npos && (inner.substr(b) == "[@]" || inner.substr(b) == "[*]")) p.arrays.emplace_back(inner.substr(0, b));
            i = e - 1;
            p.literal += '\1';
        } else if (c == '$' && i + 1 < w.size() && w[i + 1] == '(') {
            const std::size_t e = past_pair(w, i + 1, '(', ')');
            if (!(i + 2 < w.size() && w[i + 2] == '(')) p.substitutions.push_back(w.substr(i + 2, e > i + 3 ? e - i - 3 : 0));
            i = e - 1;
            p.literal += '\1';
        } else if (c == '`') {
            const std::size_t q = w.find('`', i + 1);
            const std::size_t e = q == std::string_view::npos ? w.size() : q;
            p.substitutions.push_back(w.substr(i + 1, e - i - 1));
            i = e;
            p.literal += '\1';
        } else if (c == '$' && i + 1 < w.size() && (name_char(w[i + 1]) || w[i + 1] == '@' || w[i + 1] == '*' || w[i + 1] == '#')) {
            ++i;
            if (name_char(w[i])) {
                while (i + 1 < w.size() && name_char(w[i + 1])) ++i;
            }
            p.literal += '\1';
        } else {
            p.literal += c;
        }
    }
    return p;
}

std::string shown(std::string_view w) { return printable(w.substr(0, 80)); }

// The words of `text` from `at` to the `)` that ends an array's assignment, at most 4096 bytes.
std::string_view array_words(std::string_view text, std::size_t at) {
    const std::size_t e = std::min(past_pair(text, at, '(', ')'), std::min(text.size(), at + 4096));
    return text.substr(at, e - at);
}

}  // namespace

bool names_database_tool(std::string_view text) {
    const std::string t = unquoted(text);
    if (psql_detail::mentions_client(t)) return true;
    for (std::string_view tool : {"knex", "typeorm", "sequelize", "node-pg-migrate", "db-migrate", "drizzle-kit", "mikro-orm", "graphile-migrate", "dbmate",
                                  "flyway", "liquibase", "sqitch", "goose"}) {
        if (t.find(tool) != std::string::npos) return true;
    }
    return false;
}

ShellNames shell_names(std::string_view text) {
    ShellNames out;
    std::string open;          // the function whose body the lines are in
    bool open_tool = false;    // its body so far names a database tool
    bool open_args = false;    // its body so far uses the call's arguments (`"$@"`, `$*`, `$1`)
    std::size_t run_indent = std::string_view::npos;  // the `run:` key's column whose block scalar the lines are in
    std::size_t n = 0;
    out.run_lines.push_back(0);
    for (std::size_t at = 0; at <= text.size() && out.functions.size() + out.aliases.size() + out.arrays.size() < 1024;) {
        const std::size_t nl = std::min(text.find('\n', at), text.size());
        const std::string_view line = text.substr(at, nl - at);
        at = nl + 1;
        ++n;
        const std::size_t indent = line.find_first_not_of(" \t");
        const std::string_view t = trim(line);
        // A workflow's `run: |` block: the lines more indented than its key (YAML 1.2 §8.1).
        bool in_run = false;
        if (run_indent != std::string_view::npos) {
            if (t.empty() || (indent != std::string_view::npos && indent > run_indent)) in_run = true;
            else run_indent = std::string_view::npos;
        }
        if (!in_run) {
            std::string_view k = t;
            if (k.starts_with("- ")) k = trim(k.substr(2));
            if (k.starts_with("run:")) {
                const std::string_view v = trim(k.substr(4));
                if (!v.empty() && (v.front() == '|' || v.front() == '>')) run_indent = indent + (t.starts_with("- ") ? 2 : 0);
            }
        }
        if (out.run_lines.size() < 1 << 20) out.run_lines.push_back(in_run ? 1 : 0);
        // A function's definition: `name() {` or `function name`, its body to a line that is `}`
        // (or the same line's `}`).
        std::string_view def = t;
        if (def.starts_with("function ")) def = trim(def.substr(9));
        std::size_t name_end = 0;
        while (name_end < def.size() && (name_char(def[name_end]) || def[name_end] == '-' || def[name_end] == ':' || def[name_end] == '.')) ++name_end;
        const std::string_view after = trim(def.substr(name_end));
        const bool defines = name_end > 0 && (after.starts_with("()") || (t.starts_with("function ") && (after.empty() || after.starts_with("{"))));
        if (defines) {
            open = std::string(def.substr(0, name_end));
            open_tool = open_args = false;
        }
        if (!open.empty()) {
            const std::string_view body = defines ? after : t;
            open_tool = open_tool || names_database_tool(body);
            for (std::size_t d = body.find('$'); d != std::string_view::npos && !open_args; d = body.find('$', d + 1)) {
                const std::size_t k = d + 1 < body.size() && body[d + 1] == '{' ? d + 2 : d + 1;
                open_args = k < body.size() && (body[k] == '@' || body[k] == '*' || (body[k] >= '1' && body[k] <= '9'));
            }
            // Another function of the script that runs a tool, called in this body.
            for (const Head& h : command_heads(defines ? after.substr(std::min<std::size_t>(2, after.size())) : t)) {
                open_tool = open_tool || out.functions.contains(unquoted(h.word)) || out.aliases.contains(unquoted(h.word));
            }
            if (t.starts_with("}") || (defines && t.ends_with("}"))) {
                // A body that does not take the call's arguments is read where it stands.
                if (open_tool && open_args) out.functions.insert(open);
                open.clear();
            }
        }
        // `alias name='value'` (several on a line): the value names a database tool.
        for (std::size_t a = line.find("alias "); a != std::string_view::npos; a = line.find("alias ", a + 6)) {
            std::size_t b = a + 6;
            while (b < line.size() && blank(line[b])) ++b;
            std::size_t e = b;
            while (e < line.size() && line[e] != '=' && !blank(line[e])) ++e;
            if (e >= line.size() || line[e] != '=' || e == b) continue;
            const std::size_t v = e + 1;
            const std::size_t ve = v < line.size() ? word_end(line, v) : v;
            if (names_database_tool(line.substr(v, ve - v))) out.aliases.emplace(line.substr(b, e - b));
        }
        // `X=(words)`, `X+=(words)`, `local X=(...)`, `declare -a X=(...)`.
        for (std::size_t p = line.find("=("); p != std::string_view::npos; p = line.find("=(", p + 2)) {
            std::size_t b = p > 0 && line[p - 1] == '+' ? p - 1 : p;
            const std::size_t e = b;
            while (b > 0 && name_char(line[b - 1])) --b;
            if (b == e) continue;
            const std::string_view words = array_words(text, static_cast<std::size_t>(line.data() - text.data()) + p + 1);
            bool& tool = out.arrays[std::string(line.substr(b, e - b))];
            tool = tool || names_database_tool(words);
        }
    }
    return out;
}

// A workflow's `run: "..."` or `run: '...'` on one line: the shell's text is the YAML scalar's
// value, quotes gone (YAML 1.2.2 §7.3), so `run: "yarn check ${{ github.ref_name }}"` runs yarn;
// nullopt for any other line.
static std::optional<std::string> quoted_run_value(std::string_view line) {
    std::string_view l = trim_blanks(line);
    if (l.starts_with("- ")) l = trim_blanks(l.substr(2));
    if (!l.starts_with("run:")) return std::nullopt;
    const std::string_view rest = trim_blanks(l.substr(4));
    if (rest.empty() || (rest.front() != '"' && rest.front() != '\'')) return std::nullopt;
    std::size_t end = 0;
    std::optional<std::string> value = yaml_quoted(rest, end);
    const std::string_view after = trim_blanks(rest.substr(end));
    if (!value || !(after.empty() || after.front() == '#')) return std::nullopt;
    return "run: " + *value;
}

std::string shell_form_why(std::string_view line, const ShellNames* names, bool workflow, bool run_line) {
    const std::optional<std::string> unquoted = workflow && !run_line ? quoted_run_value(line) : std::nullopt;
    if (unquoted) line = *unquoted;
    if (line.find_first_of("$`\"'\\") == std::string_view::npos && (names == nullptr || (names->functions.empty() && names->aliases.empty()))) return "";
    for (const Head& h : command_heads(line)) {
        const Parts p = parts(h.word);
        // GitHub puts an expression's value in before the shell runs (docs.github.com, "Evaluate
        // expressions in workflows and actions"): one left unresolved at a command's head is its program.
        // A folder it names (`${{ github.action_path }}/run.sh`) leaves the file's name the program.
        const std::size_t slash = p.literal.rfind('/');
        const std::string_view last = std::string_view(p.literal).substr(slash == std::string::npos ? 0 : slash + 1);
        if (p.github && workflow && !h.keyed && (h.run_key || run_line) && last.find('\1') != std::string_view::npos) {
            return "this command's program " + shown(h.word) +
                   " is a GitHub expression pgfence does not resolve to a literal, substituted before the shell runs: what runs is not read by pgfence";
        }
        for (std::string_view s : p.substitutions) {
            if (names_database_tool(s)) {
                return "this command's program " + shown(h.word) +
                       " is the output of a command substitution that names a database tool: what runs is not read by pgfence";
            }
        }
        for (const std::string& a : names != nullptr ? p.arrays : std::vector<std::string>{}) {
            const auto it = names->arrays.find(a);
            if (it == names->arrays.end() || it->second) {
                return "this command's program is the array " + shown(a) +
                       (it == names->arrays.end() ? std::string(" that pgfence does not see assigned") : std::string(", whose words name a database tool")) +
                       ": what it runs is not read by pgfence";
            }
        }
        // Every expansion taken out (`${PGBIN:-}psql`, `${PGBIN:+$PGBIN/}psql`), then the last path part.
        if (last.find('\1') != std::string_view::npos) {
            std::string name(last);
            std::erase(name, '\1');
            if (names_database_tool(name)) {
                return "this command's program " + shown(h.word) +
                       " is computed (an expansion next to a database tool's name, the tool itself when it is empty): what runs is not read by pgfence";
            }
        }
        if (names != nullptr && p.literal.find('\1') == std::string::npos) {
            if (names->functions.contains(p.literal)) {
                return "this line calls the shell function " + shown(p.literal) + ", whose body runs a database tool with this call's arguments: review it";
            }
            if (names->aliases.contains(p.literal)) {
                return "this line runs the alias " + shown(p.literal) + ", which names a database tool: what it runs is not read by pgfence";
            }
        }
    }
    return "";
}

bool inline_text_runs(std::string_view text) {
    bool runs = names_database_tool(text);
    // A call that runs a command or a database library, as a word of its own (`os.system(`,
    // not `platform.system()`; `execSync`, not `sys.executable`).
    for (std::string_view call : {"os.system", "os.popen", "os.exec", "os.spawn", "subprocess", "pty.spawn", "child_process", "execSync",
                                  "execFile", "spawn", "Popen", "popen", "psycopg", "asyncpg", "sqlalchemy", "pg8000", "DBI->", "'pg'",
                                  "\"pg\"", "PG.connect", "PG::", "`", "%x"}) {
        runs = runs || text.find(call) != std::string_view::npos;
    }
    for (std::string_view call : {"system", "exec", "eval", "qx"}) {
        for (std::size_t f = text.find(call); f != std::string_view::npos && !runs; f = text.find(call, f + 1)) {
            const std::size_t e = f + call.size();
            const bool before = f == 0 || (!name_char(text[f - 1]) && text[f - 1] != '.' && text[f - 1] != '$');
            const bool after = e >= text.size() || text[e] == '(' || text[e] == ' ' || text[e] == '{' || text[e] == '"' || text[e] == '\'';
            runs = before && after;
        }
    }
    return runs;
}

bool interpreter_name(std::string_view p) {
    return p.starts_with("python") || p == "perl" || p == "ruby" || p == "node" || p == "nodejs" || p == "bun" || p == "deno";
}

std::string inline_program_why(std::string_view line) {
    if (line.find(" -") == std::string_view::npos) return "";
    for (const auto& c : psql_detail::shell_commands(line)) {
        const auto& w = c.words;
        const std::size_t at = psql_detail::program_at(w);
        if (at >= w.size()) continue;
        const std::string_view p = w[at].substr(w[at].rfind('/') == std::string::npos ? 0 : w[at].rfind('/') + 1);
        const bool python = p.starts_with("python");
        const bool perl = p == "perl" || p == "ruby";
        const bool node = p == "node" || p == "nodejs" || p == "bun" || p == "deno";
        if (!python && !perl && !node) continue;
        for (std::size_t j = at + 1; j + 1 < w.size(); ++j) {
            const std::string_view o = w[j];
            // The first word that is no option is the script, whose own arguments follow (`-m`: a module).
            if (!o.starts_with("-") || o == "-m" || o == "--") break;
            if (o == "-r" || o == "--require" || o == "--import" || o == "--loader" || o == "-W" || o == "-X" || o == "-I") {
                ++j;  // an option's value (node's preload, python's warnings and -X, ruby's and perl's include folder)
                continue;
            }
            // python's -c, perl's and ruby's -e/-E (alone or after other letters: `-ne`, `-pe`),
            // node's -e/--eval/-p/--print (python -h, perlrun, ruby -h, node --help).
            const bool program = o.starts_with("-") && !o.starts_with("--") ? (python ? o.ends_with("c") : perl ? (o.ends_with("e") || o.ends_with("E")) : (o == "-e" || o == "-p" || o == "-pe"))
                                                                              : (node && (o == "--eval" || o == "--print"));
            if (!program) continue;
            const std::string_view text = w[j + 1];
            if (inline_text_runs(text)) {
                return "this line's inline " + std::string(p.substr(0, 16)) + " program runs a command or a database client (" +
                       shown(text.substr(0, 60)) + "): what it runs is not read by pgfence";
            }
            break;
        }
    }
    return "";
}

std::string program_file_why(std::string_view line, const std::string* folder, const ReadFile& read) {
    if (line.find("-f") == std::string_view::npos && line.find("--file") == std::string_view::npos) return "";
    for (const auto& c : psql_detail::shell_commands(line)) {
        const auto& w = c.words;
        const std::size_t at = psql_detail::program_at(w);
        if (at >= w.size()) continue;
        const std::string_view p = w[at].substr(w[at].rfind('/') == std::string::npos ? 0 : w[at].rfind('/') + 1);
        const bool sed = p == "sed" || p == "gsed";
        const bool awk = p == "awk" || p == "gawk" || p == "mawk" || p == "nawk";
        if (!sed && !awk) continue;
        for (std::size_t j = at + 1; j < w.size(); ++j) {
            const std::string_view o = w[j];
            std::string file;
            // sed's -f FILE / --file=FILE, awk's -f FILE / -fFILE (gawk --file=FILE): the program's text.
            if (o == "-f" || o == "--file") file = j + 1 < w.size() ? w[++j] : std::string();
            else if (o.starts_with("--file=")) file = o.substr(7);
            else if (o.starts_with("-f") && awk) file = o.substr(2);
            else if (o.starts_with("-") && !o.starts_with("--") && o.ends_with("f") && sed) file = j + 1 < w.size() ? w[++j] : std::string();  // `-nf FILE`
            else continue;
            std::optional<std::string> text;
            const std::string path = !folder || file.empty() || file.find_first_of("$`") != std::string::npos || file == "-" ? std::string() : repository_path(*folder, file);
            if (!path.empty() && read) text = read(path);
            if (!text) {
                return "this line's " + std::string(p) + " reads its program from " + shown(file.empty() ? std::string_view("?") : std::string_view(file)) +
                       ", which is not a repository file pgfence reads: what it runs is not known";
            }
            if ((sed ? sed_script(*text) : awk_program(*text)) == ProgramEffect::runs) {
                return "this line's " + std::string(p) + " program in " + shown(path) + " runs a shell command (" +
                       (sed ? "sed's `e` command or the `e` flag of `s`" : "system(), a pipe or getline") + "): the command is not read by pgfence";
            }
        }
    }
    return "";
}

}  // namespace pgfence::analyze::tools::deploy_detail
