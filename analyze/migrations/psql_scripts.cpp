#include "analyze/migrations/psql_scripts.hpp"

#include <algorithm>
#include <string>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/other_runners.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/yaml_exec.hpp"

namespace pgfence::analyze::tools {
namespace {

enum class Language { none, shell, ruby, python, other };

Language language_of(std::string_view path, std::string_view text) {
    const std::string_view name = path_name(path);
    if (name.ends_with(".py")) return Language::python;
    if (name.ends_with(".rb") || name.ends_with(".rake") || name == "Rakefile" || name == "rakefile" || name == "Capfile") return Language::ruby;
    if (!text.starts_with("#!")) return Language::none;
    const std::string_view first = text.substr(0, text.find('\n'));
    if (first.find("python") != std::string_view::npos) return Language::python;
    if (first.find("ruby") != std::string_view::npos) return Language::ruby;
    for (std::string_view sh : {"sh", "bash", "zsh", "dash", "ksh"}) {
        const std::size_t at = first.rfind(sh);
        if (at != std::string_view::npos && (at == 0 || first[at - 1] == '/' || first[at - 1] == ' ') &&
            (at + sh.size() == first.size() || first[at + sh.size()] == ' ' || first[at + sh.size()] == '\r')) {
            return Language::shell;
        }
    }
    return Language::other;
}

struct Token {
    enum Kind { string, punct, other } kind = other;
    std::string text;
    int line = 1;
    bool computed = false;  // an f-string, or interpolation (#{...}) in a Ruby string
};

// The tokens of a Ruby or Python script (or another interpreter's, read the same way): its string
// literals ('...', "...", Python's triple quotes, backticks) with their escapes read, punctuation,
// and the rest; `#` outside a string starts a comment. Linear in the text.
std::vector<Token> tokens(std::string_view t, Language lang) {
    std::vector<Token> out;
    int line = 1;
    // Ruby's interpolation "#{...}" at t[i], on one line: a computed value ($ for the shell
    // reading); `i` is left on its closing brace.
    auto interpolation = [&](std::size_t& i, Token& tok) {
        if (t[i] != '#' || i + 1 >= t.size() || t[i + 1] != '{') return false;
        const std::size_t end = t.find('}', i);
        if (end == std::string_view::npos || t.substr(i, end - i).find('\n') != std::string_view::npos) return false;
        tok.computed = true;
        tok.text += "$RUBY";
        i = end;
        return true;
    };
    for (std::size_t i = 0; i < t.size(); ++i) {
        const char c = t[i];
        if (c == '\n') {
            ++line;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') continue;
        if (c == '#') {
            while (i + 1 < t.size() && t[i + 1] != '\n') ++i;
            continue;
        }
        // Ruby's percent literals: %x(...) runs a shell command as backticks do (red team R69 C4),
        // %Q(...) and %q(...) are strings; bracket delimiters nest, any other closes itself.
        if (lang == Language::ruby && c == '%' && i + 2 < t.size() && std::string_view("xQq").find(t[i + 1]) != std::string_view::npos &&
            std::string_view("([{<|!/").find(t[i + 2]) != std::string_view::npos) {
            const char open = t[i + 2];
            const char close = open == '(' ? ')' : open == '[' ? ']' : open == '{' ? '}' : open == '<' ? '>' : open;
            const bool interpolates = t[i + 1] != 'q';
            Token tok{Token::string, {}, line, false};
            int depth = 0;
            for (i += 3; i < t.size(); ++i) {
                if (t[i] == '\n') ++line;
                if (t[i] == '\\' && i + 1 < t.size()) {
                    tok.text += t[++i];
                    continue;
                }
                if (open != close && t[i] == open) {
                    ++depth;
                } else if (t[i] == close) {
                    if (depth == 0) break;
                    --depth;
                }
                if (interpolates && interpolation(i, tok)) continue;
                tok.text += t[i];
            }
            out.push_back(std::move(tok));
            continue;
        }
        if (c == '"' || c == '\'' || c == '`') {
            Token tok{Token::string, {}, line, false};
            // A Python prefix (f, rb, ...) just before: an f-string's fields are computed.
            if (lang == Language::python && !out.empty() && out.back().kind == Token::other && out.back().line == line && out.back().text.size() <= 2 &&
                out.back().text.find_first_not_of("fFrRbBuU") == std::string::npos) {
                tok.computed = out.back().text.find_first_of("fF") != std::string::npos;
                out.pop_back();
            }
            const bool triple = lang == Language::python && t.substr(i, 3) == std::string(3, c);
            const std::string close = triple ? std::string(3, c) : std::string(1, c);
            i += close.size();
            for (; i < t.size() && t.substr(i, close.size()) != close; ++i) {
                if (t[i] == '\n') {
                    ++line;
                    if (!triple) break;
                }
                if (t[i] == '\\' && i + 1 < t.size()) {
                    const char e = t[++i];
                    tok.text += e == 'n' ? '\n' : e == 't' ? '\t' : e;
                    continue;
                }
                if (c != '\'' && lang == Language::ruby && interpolation(i, tok)) continue;
                tok.text += t[i];
            }
            i += close.size() - 1;
            out.push_back(std::move(tok));
            continue;
        }
        if (std::string_view("()[]{},+%.=:;").find(c) != std::string_view::npos) {
            out.push_back(Token{Token::punct, std::string(1, c), line, false});
            continue;
        }
        Token tok{Token::other, {}, line, false};
        while (i < t.size() && (std::isalnum(static_cast<unsigned char>(t[i])) || t[i] == '_' || t[i] == '$' || t[i] == '@' || t[i] == '!' || t[i] == '?')) {
            tok.text += t[i++];
        }
        if (tok.text.empty()) continue;
        --i;
        out.push_back(std::move(tok));
    }
    return out;
}

bool names_client(std::string_view s) {
    if (s.find_first_of(" \t") != std::string_view::npos) return false;
    const std::size_t slash = s.rfind('/');
    const std::string_view p = slash == std::string_view::npos ? s : s.substr(slash + 1);
    for (std::string_view c : {"psql", "usql", "pg_restore", "pgbench", "vacuumdb", "reindexdb", "clusterdb", "dropdb", "psqldef", "prisma",
                               "heroku", "atlas", "dbmate", "rails", "sh", "bash", "pg-schema-diff", "pgschema"}) {
        if (p == c) return true;
    }
    return false;
}

bool mentions(std::string_view s) {
    for (std::string_view c : {"psql", "pg_restore", "pgbench", "vacuumdb", "reindexdb", "clusterdb", "dropdb", "prisma", "heroku", "dbshell",
                               "rails", "psqldef", "atlas", "dbmate", "pg-schema-diff", "pgschema"}) {
        if (s.find(c) != std::string_view::npos) return true;
    }
    return false;
}

// The words of an argv list from toks[j] on, one per comma-separated item: a literal string's
// text, a Ruby symbol's name (`:psql`), "$" for anything else. It ends at the bracket that closes
// it, or, unbracketed (`execute :psql, "-f", "x.sql"`), where a line ends after an item; `j` is
// left there.
std::vector<std::string> argv_words(const std::vector<Token>& toks, std::size_t& j, bool bracketed) {
    std::vector<std::string> words;
    std::string word;
    bool literal = true;
    int depth = 0;
    for (const std::size_t first = j; j < toks.size(); ++j) {
        const Token& x = toks[j];
        if (!bracketed && depth == 0 && j > first && x.line != toks[j - 1].line && toks[j - 1].text != ",") break;
        if (x.kind == Token::punct && (x.text == "[" || x.text == "(" || x.text == "{")) ++depth;
        if (x.kind == Token::punct && (x.text == "]" || x.text == ")" || x.text == "}")) {
            if (depth == 0) break;
            --depth;
        }
        if (depth == 0 && x.kind == Token::punct && x.text == ",") {
            words.push_back(literal ? word : std::string("$"));
            word.clear();
            literal = true;
            continue;
        }
        if (x.kind == Token::punct && x.text == ":" && j + 1 < toks.size() && toks[j + 1].kind == Token::other && word.empty() && literal) {
            word = toks[++j].text;
        } else if (x.kind == Token::string && !x.computed && word.empty() && literal) {
            word = x.text;
        } else {
            literal = false;
        }
    }
    if (!word.empty() || !literal) words.push_back(literal ? word : std::string("$"));
    return words;
}

// The strings and argv lists of a Ruby or Python script, read as psql_files.hpp reads shell lines.
void read_strings(std::string_view text, Language lang, std::string_view base, const ReadFile& read, std::vector<ToolDir>& out) {
    const auto toks = tokens(text, lang);
    for (std::size_t i = 0; i < toks.size(); ++i) {
        const Token& tok = toks[i];
        // Capistrano's SSHKit runs a command given as a symbol and its arguments: `execute :psql,
        // "$DATABASE_URL", "-f", "db/x.sql"` (capistrano/sshkit lib/sshkit/backends/abstract.rb
        // execute, command_map), with or without parentheses (red team R69 C4).
        if (lang == Language::ruby && tok.kind == Token::punct && tok.text == ":" && i > 0 && i + 2 < toks.size() &&
            toks[i + 1].kind == Token::other && names_client(toks[i + 1].text) && toks[i + 2].text == "," &&
            (toks[i - 1].text == "execute" || toks[i - 1].text == "capture" || toks[i - 1].text == "test" ||
             (toks[i - 1].text == "(" && i > 1 && (toks[i - 2].text == "execute" || toks[i - 2].text == "capture" || toks[i - 2].text == "test")))) {
            std::size_t j = i;
            const auto words = argv_words(toks, j, toks[i - 1].text == "(");
            read_psql_argv(words, tok.line, base, read, out);
            i = j > i ? j - 1 : i;
            continue;
        }
        if (tok.kind != Token::string || !mentions(tok.text)) continue;
        const bool opens = i > 0 && toks[i - 1].kind == Token::punct && (toks[i - 1].text == "[" || toks[i - 1].text == "(");
        // An argv list: ["psql", "-f", "x.sql"], system("psql", "-f", path).
        if (opens && names_client(tok.text) && i + 1 < toks.size() && toks[i + 1].text == ",") {
            std::size_t j = i;
            const auto words = argv_words(toks, j, true);
            read_psql_argv(words, tok.line, base, read, out);
            i = j;
            continue;
        }
        // A shell line in a string: `sh "psql ..."`, `c.run("psql ...")`, `execute "..."`. A value
        // joined to it (+, %, .format) or an interpolation is computed.
        std::string line = tok.text;
        if (tok.computed) line += " $";
        if (i + 1 < toks.size() && toks[i + 1].kind == Token::punct && (toks[i + 1].text == "+" || toks[i + 1].text == "%" || toks[i + 1].text == ".")) {
            line += "$";
        }
        int n = tok.line;  // the line the string starts on (tokens() keeps it)
        for (std::size_t at = 0; at <= line.size(); ++n) {
            const std::size_t nl = line.find('\n', at);
            std::string part = line.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
            at = nl == std::string::npos ? line.size() + 1 : nl + 1;
            if (lang == Language::python && (part.find("%s") != std::string::npos || part.find("%(") != std::string::npos)) part += " $";
            read_psql_shell_line(part, n, base, read, out);
        }
    }
}

std::string_view trim_view(std::string_view s) {
    const std::size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return {};
    const std::size_t e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

std::string unquoted(std::string_view v) {
    v = trim_view(v);
    if (const std::size_t hash = v.find(" #"); hash != std::string_view::npos) v = trim_view(v.substr(0, hash));
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
    return std::string(v);
}

// Ansible's community.postgresql.postgresql_script (`path`: "Path to a SQL script on the target
// machine") and postgresql_query (`path_to_script`) run a file's SQL; postgresql_query's `query`
// runs SQL given in the task (ansible-collections/community.postgresql plugins/modules). The file
// is followed from the repository's top and from the playbook's folder; a templated one
// (`{{ ... }}`) is computed.
// postgresql_db with `state: restore` restores its `target`: a .sql file (or one compressed) by
// running psql on it, a dump by pg_restore (community.postgresql plugins/modules/postgresql_db.py
// db_restore); either way the target's SQL runs (red team R69 C4).
void read_ansible(std::string_view path, std::string_view text, const ReadFile& read, std::vector<ToolDir>& out) {
    if (text.find("postgresql_script") == std::string_view::npos && text.find("postgresql_query") == std::string_view::npos &&
        text.find("postgresql_db") == std::string_view::npos) {
        return;
    }
    std::size_t module_indent = std::string_view::npos;
    std::string module;
    int n = 0;
    // postgresql_db's keys, in either order: restored when its block ends with state restore.
    std::string db_state, db_target;
    int db_line = 0;
    auto add = [&](const std::string& setting, const std::string& value, int line) {
        for (std::string_view base : {std::string_view(), path_folder(path)}) {
            std::vector<ToolDir> found;
            read_psql_argv({"psql", "-f", value.find("{{") != std::string::npos ? std::string("$") : value}, line, base, read, found);
            for (auto& d : found) {
                d.setting = setting;
                if (std::none_of(out.begin(), out.end(), [&](const ToolDir& o) { return o.line == d.line && o.folder == d.folder && o.unknown == d.unknown; })) {
                    out.push_back(std::move(d));
                }
            }
            if (base.empty() && path_folder(path).empty()) break;
        }
    };
    auto restore = [&] {
        if (module == "postgresql_db" && db_state == "restore" && !db_target.empty()) add("postgresql_db state: restore target", db_target, db_line);
        db_state.clear();
        db_target.clear();
    };
    for (std::size_t at = 0; at <= text.size();) {
        ++n;
        const std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        const std::size_t indent = l.find_first_not_of(" \t");
        if (indent == std::string_view::npos || l[indent] == '#') continue;
        std::string_view body = trim_view(l.substr(indent));
        std::size_t column = indent;
        if (body.starts_with("- ")) {
            body = trim_view(body.substr(2));
            column += 2;
        }
        if (module_indent != std::string_view::npos && column <= module_indent) {
            restore();
            module_indent = std::string_view::npos;
        }
        const std::size_t colon = body.find(':');
        const std::string_view key = colon == std::string_view::npos ? body : body.substr(0, colon);
        const std::string_view value = colon == std::string_view::npos ? std::string_view() : trim_view(body.substr(colon + 1));
        if (key.ends_with("postgresql_db")) {
            module = "postgresql_db";
            module_indent = column;
            // The free form: `postgresql_db: name=app state=restore target=x.sql`.
            for (std::string_view word : {std::string_view("state="), std::string_view("target=")}) {
                const std::size_t p = value.find(word);
                if (p == std::string_view::npos || (p > 0 && value[p - 1] != ' ')) continue;
                const std::string_view rest = value.substr(p + word.size());
                (word == "state=" ? db_state : db_target) = unquoted(rest.substr(0, rest.find(' ')));
                db_line = n;
            }
            continue;
        }
        if (module == "postgresql_db" && module_indent != std::string_view::npos) {
            if (key == "state") db_state = unquoted(value);
            if (key == "target") {
                db_target = unquoted(value);
                db_line = n;
            }
            continue;
        }
        if (key.ends_with("postgresql_script") || key.ends_with("postgresql_query")) {
            module = key.ends_with("postgresql_script") ? "postgresql_script" : "postgresql_query";
            module_indent = column;
            // The free form: `postgresql_script: path=x.sql db=app`.
            for (std::string_view arg : {std::string_view("path="), std::string_view("path_to_script=")}) {
                const std::size_t p = value.find(arg);
                if (p == std::string_view::npos || (p > 0 && value[p - 1] != ' ')) continue;
                const std::string_view rest = value.substr(p + arg.size());
                add(module + " " + std::string(arg.substr(0, arg.size() - 1)), unquoted(rest.substr(0, rest.find(' '))), n);
            }
            continue;
        }
        if (module_indent == std::string_view::npos) continue;
        if ((module == "postgresql_script" && key == "path") || (module == "postgresql_query" && key == "path_to_script")) {
            add(module + " " + std::string(key), unquoted(value), n);
        } else if (module == "postgresql_query" && key == "query") {
            out.push_back(unknown_dir("psql", "postgresql_query query", n,
                                      "Ansible's postgresql_query runs the SQL given in the task, which pgfence does not read as a migration: review "
                                      "it, or move it into a migration file",
                                      false));
        }
    }
    if (module_indent != std::string_view::npos) restore();
}

// Whether a YAML file other than a command file or a Kubernetes manifest is Ansible tasks whose
// shell or command module may run psql: `ansible.builtin.shell: psql ... -f F`, `command:`,
// `shell: |` blocks (docs.ansible.com, ansible.builtin.shell and ansible.builtin.command).
bool ansible_commands(std::string_view path, std::string_view text) {
    if (command_file(path) || kubernetes_manifest(text) || !mentions(text)) return false;
    for (std::string_view key : {"shell:", "command:", "ansible.builtin.", "raw:"}) {
        if (text.find(key) != std::string_view::npos) return true;
    }
    return false;
}

}  // namespace

bool psql_script_name(std::string_view path) {
    const std::string_view name = path_name(path);
    // A Rakefile is a command file for its tasks' `sh` strings (other_runners.hpp) and a Ruby script still.
    if (name.empty() || name.front() == '.' || (command_file(path) && !task_file(path))) return false;
    if (name.find('.') == std::string_view::npos) return true;
    return name.ends_with(".py") || name.ends_with(".rb") || name.ends_with(".rake") || name == "Rakefile" || name == "Capfile";
}

bool may_run_sql(std::string_view path, std::string_view text) {
    const std::string_view name = path_name(path);
    if (name == "sqitch.conf" || name == "alembic.ini" || text.find("databaseChangeLog") != std::string_view::npos) return true;
    return psql_script_name(path) && mentions(text) && language_of(path, text) != Language::none;
}

std::vector<ToolDir> read_script_psql_files(std::string_view path, std::string_view text, const ReadFile& read) {
    std::vector<ToolDir> out;
    const std::string_view name = path_name(path);
    if (name.ends_with(".yml") || name.ends_with(".yaml")) {
        read_ansible(path, text, read, out);
        // The shell and command modules' lines, read as a CI workflow's are (psql_files.hpp), from the
        // repository's top and the playbook's folder (red team R69 C4); a chdir outside the
        // repository makes a relative file one the checkout there holds.
        if (ansible_commands(path, text)) {
            for (std::string_view base : {std::string_view(), path_folder(path)}) {
                for (auto& d : read_psql_files(path, text, base, read)) {
                    if (std::none_of(out.begin(), out.end(), [&](const ToolDir& o) { return o.line == d.line && o.folder == d.folder && o.unknown == d.unknown; })) {
                        out.push_back(std::move(d));
                    }
                }
                if (path_folder(path).empty()) break;
            }
        }
        cap_entries(out);
        return out;
    }
    if (!psql_script_name(path) || !mentions(text)) return out;
    const Language lang = language_of(path, text);
    if (lang == Language::none) return out;
    // A deploy runs a script from the repository's top or from its own folder: both are followed.
    for (std::string_view base : {path_folder(path), std::string_view()}) {
        if (lang == Language::shell) {
            for (auto& d : read_psql_files(path, text, base, read)) out.push_back(std::move(d));
        } else {
            read_strings(text, lang, base, read, out);
        }
        if (path_folder(path).empty()) break;
    }
    cap_entries(out);
    return out;
}

}  // namespace pgfence::analyze::tools
