#include "analyze/migrations/psql_files.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/yaml_exec.hpp"

namespace pgfence::analyze::tools {
namespace {

// Whether `text` names psql or one of the other clients other_client reads.
bool mentions_client(std::string_view text) {
    for (std::string_view p : {"psql", "pg_restore", "pgbench", "vacuumdb", "reindexdb", "clusterdb", "dropdb", "dropuser", "pg_repack"}) {
        if (text.find(p) != std::string_view::npos) return true;
    }
    return false;
}

// One command of a shell line: its words as the program receives them, and where its standard
// input comes from.
struct Command {
    std::vector<std::string> words;
    bool piped = false;         // the previous command's output (`cat x | psql`)
    bool here = false;          // a here-document or here-string (`psql <<EOF`, `<<<`)
    std::string stdin_file;     // `< FILE`
    bool stdin_computed = false;  // `< "$f"`
};

// The commands of a shell line as a POSIX shell splits it: words end at unquoted blanks; '...',
// "..." (with its backslash escapes) and a backslash quote; an unquoted ;, &, &&, || or | ends a
// command (| pipes into the next); # at a word's start begins a comment. Red team I1: the reader
// split `psql -c "SELECT 1; DROP TABLE users"` at the quoted ';' and took the command for a read.
// Linear in the line.
std::vector<Command> shell_commands(std::string_view l) {
    std::vector<Command> out(1);
    std::string word;
    bool in_word = false;
    bool computed = false;      // the word holds $... or `...`
    enum class Next { word, stdin_file, here } next = Next::word;
    auto end_word = [&] {
        if (!in_word) return;
        Command& c = out.back();
        if (next == Next::stdin_file) {
            c.stdin_file = word;
            c.stdin_computed = computed;
        } else if (next != Next::here) {
            c.words.push_back(word);
        }
        next = Next::word;
        word.clear();
        in_word = false;
        computed = false;
    };
    for (std::size_t i = 0; i < l.size(); ++i) {
        const char c = l[i];
        if (c == ' ' || c == '\t' || c == '\r') {
            end_word();
        } else if (c == '#' && !in_word) {
            break;
        } else if (c == '\'') {
            const std::size_t close = l.find('\'', i + 1);
            const std::size_t end = close == std::string_view::npos ? l.size() : close;
            word.append(l.substr(i + 1, end - i - 1));
            in_word = true;
            i = end;
        } else if (c == '"') {
            in_word = true;
            for (++i; i < l.size() && l[i] != '"'; ++i) {
                if (l[i] == '\\' && i + 1 < l.size() && (l[i + 1] == '"' || l[i + 1] == '\\' || l[i + 1] == '$' || l[i + 1] == '`')) ++i;
                if (l[i] == '$' || l[i] == '`') computed = true;
                word += l[i];
            }
        } else if (c == '\\' && i + 1 < l.size()) {
            word += l[++i];
            in_word = true;
        } else if (c == ';' || c == '&' || c == '|') {
            end_word();
            const bool pipe = c == '|' && (i + 1 >= l.size() || l[i + 1] != '|');
            if (i + 1 < l.size() && l[i + 1] == c) ++i;
            if (c == '&' && i + 1 < l.size() && l[i + 1] == '>') continue;  // &> is a redirection
            out.emplace_back();
            out.back().piped = pipe;
        } else if (c == '<' && !in_word) {
            end_word();
            if (l.substr(i).starts_with("<<")) {
                out.back().here = true;
                next = Next::here;  // the delimiter word, or <<< STRING
                while (i + 1 < l.size() && (l[i + 1] == '<' || l[i + 1] == '-')) ++i;
            } else {
                next = Next::stdin_file;
            }
        } else {
            if (c == '$' || c == '`') computed = true;
            word += c;
            in_word = true;
        }
    }
    end_word();
    return out;
}

bool runs(std::string_view w, std::string_view program) { return w == program || (w.ends_with(program) && w[w.size() - program.size() - 1] == '/'); }

// The PostgreSQL clients, other than psql, that change a database with SQL of their own or of a
// dump: what they run is in no migration pgfence reads. `why` is "" when the words say it is a
// read or harmless (vacuumdb without --full: VACUUM takes no lock that blocks reads or writes).
std::string other_client(const std::vector<std::string>& w, std::size_t i) {
    auto has = [&](std::initializer_list<std::string_view> flags, char short_flag) {
        for (std::size_t j = i + 1; j < w.size(); ++j) {
            for (auto f : flags) {
                if (w[j] == f || w[j].starts_with(std::string(f) + "=")) return true;
            }
            // a cluster of short options (vacuumdb -fz)
            if (short_flag && w[j].size() > 1 && w[j][0] == '-' && w[j][1] != '-' && w[j].find(short_flag) != std::string::npos) return true;
        }
        return false;
    };
    const std::string_view p = w[i];
    if (runs(p, "pg_restore")) {
        // pg_restore writes a script unless it connects (-d / --dbname): pg_restore.c
        if (!has({"-d", "--dbname"}, 0) && std::none_of(w.begin() + static_cast<std::ptrdiff_t>(i), w.end(), [](const std::string& x) { return x.starts_with("-d"); })) return {};
        return "pg_restore runs a dump's SQL against the database (with --clean it drops the objects first)";
    }
    if (runs(p, "pgbench")) return "pgbench runs SQL of its own (-i drops and creates its tables, -f runs a script) against the database";
    if (runs(p, "vacuumdb")) {
        if (!has({"--full"}, 'f')) return {};
        return "vacuumdb --full rewrites every table it vacuums under ACCESS EXCLUSIVE lock";
    }
    if (runs(p, "reindexdb")) {
        if (has({"--concurrently"}, 0)) return {};
        return "reindexdb rebuilds indexes under locks that block writes (without --concurrently)";
    }
    if (runs(p, "clusterdb")) return "clusterdb rewrites tables under ACCESS EXCLUSIVE lock";
    if (runs(p, "dropdb")) return "dropdb drops a database";
    if (runs(p, "dropuser")) return "dropuser drops a role";
    if (runs(p, "pg_repack")) return "pg_repack rewrites tables and takes ACCESS EXCLUSIVE locks at its start and end";
    return {};
}

// psql's -c text that only reads (a CI job waiting for its server: `psql -c 'SELECT 1'`): one
// SELECT or SHOW of names, numbers, literals and the few functions below, or one of the meta-commands
// that list; anything else may change the database (a SELECT of a function, SELECT INTO, a second
// statement, \i).
bool read_only_command(std::string_view sql) {
    std::string l;
    for (char c : sql) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    while (!l.empty() && (l.back() == ' ' || l.back() == '\t' || l.back() == ';' || l.back() == '\n')) l.pop_back();
    std::size_t start = l.find_first_not_of(" \t\n");
    if (start == std::string::npos) return true;
    l = l.substr(start);
    for (std::string_view meta : {"\\conninfo", "\\l", "\\list", "\\dt", "\\d", "\\dn", "\\du", "\\q", "\\x"}) {
        if (l == meta) return true;
    }
    if (!l.starts_with("select ") && !l.starts_with("show ")) return false;
    for (std::string_view call : {"version()", "now()", "current_database()", "current_timestamp", "current_user"}) {
        for (std::size_t at = l.find(call); at != std::string::npos; at = l.find(call)) l.replace(at, call.size(), "x");
    }
    for (char c : l) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '_' || c == ',' || c == '.' || c == '\'' || c == '=' || c == '*')) return false;
    }
    // Words that make a SELECT write or lock: SELECT ... INTO creates a table, FOR UPDATE locks rows.
    const std::string spaced = " " + l + " ";
    for (std::string_view w : {" into ", " for ", " nextval ", " setval "}) {
        if (spaced.find(w) != std::string::npos) return false;
    }
    return true;
}

bool runs_psql(std::string_view w) { return runs(w, "psql"); }

// A file named by an absolute path (a container's `/app/db/x.sql`, a runner's checkout path) is
// not a repository path: unknown at the line; the repository files it may be (a path the absolute
// one ends with, through `read`) are followed too.
void add_file(std::vector<ToolDir>& out, const std::string& setting, int n, std::string_view base, std::string_view file, const ReadFile& read,
              bool computed) {
    if (computed || file.find_first_of("$`*?[{(") != std::string_view::npos) {
        out.push_back(unknown_dir("psql", setting, n,
                                  "the SQL file psql runs here is computed when the line runs, so pgfence does not see which file it is", false));
        return;
    }
    out.push_back(folder_dir("psql", setting, n, base, file, false));
    if (!file.starts_with('/') || !read) return;
    for (std::size_t slash = file.find('/', 1); slash != std::string_view::npos; slash = file.find('/', slash + 1)) {
        const std::string tail(file.substr(slash + 1));
        if (!tail.empty() && read(tail)) out.push_back(folder_dir("psql", setting + " (" + tail + ")", n, "", tail, false));
    }
}

// One psql command: its options read as psql's getopt_long reads them (startup.c
// parse_psql_options: "aAbc:d:eEf:F:h:HlL:no:p:P:qR:sStT:U:v:VwWxXz?01", the long options that take
// a value), so `-Xqc "DROP ..."`, `-f-` and `--file=x.sql` are read as psql reads them.
void read_psql(const Command& c, std::size_t i, int n, std::string_view base, const ReadFile& read, std::vector<ToolDir>& out) {
    static constexpr std::string_view k_with_value = "cdfFhLopPRTUv";
    std::vector<std::string> commands;
    std::vector<std::pair<std::string, std::string>> files;  // setting, file
    std::vector<std::string> constants;                      // -v name=value (startup.c: 'v', "set", "variable")
    const auto& w = c.words;
    auto take = [&](char opt, const std::string& value) {
        if (opt == 'c') commands.push_back(value);
        if (opt == 'f') files.emplace_back("psql -f", value);
        const std::size_t eq = value.find('=');
        if (opt == 'v' && eq != std::string::npos && eq > 0 && value.find_first_of("$`") == std::string::npos) {
            constants.push_back(value.substr(0, eq));
        }
    };
    for (std::size_t j = i + 1; j < w.size(); ++j) {
        const std::string& a = w[j];
        if (a == "--") break;
        if (a.starts_with("--")) {
            const std::size_t eq = a.find('=');
            const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
            static constexpr std::array<std::string_view, 14> k_long = {"command", "dbname", "file", "field-separator", "host", "log-file", "output",
                                                                       "port", "pset", "record-separator", "table-attr", "username", "set", "variable"};
            if (std::find(k_long.begin(), k_long.end(), name) == k_long.end()) continue;
            std::string value = eq != std::string::npos ? a.substr(eq + 1) : j + 1 < w.size() ? w[++j] : std::string();
            take(name == "command" ? 'c' : name == "file" ? 'f' : name == "set" || name == "variable" ? 'v' : '-', value);
            continue;
        }
        if (a.size() < 2 || a[0] != '-') continue;
        for (std::size_t k = 1; k < a.size(); ++k) {
            if (k_with_value.find(a[k]) == std::string_view::npos) continue;
            std::string value = k + 1 < a.size() ? a.substr(k + 1) : j + 1 < w.size() ? w[++j] : std::string();
            take(a[k], value);
            break;
        }
    }
    // Each file this command runs, with the variables the command sets.
    auto add = [&](const std::string& setting, std::string_view file, bool computed) {
        std::size_t k = out.size();
        add_file(out, setting, n, base, file, read, computed);
        for (; k < out.size(); ++k) out[k].psql_constants = constants;
    };
    bool reads_stdin = commands.empty() && files.empty();
    for (const auto& sql : commands) {
        if (read_only_command(sql)) continue;
        out.push_back(unknown_dir("psql", "psql -c", n,
                                  "psql runs SQL given on its command line, which pgfence does not read as a migration: review it, or move "
                                  "it into a migration file",
                                  false));
        break;
    }
    for (const auto& [setting, file] : files) {
        if (file == "-") {
            reads_stdin = true;
            continue;
        }
        add(setting, file, false);
    }
    if (!reads_stdin) return;
    if (c.here) {
        out.push_back(unknown_dir("psql", "psql <<", n,
                                  "psql runs SQL given in a here-document, which pgfence does not read as a migration: review it, or move "
                                  "it into a migration file",
                                  false));
    } else if (!c.stdin_file.empty()) {
        add("psql < FILE", c.stdin_file, c.stdin_computed);
    } else if (c.piped || !files.empty()) {
        out.push_back(unknown_dir("psql", "| psql", n,
                                  "psql runs the SQL piped into it, which pgfence does not read as a migration: review it, or give psql "
                                  "the file with -f",
                                  false));
    }
}

// The words of one command: psql, another client, or a word that is itself a shell line with one
// of them (`sh -c "psql ..."`, a package.json script, a compose `command:` string).
void read_words(const Command& c, int n, std::string_view base, const ReadFile& read, std::vector<ToolDir>& out, int depth) {
    for (std::size_t i = 0; i < c.words.size(); ++i) {
        const std::string& w = c.words[i];
        if (runs_psql(w)) {
            read_psql(c, i, n, base, read, out);
            return;
        }
        if (std::string why = other_client(c.words, i); !why.empty()) {
            out.push_back(unknown_dir("psql", w, n, why + ", outside the migrations pgfence reads: review it", false));
            return;
        }
        if (depth < 2 && w.find_first_of(" \t") != std::string::npos && mentions_client(w)) {
            for (const auto& inner : shell_commands(w)) read_words(inner, n, base, read, out, depth + 1);
        }
    }
}

// One shell command line (or an exec-form command joined, yaml_exec.hpp) at line `n`.
void read_line(std::string_view l, int n, std::string_view base, const ReadFile& read, std::vector<ToolDir>& out) {
    if (!mentions_client(l)) return;
    for (const auto& c : shell_commands(l)) read_words(c, n, base, read, out, 0);
}

struct LogicalLine {
    int number = 1;  // of its first line
    std::string text;
};

// The lines of `text` as the shell (or YAML, when `yaml`) hands them to the command: a line ending
// in a backslash goes on with the next (the shell's continuation); in YAML a plain scalar's or a
// folded block's (`>`) further lines, more indented than its key, are one line joined by spaces
// (YAML 1.2 §6.5 line folding). Red team I1: `psql "$DB" \` with `-c "DROP ..."` on the next line.
std::vector<LogicalLine> logical_lines(std::string_view text, bool yaml) {
    std::vector<LogicalLine> out;
    std::size_t fold_indent = std::string_view::npos;  // lines more indented than this join the last
    bool continued = false;
    int n = 1;
    for (std::size_t at = 0; at <= text.size(); ++n) {
        const std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        const std::size_t indent = l.find_first_not_of(" \t");
        const bool joins = continued || (yaml && fold_indent != std::string_view::npos && indent != std::string_view::npos && indent > fold_indent &&
                                         l[indent] != '#');
        if (!joins) fold_indent = std::string_view::npos;
        std::size_t slashes = 0;
        while (slashes < l.size() && l[l.size() - 1 - slashes] == '\\') ++slashes;
        continued = slashes % 2 == 1;
        std::string_view body = continued ? l.substr(0, l.size() - 1) : l;
        if (joins && !out.empty()) {
            out.back().text += ' ';
            out.back().text.append(body.substr(std::min(body.size(), indent == std::string_view::npos ? body.size() : indent)));
        } else {
            out.push_back(LogicalLine{n, std::string(body)});
        }
        if (!yaml || joins || indent == std::string_view::npos) continue;
        // A key whose value is a plain scalar or a folded block: its more indented lines fold in.
        std::string_view rest = l.substr(indent);
        std::size_t column = indent;
        if (rest.starts_with("- ")) {
            const std::size_t skip = rest.find_first_not_of(' ', 1);
            if (skip == std::string_view::npos) continue;
            rest = rest.substr(skip);
            column += skip;
        }
        const std::size_t colon = rest.find(": ");
        if (colon == std::string_view::npos || rest.front() == '"' || rest.front() == '\'') continue;
        std::string_view value = rest.substr(colon + 2);
        value.remove_prefix(std::min(value.size(), value.find_first_not_of(' ')));
        if (value.empty() || value.front() == '|' || value.front() == '[' || value.front() == '{' || value.front() == '"' || value.front() == '\'' ||
            value.front() == '#') {
            continue;
        }
        fold_indent = column;
    }
    return out;
}

// At most this many files and unknowns from one command file (the last says the rest was not read).
constexpr std::size_t k_most_psql_entries = 256;

bool same_dir(const ToolDir& a, const ToolDir& b) {
    return a.line == b.line && a.setting == b.setting && a.folder == b.folder && a.unknown == b.unknown;
}

}  // namespace

// psql's -f / --file FILENAME reads commands from the file, and standard input redirected from a
// file is read the same way (postgres/postgres src/bin/psql/startup.c parse_psql_options: 'f',
// "file"; process_file); each statement is sent on its own and commits unless -1 /
// --single-transaction wraps the run (startup.c: single_txn).
std::vector<ToolDir> read_psql_files(std::string_view path, std::string_view text, std::string_view base, const ReadFile& read) {
    std::vector<ToolDir> out;
    if (!mentions_client(text)) return out;
    const std::string_view name = path_name(path);
    const bool yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    for (const auto& l : logical_lines(text, yaml)) {
        read_line(l.text, l.number, base, read, out);
        if (out.size() >= k_most_psql_entries) break;
    }
    // A YAML file's exec-form commands (a Kubernetes container's command and args, a Cloud Build
    // step's entrypoint and args): the same, word by word, as the program receives them.
    if (yaml) {
        for (const auto& c : yaml_exec_commands(text)) {
            if (out.size() >= k_most_psql_entries) break;
            if (!mentions_client(c.command)) continue;
            std::vector<ToolDir> more;
            read_words(Command{c.words, false, false, {}, false}, c.line, base, read, more, 0);
            for (auto& d : more) {
                if (std::none_of(out.begin(), out.end(), [&](const ToolDir& o) { return same_dir(o, d); })) out.push_back(std::move(d));
            }
        }
    }
    if (out.size() >= k_most_psql_entries) {
        out.erase(out.begin() + static_cast<std::ptrdiff_t>(k_most_psql_entries - 1), out.end());
        out.push_back(unknown_dir("psql", "psql", 1,
                                  "this file runs psql or other PostgreSQL clients more times than pgfence follows (" +
                                      std::to_string(k_most_psql_entries - 1) + "): review the rest",
                                  false));
    }
    return out;
}

}  // namespace pgfence::analyze::tools
