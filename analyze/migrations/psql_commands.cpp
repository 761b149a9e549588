#include "analyze/migrations/psql_commands.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>

namespace pgfence::analyze::tools::psql_detail {

// Whether `text` names psql or one of the other clients other_client reads.
bool mentions_client(std::string_view text) {
    for (std::string_view p : {"psql", "pg_restore", "pgbench", "vacuumdb", "reindexdb", "clusterdb", "dropdb", "dropuser", "pg_repack", "prisma",
                               "heroku", "dbshell", "rails", "usql", "psqldef", "atlas", "dbmate", "pg-schema-diff", "pgschema"}) {
        if (text.find(p) != std::string_view::npos) return true;
    }
    return false;
}

namespace {

// Where `$(` ... `)` that opened before `from` ends in `l`: past its `)`, or l.size() when it does not
// close. Quotes, backslashes and nested parentheses are skipped over; one pass, linear.
std::size_t substitution_end(std::string_view l, std::size_t from) {
    int depth = 1;
    for (std::size_t k = from; k < l.size(); ++k) {
        const char c = l[k];
        if (c == '\\') {
            ++k;
        } else if (c == '\'') {
            k = l.find('\'', k + 1);
            if (k == std::string_view::npos) return l.size();
        } else if (c == '"') {
            for (++k; k < l.size() && l[k] != '"'; ++k) {
                if (l[k] == '\\') ++k;
            }
            if (k >= l.size()) return l.size();
        } else if (c == '(') {
            ++depth;
        } else if (c == ')' && --depth == 0) {
            return k + 1;
        }
    }
    return l.size();
}

}  // namespace

// The commands of a shell line as a POSIX shell splits it: words end at unquoted blanks; '...',
// "..." (with its backslash escapes) and a backslash quote; an unquoted ;, &, &&, || or | ends a
// command (| pipes into the next), as does a `)` that closes a subshell or a case pattern; `$(...)`
// stays in its word; # at a word's start begins a comment. Red team I1: the reader
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
        } else if (c == '$' && i + 1 < l.size() && l[i + 1] == '(') {
            // A command substitution or arithmetic (`$(X)`, `$((1+2))`) is part of the word it is in,
            // up to its own `)` past quotes and nested parentheses (bash manual, "Command
            // Substitution"): `psql $(heroku config:get DATABASE_URL) -c '...'` is one psql command
            // (red team R89b F6). read_line reads the substitution's own command from its start.
            const std::size_t end = substitution_end(l, i + 2);
            word.append(l.substr(i, end - i));
            in_word = true;
            computed = true;
            i = end - 1;
        } else if (c == ')') {
            // The end of a subshell or a case pattern.
            end_word();
            out.emplace_back();
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
        } else if (c == '$' && (l.substr(i).starts_with("${IFS}") ||
                                (l.substr(i).starts_with("$IFS") && (i + 4 >= l.size() || (std::isalnum(static_cast<unsigned char>(l[i + 4])) == 0 && l[i + 4] != '_'))))) {
            // An unquoted `${IFS}`/`$IFS` splits the word there (bash manual, "Word Splitting"; R88b F5).
            end_word();
            i += l[i + 1] == '{' ? 5 : 3;
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

// psql's -c text that only reads (a CI job waiting for its server: `psql -c 'SELECT 1'`): one of the
// meta-commands that list, or SQL that parsed_read_only reads as changing nothing. There is no
// shortcut by characters: `select u.f from users u` calls f(users) (attribute notation) and a view
// runs its query (red team R86b F1), which only the parsed tree shows.
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
    return parsed_read_only(sql);
}

bool runs_psql(std::string_view w) { return runs(w, "psql"); }

// The index of a command's program among its words: past a YAML list item's `-` and key (`- run:`,
// `command:`) and the environment assignments before it (`PGOPTIONS=x psql`); words.size() when none.
std::size_t program_at(const std::vector<std::string>& w) {
    std::size_t k = 0;
    while (k < w.size() && (w[k] == "-" || w[k].ends_with(':') || (w[k].find('=') != std::string::npos && !w[k].starts_with('-')))) ++k;
    return k;
}

// The files `find DIR... -name PATTERN` selects, as globs add_file reads (DIR/**/PATTERN; DIR/PATTERN
// with -maxdepth 1), from the command's words at `i` (find). A test pgfence does not read (-path,
// -regex, a computed folder) leaves them computed ("$").
std::vector<std::string> find_files(const std::vector<std::string>& w, std::size_t i) {
    std::vector<std::string> dirs;
    std::string name = "*";
    bool shallow = false;
    std::size_t j = i + 1;
    for (; j < w.size() && !w[j].starts_with('-') && w[j] != "(" && w[j] != "!"; ++j) dirs.push_back(w[j]);
    for (; j < w.size(); ++j) {
        if (w[j] == "-exec" || w[j] == "-execdir" || w[j] == "-print0" || w[j] == "-print") break;
        if ((w[j] == "-name" || w[j] == "-iname") && j + 1 < w.size()) {
            name = w[++j];
        } else if (w[j] == "-maxdepth" && j + 1 < w.size()) {
            shallow = w[++j] == "1";
        } else if (w[j] == "-type" && j + 1 < w.size()) {
            ++j;
        } else if (w[j] == "-mindepth" && j + 1 < w.size()) {
            ++j;
        } else {
            return {"$"};
        }
    }
    if (dirs.empty()) dirs.push_back(".");
    std::vector<std::string> out;
    for (auto& d : dirs) {
        if (name.find('/') != std::string::npos) return {"$"};
        std::string folder = d == "." ? std::string() : d;
        while (folder.ends_with('/')) folder.pop_back();
        out.push_back((folder.empty() ? std::string() : folder + "/") + (shallow ? "" : "**/") + name);
    }
    return out;
}

// The files the commands before `at` in its pipeline hand it on standard input or as names
// (`cat a.sql b.sql | psql`, `find db -name '*.sql' | xargs psql -f`), as add_file reads them;
// nullopt when the pipeline's source is something else (`pg_dump | psql`, `curl | psql`).
std::optional<std::vector<std::string>> piped_files(const std::vector<Command>& cmds, std::size_t at) {
    std::size_t i = at;
    while (i > 0 && cmds[i].piped) {
        --i;
        const auto& w = cmds[i].words;
        const std::size_t p = program_at(w);
        if (p >= w.size()) return std::nullopt;
        if (runs(w[p], "sort") || runs(w[p], "uniq")) continue;
        if (runs(w[p], "cat")) {
            std::vector<std::string> files;
            for (std::size_t j = p + 1; j < w.size(); ++j) {
                if (!w[j].starts_with('-')) files.push_back(w[j]);
            }
            if (!cmds[i].stdin_file.empty()) files.push_back(cmds[i].stdin_computed ? "$" : cmds[i].stdin_file);
            if (files.empty()) return std::nullopt;
            return files;
        }
        if (runs(w[p], "find")) return find_files(w, p);
        if (runs(w[p], "ls")) return std::vector<std::string>{"$(ls)"};
        return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze::tools::psql_detail
