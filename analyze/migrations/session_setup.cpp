#include "analyze/migrations/session_setup.hpp"

#include <array>
#include <cctype>

#include "analyze/base/utf8.hpp"

namespace pgfence::analyze::tools {
namespace {

// The value of `count` hex digits at `text[at]`, or -1.
long hex_at(std::string_view text, std::size_t at, std::size_t count) {
    if (at + count > text.size()) return -1;
    long v = 0;
    for (std::size_t k = 0; k < count; ++k) {
        const int d = hex_value(text[at + k]);
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

bool quote(char c) { return c == '\'' || c == '"' || c == '`'; }
bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The end of a joint between two quoted pieces starting at the quote `text[at]`: a closing quote,
// blanks, at most one concatenation operator (JavaScript's and Python's +, PHP's and Perl's ., Lua's
// .., SQL's ||; none for Python's and C's adjacent literals, a shell's PG''OPTIONS), blanks and
// the next piece's opening quote; or npos when none follows.
std::size_t joint_end(std::string_view text, std::size_t at) {
    std::size_t i = at + 1;
    while (i < text.size() && blank(text[i])) ++i;
    for (std::string_view op : {"||", "..", "+", "."}) {
        if (text.substr(i).starts_with(op)) {
            i += op.size();
            break;
        }
    }
    while (i < text.size() && blank(text[i])) ++i;
    return i < text.size() && quote(text[i]) ? i : std::string_view::npos;
}

struct Line {
    int number = 1;
    std::string text;  // lower-cased, as the program reads it
};

// `text`'s lines as the program that reads them sees the words in them, lower-cased: the escapes
// of the languages settings are written in decoded (\xNN, \uNNNN and \u{N} of JavaScript, JSON,
// Python and Ruby, octal \NNN, a URL's %NN, XML's &#NN; and &#xNN;) where they stand for a
// printable ASCII character; a backslash before a line break joins the lines, as a shell's and
// Python's do, and other backslashes are dropped (a shell's PG\OPTIONS); quotes are dropped and
// quoted pieces joined ('PG' + 'OPTIONS' is PGOPTIONS). Red team I1: a key spelled
// "PG\u004fPTIONS" in JSON, "standard\x5fconforming_strings" in TypeScript or PG''OPTIONS in a
// shell was not seen. Linear in the text: each character is looked at a bounded number of times.
std::vector<Line> program_lines(std::string_view text) {
    std::vector<Line> out;
    Line current;
    int number = 1;
    auto emit = [&](long c, std::size_t from, std::size_t to, std::size_t& i) {
        if (c >= 0x20 && c < 0x7f) {
            current.text += static_cast<char>(std::tolower(static_cast<int>(c)));
        } else {
            current.text.append(text.substr(from, to - from));
        }
        i = to;
    };
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (c == '\n') {
            out.push_back(std::move(current));
            current = Line{++number, {}};
            ++i;
        } else if (c == '\\' && i + 1 < text.size()) {
            const char n = text[i + 1];
            if (n == '\n' || (n == '\r' && i + 2 < text.size() && text[i + 2] == '\n')) {  // a continued line
                i += n == '\n' ? 2 : 3;
                ++number;
            } else if (long v = n == 'x' ? hex_at(text, i + 2, 2) : -1; v >= 0) {
                emit(v, i, i + 4, i);
            } else if (long u = n == 'u' ? hex_at(text, i + 2, 4) : -1; u >= 0) {
                emit(u, i, i + 6, i);
            } else if (n == 'u' && i + 2 < text.size() && text[i + 2] == '{') {
                std::size_t close = text.find('}', i + 3);
                long w = close != std::string_view::npos && close - (i + 3) >= 1 && close - (i + 3) <= 6 ? hex_at(text, i + 3, close - (i + 3)) : -1;
                if (w >= 0) {
                    emit(w, i, close + 1, i);
                } else {
                    ++i;
                }
            } else if (n >= '0' && n <= '7') {
                std::size_t end = i + 1;
                long v8 = 0;
                while (end < text.size() && end < i + 4 && text[end] >= '0' && text[end] <= '7') v8 = v8 * 8 + (text[end++] - '0');
                emit(v8, i, end, i);
            } else {
                ++i;  // the backslash alone; what it escapes is read next
            }
        } else if (long p = c == '%' ? hex_at(text, i + 1, 2) : -1; p >= 0) {
            emit(p, i, i + 3, i);
        } else if (c == '&' && i + 2 < text.size() && text[i + 1] == '#') {
            const bool hex = text[i + 2] == 'x' || text[i + 2] == 'X';
            std::size_t digits = i + (hex ? 3 : 2);
            std::size_t end = digits;
            while (end < text.size() && end < digits + 6 && (hex ? hex_value(text[end]) >= 0 : std::isdigit(static_cast<unsigned char>(text[end])))) ++end;
            if (end > digits && end < text.size() && text[end] == ';') {
                long v = 0;
                for (std::size_t k = digits; k < end; ++k) v = v * (hex ? 16 : 10) + (hex ? hex_value(text[k]) : text[k] - '0');
                emit(v, i, end + 1, i);
            } else {
                current.text += '&';
                ++i;
            }
        } else if (quote(c)) {
            if (std::size_t end = joint_end(text, i); end != std::string_view::npos) {
                for (std::size_t k = i; k < end; ++k) number += text[k] == '\n' ? 1 : 0;
                i = end + 1;
            } else {
                ++i;
            }
        } else {
            current.text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            ++i;
        }
    }
    out.push_back(std::move(current));
    return out;
}

// `l` without the characters that separate a key's words (standard_conforming_strings,
// connection-init-sql, clientEncoding are one key each).
std::string key_view(std::string_view l) {
    std::string out;
    out.reserve(l.size());
    for (char c : l) {
        if (c != '_' && c != '-') out += c;
    }
    return out;
}

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Whether `s` opens with a setting's name and "=" (the server's "-cname=value", "--name=value";
// a long option's hyphens are underscores to it: postgres.c process_postgres_switches).
bool setting_at(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && (word_char(s[i]) || s[i] == '.' || s[i] == '-')) ++i;
    return i > 0 && i < s.size() && s[i] == '=' && !std::isdigit(static_cast<unsigned char>(s[0]));
}

// The rest of `l` from its first word `options` (libpq's connection parameter, a driver's or a
// URL's ?options=), or "": NODE_OPTIONS, JAVA_OPTIONS and sslOptions are other things.
std::string_view options_value(std::string_view l) {
    for (std::size_t at = l.find("options"); at != std::string_view::npos; at = l.find("options", at + 7)) {
        if (at > 0 && word_char(l[at - 1])) continue;
        return l.substr(at + 7);
    }
    return {};
}

// Whether `l` sets HOME: `HOME=...` (a shell's assignment, a Dockerfile's ENV HOME=), `HOME: ...`
// (a workflow's or compose's env), `ENV HOME ...`, `home = ...` (a TOML or HCL env table).
bool sets_home(std::string_view l) {
    for (std::size_t at = l.find("home"); at != std::string_view::npos; at = l.find("home", at + 4)) {
        if (at > 0 && (word_char(l[at - 1]) || l[at - 1] == '$' || l[at - 1] == '{' || l[at - 1] == '/' || l[at - 1] == '.')) continue;
        std::size_t after = at + 4;
        if (after < l.size() && word_char(l[after])) continue;
        while (after < l.size() && (l[after] == ' ' || l[after] == '\t')) ++after;
        if (after < l.size() && (l[after] == '=' || l[after] == ':')) return true;
        if (after > at + 4 && l.substr(0, at).find("env") != std::string_view::npos) return true;  // ENV HOME /srv/db
    }
    return false;
}

// What a line sets up, or "" when nothing. `l` is the line as the program reads it, lower-cased;
// `pooled`: the file speaks of a connection pool (Knex's pool.afterCreate, not a Sequelize model's
// afterCreate hook); `psql`: the file names psql.
// `name?: ...` (the line lowercased, as program_lines gives it): a TypeScript optional property of an interface or type (`afterCreate?: (c: any) =>
// void;`, Unleash's option.ts; the stranger review 84), which declares a type and runs nothing. An
// object literal cannot write `?:` after a key.
bool optional_signature(std::string_view line, std::string_view name) {
    for (std::size_t at = line.find(name); at != std::string_view::npos; at = line.find(name, at + 1)) {
        std::size_t next = at + name.size();
        while (next < line.size() && (line[next] == ' ' || line[next] == '\t')) ++next;
        if (next + 1 < line.size() && line[next] == '?' && line[next + 1] == ':') return true;
    }
    return false;
}

// Whether `l` holds `word` as a JavaScript name of its own: `afterCreate:`, `pool.afterCreate =`,
// not `post_after_create` (a Rust string, stranger review 85 class F) nor `myAfterCreate`.
bool whole_word(std::string_view l, std::string_view word) {
    auto name_char = [](char c) { return word_char(c) || c == '$'; };
    for (std::size_t at = l.find(word); at != std::string_view::npos; at = l.find(word, at + 1)) {
        if (at > 0 && name_char(l[at - 1])) continue;
        if (at + word.size() < l.size() && name_char(l[at + word.size()])) continue;
        return true;
    }
    return false;
}

// Whether a file may hold a knex (tarn) pool's options: JavaScript or TypeScript, by its name or
// a `#!` line naming node; a file of no known path (a setting's text) too. Knex's config is a
// JavaScript object (a function for afterCreate cannot be written in JSON or YAML), so a Rust or
// Python file's `after_create` is no pool hook.
bool javascript_file(std::string_view path, std::string_view first_line) {
    if (path.empty()) return true;
    for (std::string_view ext : {".js", ".cjs", ".mjs", ".ts", ".cts", ".mts", ".jsx", ".tsx"}) {
        if (path.ends_with(ext)) return true;
    }
    const std::size_t slash = path.find_last_of('/');
    const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    return base.find('.') == std::string_view::npos && first_line.starts_with("#!") && first_line.find("node") != std::string_view::npos;
}

std::string setup_of(std::string_view l, bool pooled, bool psql) {
    const std::string keys = key_view(l);
    // psql runs its start-up file before the files it is given, unless -X: $PSQLRC, else
    // $HOME/.psqlrc (and .psqlrc-<version>), and the system-wide psqlrc (psql's startup.c
    // process_psqlrc; the psql manual, "Files"). Red team R70 F5: `PSQLRC: db/psqlrc` in a
    // workflow, `HOME=$PWD/db psql -f ...`, ran a DROP before the reviewed file.
    if (keys.find("psqlrc") != std::string::npos) {
        return "it names psql's start-up file (PSQLRC, ~/.psqlrc, psqlrc): psql runs that file's SQL before every file it is given "
               "(unless -X), and pgfence does not read it";
    }
    if (psql && sets_home(l)) {
        return "it sets HOME where psql runs: psql runs $HOME/.psqlrc before every file it is given (unless -X), and pgfence does not "
               "read it";
    }
    if (keys.find("standardconformingstrings") != std::string::npos) {
        return "it sets standard_conforming_strings for the tool's connections: with it off, PostgreSQL reads a backslash in '...' as an "
               "escape, so a migration's text may run otherwise than pgfence parsed it (scan.l)";
    }
    if (keys.find("pgoptions") != std::string::npos) {
        return "PGOPTIONS gives every libpq connection session settings before any migration runs (libpq's options: -c name=value)";
    }
    // libpq's `options` connection parameter (also ?options= in a URL, a driver's `options`):
    // the server reads "-c name=value", "-cname=value" and "--name=value" as a setting
    // (postinit.c pg_split_opts; postgres.c process_postgres_switches).
    const bool initdb = whole_word(l, "initdb") || (whole_word(l, "pg_ctl") && (whole_word(l, "init") || whole_word(l, "initdb")));
    if (std::string_view rest = options_value(l); !rest.empty()) {
        for (std::size_t dash = rest.find('-'); dash != std::string_view::npos; dash = rest.find('-', dash + 1)) {
            if (dash > 0 && (word_char(rest[dash - 1]) || rest[dash - 1] == '-')) continue;
            const std::string_view after = rest.substr(dash + 1);
            if (after.starts_with('c') && after.size() > 1 && (after[1] == ' ' || after[1] == '\t' || after[1] == '+' || setting_at(after.substr(1)))) {
                return "connection options set session settings (\"-c name=value\") for every migration the tool runs";
            }
            // initdb's own long options (`pg_ctl init --options="--username=postgres --auth=trust"`,
            // lemmy's start_dev_db.sh; pg_ctl.c do_init hands them to initdb) are no server setting;
            // initdb's -c and --set=name=value are (initdb.c: written into postgresql.conf).
            if (after.starts_with('-') && setting_at(after.substr(1)) && (!initdb || after.substr(1).starts_with("set="))) {
                return "connection options set session settings (\"--name=value\") for every migration the tool runs";
            }
        }
    }
    // Hooks that run on each new connection, each named as its library spells it. Sequelize's are
    // whole names (sequelize lib/hooks.js hookTypes; the pool hooks since sequelize#15859): beforeConnect
    // may change the connection's config, afterConnect and afterPoolAcquire get the connection itself; a longer word that
    // starts alike ("...savedAfterConnectionRestored", an i18n key) is not one of them.
    static constexpr std::array<std::string_view, 3> k_whole_hooks = {"beforeconnect", "afterconnect", "afterpoolacquire"};
    for (auto hook : k_whole_hooks) {
        for (std::size_t at = keys.find(hook); at != std::string::npos; at = keys.find(hook, at + 1)) {
            if (at + hook.size() < keys.size() && std::isalnum(static_cast<unsigned char>(keys[at + hook.size()]))) continue;
            return "it runs code on each new connection of the tool (Sequelize's " + std::string(hook) +
                   " hook) before the migrations use it: what that sets or changes is not known";
        }
    }
    static constexpr std::array<std::string_view, 2> k_hooks = {
        "connectioninitsql",  // Spring Boot / HikariCP: connection-init-sql, connectionInitSql; DBCP's connectionInitSqls
        "initsql",            // Tomcat JDBC pool's initSQL, init-sql
    };
    for (auto hook : k_hooks) {
        if (keys.find(hook) != std::string::npos) {
            return "it runs SQL or code on each new connection of the tool (" + std::string(hook) +
                   ") before the migrations use it: what that sets or changes is not known";
        }
    }
    if (pooled && whole_word(l, "aftercreate") && !optional_signature(l, "aftercreate")) {  // Knex (tarn): pool.afterCreate(conn, done)
        return "the pool's afterCreate runs code, and SQL, on each new connection before the migrations use it: what that sets or "
               "changes is not known";
    }
    if (keys.find("clientencoding") != std::string::npos && keys.find("utf8") == std::string::npos && keys.find("unicode") == std::string::npos) {
        return "it sets a client encoding other than UTF8 for the tool's connections: in some encodings a multibyte character can swallow "
               "the backslash before a quote, so a migration's text may run otherwise than pgfence parsed it";
    }
    return {};
}

}  // namespace

std::vector<SessionSetup> session_setup_settings(std::string_view text, std::string_view path) {
    std::vector<SessionSetup> out;
    const std::string_view first = text.substr(0, text.find('\n'));
    const bool shell = path.ends_with(".sh") || path.ends_with(".bash") ||
                       (first.starts_with("#!") && (first.find("sh") != std::string_view::npos) && first.find("node") == std::string_view::npos &&
                        first.find("python") == std::string_view::npos);
    std::vector<Line> lines = program_lines(text);
    if (shell) {
        // A shell comment runs nothing (bash manual, "Comments": a word beginning with # and the rest of its line).
        std::erase_if(lines, [](const Line& l) {
            const std::size_t at = l.text.find_first_not_of(" \t");
            return at != std::string::npos && l.text[at] == '#';
        });
    }
    bool pooled = false;
    bool psql = false;
    const bool knex_config = javascript_file(path, first);
    for (const auto& l : lines) {
        pooled = pooled || (knex_config && l.text.find("pool") != std::string::npos);
        psql = psql || l.text.find("psql") != std::string::npos;
    }
    for (const auto& l : lines) {
        if (std::string why = setup_of(l.text, pooled, psql); !why.empty()) out.push_back(SessionSetup{l.number, std::move(why)});
    }
    return out;
}

}  // namespace pgfence::analyze::tools
