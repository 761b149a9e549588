#include "analyze/migrations/env_files.hpp"
#include "analyze/migrations/tool_dirs.hpp"
#include "analyze/migrations/tool_runners.hpp"
#include "analyze/migrations/tool_dirs_parts.hpp"

#include "analyze/orm/extract.hpp"
#include "analyze/orm/js_lexer.hpp"
#include "analyze/orm/rebinding.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include <fnmatch.h>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/config_dirs.hpp"
#include "analyze/migrations/container_settings.hpp"
#include "analyze/migrations/flyway_build_plugins.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/psql_scripts.hpp"
#include "analyze/migrations/psqlrc_files.hpp"
#include "analyze/migrations/changelog_dirs.hpp"
#include "analyze/migrations/yaml_exec.hpp"
#include "analyze/migrations/seed_dirs.hpp"
#include "analyze/migrations/sequelize_rc.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/spring_flyway.hpp"
#include "analyze/migrations/sqlx_crate.hpp"
#include "analyze/migrations/typeorm_classes.hpp"
#include "analyze/migrations/typeorm_data_source.hpp"

namespace pgfence::analyze::tools {
// Helpers shared with tool_dirs_commands.cpp (tool_dirs_parts.hpp); not part of tool_dirs.hpp.
namespace tool_dirs_detail {

// At most this many bytes of a value are shown (an expression, a path).
constexpr std::size_t k_shown = 80;

std::string printable(std::string_view text, std::size_t most) {
    std::size_t cut = std::min(text.size(), most);
    while (cut > 0 && cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // a whole character
    std::string out;
    for (char c : text.substr(0, cut)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '`' ? '?' : c;
    return cut < text.size() ? out + "..." : out;
}

std::string shown(std::string_view text) { return printable(text, k_shown); }

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// `value` (as the tool reads it, relative to `base`) as a folder of the repository: "." parts
// and a trailing slash dropped; empty with `why` set when it is absolute or climbs above the top.
std::string resolve(std::string_view base, std::string_view value, std::string& why) {
    if (value.empty()) {
        why = "its value is empty";
        return {};
    }
    if (value.front() == '/' || value.front() == '~' || value.front() == '\\') {
        why = "it names " + shown(value) + ", outside the repository";
        return {};
    }
    std::vector<std::string> parts;
    std::string_view b = base;
    while (!b.empty()) {
        std::size_t slash = b.find('/');
        std::string_view part = b.substr(0, slash);
        if (!part.empty() && part != ".") parts.emplace_back(part);
        if (slash == std::string_view::npos) break;
        b.remove_prefix(slash + 1);
    }
    std::string_view v = value;
    while (!v.empty()) {
        std::size_t slash = v.find('/');
        std::string_view part = v.substr(0, slash);
        if (part == "..") {
            if (parts.empty()) {
                why = "it names " + shown(value) + ", above the repository's top";
                return {};
            }
            parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.emplace_back(part);
        }
        if (slash == std::string_view::npos) break;
        v.remove_prefix(slash + 1);
    }
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
    if (out.empty()) out = ".";
    return out;
}

// A glob's folder: its parts before the first one with a wildcard ("src/migrations/*.ts" ->
// "src/migrations").
std::string glob_folder(std::string_view glob) {
    std::size_t wild = glob.find_first_of("*?[{");
    if (wild == std::string_view::npos) return std::string(glob);
    std::size_t slash = glob.rfind('/', wild);
    return slash == std::string_view::npos ? std::string(".") : std::string(glob.substr(0, slash));
}

// A glob with syntax loaded_by does not match: an extglob (`@(a|b)`, `!(x)`, `+(x)`, `?(x)`, `*(x)`)
// or a leading `!`. TypeORM matches its entities and migrations with glob.sync and no options
// (typeorm/typeorm src/util/DirectoryExportedClassesLoader.ts importClassesFromDirectories, glob
// ^10 in 0.3.20's package.json), whose minimatch reads extglobs unless `noext` is set (red team R82a
// B8: `lib/ent/!(*.spec).js` loaded an entity pgfence never matched). Such a glob is unknown.
bool extglob(std::string_view glob) {
    if (glob.starts_with('!')) return true;
    for (std::size_t i = 0; i + 1 < glob.size(); ++i) {
        if (glob[i + 1] == '(' && (glob[i] == '@' || glob[i] == '!' || glob[i] == '+' || glob[i] == '?' || glob[i] == '*')) return true;
    }
    return false;
}

// The folder a project's tool runs in when it is started from the project: the folder above a
// src/ folder the file lies in, else the file's own (a Rust crate's root, where sqlx's
// CARGO_MANIFEST_DIR points; a Node project's, where TypeORM's process.cwd() is).
std::string project_folder(std::string_view path) {
    std::string_view folder = path_folder(path);
    std::size_t src = folder == "src" || folder.starts_with("src/") ? 0 : folder.find("/src");
    while (src != std::string_view::npos && src != 0 && !(folder.size() == src + 4 || folder[src + 4] == '/')) {
        src = folder.find("/src", src + 1);
    }
    if (src == std::string_view::npos) return std::string(folder);
    return std::string(folder.substr(0, src));
}

// A settings file names a handful of folders; past this many, the rest are one unknown (and the
// output stays small whatever the file holds).
constexpr std::size_t k_most_dirs = 64;

// Arrays nested deeper than this in a value are not read (computed), so no input recurses far.
constexpr int k_deepest_value = 16;

ToolDir make(std::string tool, std::string setting, int line, std::string_view base, std::string_view value, bool scripts) {
    ToolDir d{std::move(tool), std::move(setting), line, {}, {}, scripts, {}, {}, {}, {}};
    std::string why;
    d.folder = resolve(base, value, why);
    if (d.folder.empty()) d.unknown = why;
    return d;
}

ToolDir computed(std::string tool, std::string setting, int line, std::string why, bool scripts) {
    return ToolDir{std::move(tool), std::move(setting), line, {}, std::move(why), scripts, {}, {}, {}, {}};
}

// A TOML or .env quoted value: its text, or nothing when it is not one quoted string.
std::optional<std::string> quoted(std::string_view v) {
    v = trim(v);
    if (std::size_t hash = v.find(" #"); hash != std::string_view::npos && (v.empty() || (v.front() != '"' && v.front() != '\''))) {
        v = trim(v.substr(0, hash));
    }
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')) {
        std::size_t end = v.find(v.front(), 1);
        if (end == std::string_view::npos) return std::nullopt;
        std::string_view rest = trim(v.substr(end + 1));
        if (!rest.empty() && rest.front() != '#') return std::nullopt;
        std::string_view inner = v.substr(1, end - 1);
        if (v.front() == '"' && inner.find('\\') != std::string_view::npos) return std::nullopt;
        return std::string(inner);
    }
    return std::nullopt;
}

// diesel_cli reads diesel.toml's `[migrations_directory] dir`, relative to diesel.toml's own
// folder (diesel-rs/diesel diesel_cli/src/config.rs: Config::read, set_relative_path_base).
void read_diesel(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    bool in_section = false;
    lines(text, [&](int n, std::string_view l) {
        l = trim(l);
        if (l.starts_with('[')) {
            in_section = trim(l.substr(1, l.find(']') == std::string_view::npos ? 0 : l.find(']') - 1)) == "migrations_directory";
            return;
        }
        if (!in_section || !l.starts_with("dir")) return;
        std::string_view rest = trim(l.substr(3));
        if (rest.empty() || rest.front() != '=') return;
        auto v = quoted(rest.substr(1));
        if (v) out.push_back(make("diesel", "[migrations_directory] dir", n, path_folder(path), *v, false));
        else out.push_back(computed("diesel", "[migrations_directory] dir", n, "its value " + shown(trim(rest.substr(1))) + " is not one plain TOML string", false));
    });
}

// dbmate reads DBMATE_MIGRATIONS_DIR (its --migrations-dir flag's variable; several folders
// separated by commas) and goose GOOSE_MIGRATION_DIR (its -dir flag's default) from the
// environment, which both load from .env in the folder they run in (amacneil/dbmate main.go:
// --env-file ".env", --migrations-dir EnvVars DBMATE_MIGRATIONS_DIR; pressly/goose
// cmd/goose/main.go: cfg.GOOSEMIGRATIONDIR when -dir is not given). godotenv expands $NAME and
// ${NAME} in unquoted and double-quoted values: such a value is not known here.
void read_env(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    lines(text, [&](int n, std::string_view l) {
        l = trim(l);
        if (l.starts_with("export ")) l = trim(l.substr(7));
        std::size_t eq = l.find('=');
        if (eq == std::string_view::npos) return;
        std::string_view key = trim(l.substr(0, eq));
        const bool dbmate = key == "DBMATE_MIGRATIONS_DIR";
        if (!dbmate && key != "GOOSE_MIGRATION_DIR") return;
        const std::string tool = dbmate ? "dbmate" : "goose";
        std::string_view raw = trim(l.substr(eq + 1));
        std::string value;
        if (auto q = quoted(raw)) {
            value = *q;
            if (raw.front() == '"' && value.find('$') != std::string::npos) {
                out.push_back(computed(tool, std::string(key), n, "its value " + shown(raw) + " reads another environment variable", false));
                return;
            }
        } else {
            if (std::size_t hash = raw.find(" #"); hash != std::string_view::npos) raw = trim(raw.substr(0, hash));
            if (raw.find('$') != std::string_view::npos || raw.find_first_of("\"'`") != std::string_view::npos) {
                out.push_back(computed(tool, std::string(key), n, "its value " + shown(raw) + " reads another environment variable", false));
                return;
            }
            value = std::string(raw);
        }
        std::string_view rest = value;
        while (true) {
            std::size_t comma = dbmate ? rest.find(',') : std::string_view::npos;
            out.push_back(make(tool, std::string(key), n, path_folder(path), trim(rest.substr(0, comma)), false));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    });
}

// A path expression of the settings file's folder or of the folder the tool runs in, as Node
// computes it: `path.join(__dirname, "migrations")`, `path.resolve(__dirname, "migrations/*.js")`,
// `__dirname + "/migrations"`, `` `${__dirname}/migrations` `` (TypeORM's documentation writes
// `__dirname + "/migration/*.js"`; knex's templates `path.join(__dirname, 'migrations')`), and the
// same with process.cwd(). __dirname is the folder of the module Node loaded (nodejs.org/api/
// modules.html, "__dirname"): the settings file's own, whatever folder the tool runs in. The
// result: 'D' (the file's folder) or 'C' (the folder the tool runs in), then the relative path;
// nothing when any part is computed or absolute.
std::optional<std::string> fold_anchored(const std::vector<orm::Token>& e, std::size_t from, std::size_t to) {
    const auto punct = [&](std::size_t i, std::string_view p) { return i < to && e[i].kind == orm::TokenKind::Punct && e[i].text == p; };
    const auto ident = [&](std::size_t i, std::string_view n) { return i < to && e[i].kind == orm::TokenKind::Ident && e[i].text == n; };
    const auto plain = [&](std::size_t i) -> std::optional<std::string> {
        if (i >= to || e[i].unterminated) return std::nullopt;
        if (e[i].kind == orm::TokenKind::String) return e[i].string.value;
        if (e[i].kind == orm::TokenKind::Template && !e[i].too_deep && e[i].parts.size() <= 1 && (e[i].parts.empty() || !e[i].parts[0].interpolation)) {
            return e[i].parts.empty() ? std::string() : e[i].parts[0].text.value;
        }
        return std::nullopt;
    };
    // __dirname or process.cwd() at i: its anchor and the index after it.
    const auto anchor = [&](std::size_t i, std::size_t& after) -> char {
        if (ident(i, "__dirname")) {
            after = i + 1;
            return 'D';
        }
        if (ident(i, "process") && punct(i + 1, ".") && ident(i + 2, "cwd") && punct(i + 3, "(") && punct(i + 4, ")")) {
            after = i + 5;
            return 'C';
        }
        return 0;
    };
    const auto joined = [](std::string a, std::string_view b) {
        while (!b.empty() && b.front() == '/') b.remove_prefix(1);
        if (b.empty()) return a;
        return a.empty() ? std::string(b) : a + "/" + std::string(b);
    };
    std::size_t after = 0;
    // path.join(...) / path.resolve(...): an anchor first, then literals (or literals alone: the run folder).
    if (ident(from, "path") && punct(from + 1, ".") && (ident(from + 2, "join") || ident(from + 2, "resolve")) && punct(from + 3, "(") &&
        punct(to - 1, ")")) {
        std::size_t i = from + 4;
        char a = anchor(i, after);
        bool comma = a != 0;  // a comma comes next
        if (a != 0) i = after;
        else a = 'C';
        std::string rel;
        while (i < to - 1) {
            if (comma) {
                if (!punct(i, ",")) return std::nullopt;
                if (++i >= to - 1) break;
            }
            auto lit = plain(i);
            if (!lit || (!lit->empty() && lit->front() == '/')) return std::nullopt;  // computed, or absolute (path.resolve starts again there)
            rel = joined(rel, *lit);
            ++i;
            comma = true;
        }
        return std::string(1, a) + (rel.empty() ? "." : rel);
    }
    // __dirname + "/x" (+ "y" ...).
    if (char a = anchor(from, after); a != 0 && punct(after, "+")) {
        std::string rest;
        std::size_t i = after;
        while (punct(i, "+")) {
            auto lit = plain(i + 1);
            if (!lit) return std::nullopt;
            rest += *lit;
            i += 2;
        }
        if (i != to || rest.empty() || rest.front() != '/') return std::nullopt;
        return std::string(1, a) + joined({}, rest);
    }
    // `${__dirname}/x`.
    if (to == from + 1 && e[from].kind == orm::TokenKind::Template && !e[from].unterminated && !e[from].too_deep && e[from].parts.size() == 3 &&
        !e[from].parts[0].interpolation && e[from].parts[0].text.value.empty() && e[from].parts[1].interpolation &&
        e[from].parts[1].sole_name == "__dirname" && !e[from].parts[2].interpolation && e[from].parts[2].text.value.starts_with("/")) {
        return "D" + joined({}, e[from].parts[2].text.value);
    }
    return std::nullopt;
}

// A walk over JavaScript/TypeScript or JSON text by the script lexer's tokens (orm/js_lexer.hpp):
// the key each object is the value of, so `migrations: { directory: ... }` is told from
// `seeds: { directory: ... }`. Strings, templates, comments and regular expressions are the
// lexer's, as Node reads them (a walk of its own once took the quote in `/'/` for a string and
// lost the `directory` after it: knex ran a folder pgfence never listed). Where the lexer stops,
// the walk stops (the settings readers report that line unknown).
struct JsWalk {
    std::string_view text;
    std::vector<orm::Token> t;
    std::size_t k = 0;
    // value() folds path expressions of the settings file's folder or the run folder
    // (fold_anchored), each given as k_folded, its anchor and the path.
    bool fold = false;
    static constexpr char k_folded = '\x01';

    explicit JsWalk(std::string_view s) : text(s), t(orm::lex_js(s)) {
        if (!t.empty() && !t.back().unreadable.empty()) t.pop_back();
    }
    [[nodiscard]] bool done() const { return k >= t.size(); }
    // The offset of the token the walk is at (the text's end past the last).
    [[nodiscard]] std::size_t at() const { return k < t.size() ? t[k].begin : text.size(); }
    [[nodiscard]] bool is(std::string_view punct) const { return punct_at(t, k, punct); }
    // The value at the walk: its string literals (an array's too), or nothing when any part is not
    // one; `expr` is the value's text as written, for the message.
    std::optional<std::vector<std::string>> value(std::string_view& expr, int depth = 0) {
        const std::size_t start = k;
        const auto written = [&] {
            if (start >= t.size() || k == start) {
                expr = {};
                return;
            }
            const std::size_t from = t[start].begin, to = t[std::min(k, t.size()) - 1].end;
            expr = trim(text.substr(from, to - from));
        };
        const auto end_of_expr = [&] {
            int open = 0;
            for (; k < t.size(); ++k) {
                if (t[k].kind != orm::TokenKind::Punct) continue;
                const std::string& p = t[k].text;
                if (p == "(" || p == "[" || p == "{" || p == "${") ++open;
                else if (p == ")" || p == "]" || p == "}") {
                    if (open == 0) break;
                    --open;
                } else if ((p == "," || p == ";") && open == 0) break;
            }
            written();
        };
        const auto folded = [&]() -> std::optional<std::vector<std::string>> {
            if (!fold || k == start) return std::nullopt;
            auto f = fold_anchored(t, start, k);
            if (!f) return std::nullopt;
            return std::vector<std::string>{std::string(1, k_folded) + *f};
        };
        std::vector<std::string> out;
        if (k < t.size() && (t[k].kind == orm::TokenKind::String || t[k].kind == orm::TokenKind::Template)) {
            auto lit = literal_of(t[k]);
            ++k;
            if (lit && !lit->starts_with(k_folded) && (done() || is(",") || is("}") || is("]") || is(";"))) {
                out.push_back(*lit);
                written();
                return out;
            }
            k = start;
            end_of_expr();
            return folded();
        }
        if (is("[") && depth < k_deepest_value) {
            ++k;
            bool all = true;
            while (!done()) {
                if (is("]")) {
                    ++k;
                    // `["./migrations"].concat("./lib/x")`: the tool sees what the expression
                    // computes, not the array alone (red team R82a B12): only an array that ends the
                    // value is read.
                    if (!done() && !is(",") && !is("}") && !is("]") && !is(";")) {
                        k = start;
                        end_of_expr();
                        return std::nullopt;
                    }
                    break;
                }
                if (is(",")) {
                    ++k;
                    continue;
                }
                std::string_view part;
                auto lit = value(part, depth + 1);
                if (lit) out.insert(out.end(), lit->begin(), lit->end());
                else all = false;
                if (!done() && !is(",") && !is("]")) ++k;
            }
            written();
            if (!all) return std::nullopt;
            return out;
        }
        end_of_expr();
        return folded();
    }
};

// Walks `text`, calling `on_key(walk, key, parent_key, offset of the value)` at each `key:`,
// `['key']:`, and member assignment `x.parent.key = ` / `x['parent']['key'] = ` (a knexfile's
// `c.migrations.directory = './db'` after its object); on_key returns whether it read the value
// (the walk then goes on after it).
// Where an object's contents are not all literal keys, on_key is called with the key "..." and
// the object's own key as parent, its value being the expression that supplies them: a spread
// (`migrations: { ...dirs }`), and the target of `Object.assign(c.migrations, ...)`. A shorthand
// property (`{ directory }`) is its key with the name as its value.
template <typename F>
void walk_keys(std::string_view text, F on_key, bool fold = false) {
    JsWalk w{text};
    w.fold = fold;
    const std::vector<std::size_t> close = orm::closing_brackets(w.t);
    std::vector<std::size_t> braces;  // the open `{` of each entry of `stack`
    std::vector<std::string> stack;
    std::string key;  // the key whose value comes next
    const auto punct = [&](std::size_t i, std::string_view p) { return punct_at(w.t, i, p); };
    // The member name a token ends: `.name` or `['name']` (nullopt: none, or computed).
    const auto member_before = [&](std::size_t end) -> std::optional<std::string> {
        if (end >= 1 && w.t[end - 1].kind == orm::TokenKind::Ident) return w.t[end - 1].text;
        if (end >= 3 && punct(end - 1, "]") && punct(end - 3, "[") && w.t[end - 2].kind != orm::TokenKind::Ident) {
            return literal_of(w.t[end - 2]);
        }
        return std::nullopt;
    };
    const auto call = [&](const std::string& name, const std::string& parent) {
        key = name;
        const std::size_t at = w.at();
        const std::size_t before = w.k;
        if (on_key(w, key, parent, at)) key.clear();
        if (w.k < before) w.k = before;  // never back
    };
    const auto in_literal = [&] {
        // The innermost brace is an object literal's, not a destructuring pattern's (`} =`).
        return !braces.empty() && braces.back() < w.t.size() && close[braces.back()] < w.t.size() && !punct(close[braces.back()] + 1, "=");
    };
    while (!w.done()) {
        const orm::Token& tok = w.t[w.k];
        // `...x` in an object literal: its keys come from x.
        if (punct(w.k, "...") && in_literal() && (punct(w.k - 1, "{") || punct(w.k - 1, ","))) {
            ++w.k;
            call("...", stack.back());
            continue;
        }
        // A shorthand property `{ directory }`: the key, with the name as its value.
        if (tok.kind == orm::TokenKind::Ident && in_literal() && w.k > 0 && (punct(w.k - 1, "{") || punct(w.k - 1, ",")) &&
            (punct(w.k + 1, ",") || punct(w.k + 1, "}"))) {
            const std::size_t before = w.k;
            call(tok.text, stack.back());
            if (w.k == before) ++w.k;
            continue;
        }
        // Object.assign(x.key, ...) (or `Object['assign'](...)`, red team R82a B1): x.key's
        // contents from the sources.
        const std::size_t assign_open = tok.kind == orm::TokenKind::Ident && tok.text == "Object" && punct(w.k + 1, ".") && w.k + 2 < w.t.size() &&
                                                w.t[w.k + 2].kind == orm::TokenKind::Ident && w.t[w.k + 2].text == "assign"
                                            ? w.k + 3
                                        : tok.kind == orm::TokenKind::Ident && tok.text == "Object" && punct(w.k + 1, "[") && punct(w.k + 3, "]") &&
                                                w.k + 2 < w.t.size() && w.t[w.k + 2].kind != orm::TokenKind::Ident &&
                                                literal_of(w.t[w.k + 2]) == std::optional<std::string>("assign")
                                            ? w.k + 4
                                            : 0;
        if (assign_open != 0 && punct(assign_open, "(") && close[assign_open] < w.t.size()) {
            const std::size_t open = assign_open;
            std::size_t end = open + 1;
            for (int depth = 0; end < close[open]; ++end) {
                if (punct(end, "(") || punct(end, "[") || punct(end, "{")) ++depth;
                else if (punct(end, ")") || punct(end, "]") || punct(end, "}")) --depth;
                else if (punct(end, ",") && depth == 0) break;
            }
            const std::optional<std::string> target = end > open + 1 ? member_before(end) : std::nullopt;
            w.k = punct(end, ",") ? end + 1 : end;  // at the first source
            if (target) call("...", *target);
            continue;
        }
        // ['key']: value, and x['key'] = value.
        if (punct(w.k, "[") && w.k + 2 < w.t.size() && punct(w.k + 2, "]") && w.t[w.k + 1].kind != orm::TokenKind::Ident &&
            (punct(w.k + 3, ":") || punct(w.k + 3, "="))) {
            const bool assigned = punct(w.k + 3, "=");
            std::optional<std::string> name = literal_of(w.t[w.k + 1]);
            std::optional<std::string> parent = assigned ? member_before(w.k) : std::nullopt;
            w.k += 4;
            if (!name) continue;
            call(*name, assigned ? parent.value_or(std::string()) : stack.empty() ? std::string() : stack.back());
            continue;
        }
        // x.key = value: the member before is its parent.
        if (punct(w.k, ".") && w.k + 1 < w.t.size() && w.t[w.k + 1].kind == orm::TokenKind::Ident && punct(w.k + 2, "=")) {
            const std::string name = w.t[w.k + 1].text;
            const std::optional<std::string> parent = member_before(w.k);
            w.k += 3;
            call(name, parent.value_or(std::string()));
            continue;
        }
        std::optional<std::string> word;
        if (tok.kind == orm::TokenKind::String) {
            word = literal_of(tok);
        } else if (tok.kind == orm::TokenKind::Ident) {
            word = tok.text;
        } else {
            if (tok.kind == orm::TokenKind::Punct) {
                if (tok.text == "{") {
                    stack.push_back(key);
                    braces.push_back(w.k);
                    if (stack.size() > 256) return;  // deeper than any settings file
                } else if (tok.text == "}") {
                    if (!stack.empty()) stack.pop_back();
                    if (!braces.empty()) braces.pop_back();
                }
                if (tok.text == "{" || tok.text == "}" || tok.text == "," || tok.text == ";") key.clear();
            }
            ++w.k;
            continue;
        }
        ++w.k;
        if (!word) continue;
        if (w.is(":")) {
            ++w.k;
            call(*word, stack.empty() ? std::string() : stack.back());
        }
    }
}

// The names a file assigns (`x = ...`), each with whether it is bound once, by `const|let|var x = {`
// (an object literal whose keys walk_keys reads where they are written). Made once per file.
std::map<std::string, bool> object_bindings(const std::vector<orm::Token>& t) {
    std::map<std::string, bool> out;
    std::set<std::string> seen;
    for (std::size_t i = 0; i + 2 < t.size(); ++i) {
        if (t[i].kind != orm::TokenKind::Ident || (i > 0 && (t[i - 1].text == "." || t[i - 1].text == "?."))) continue;
        if (t[i + 1].kind != orm::TokenKind::Punct || t[i + 1].text != "=") continue;
        const bool literal = i > 0 && (t[i - 1].text == "const" || t[i - 1].text == "let" || t[i - 1].text == "var") &&
                             t[i + 2].kind == orm::TokenKind::Punct && t[i + 2].text == "{";
        out[t[i].text] = seen.insert(t[i].text).second && literal;
    }
    return out;
}

// `expr` is a name this file binds once to an object literal (object_bindings).
bool local_object_literal(const std::map<std::string, bool>& bindings, std::string_view expr) {
    const std::vector<orm::Token> e = orm::lex_js(expr);
    if (e.size() != 1 || e[0].kind != orm::TokenKind::Ident) return false;
    auto it = bindings.find(e[0].text);
    return it != bindings.end() && it->second;
}

// Whether the object literal around the spread at `spread` is a TypeORM options object: the
// argument of `new DataSource(` / `createConnection(`, or an object with one of the options' keys
// at its own level. (A file that makes a DataSource may spread other objects, a test's handlers
// for one.) Each scan is bounded, so many spreads cost linear time; past the bound it counts.
// `open`: the innermost bracket around each token (t.size() at the top), made once per file
// (open_brackets), so a file of many spreads costs linear time.
std::vector<std::size_t> open_brackets(const std::vector<orm::Token>& t) {
    std::vector<std::size_t> out(t.size(), t.size());
    std::vector<std::size_t> stack;
    for (std::size_t i = 0; i < t.size(); ++i) {
        out[i] = stack.empty() ? t.size() : stack.back();
        if (t[i].kind != orm::TokenKind::Punct) continue;
        if (t[i].text == "{" || t[i].text == "(" || t[i].text == "[" || t[i].text == "${") stack.push_back(i);
        else if ((t[i].text == "}" || t[i].text == ")" || t[i].text == "]") && !stack.empty()) stack.pop_back();
    }
    return out;
}

bool typeorm_options_at(const std::vector<orm::Token>& t, const std::vector<std::size_t>& enclosing, std::size_t spread) {
    constexpr std::size_t k_scan = 4096;
    const auto punct = [&](std::size_t i, std::string_view p) { return i < t.size() && t[i].kind == orm::TokenKind::Punct && t[i].text == p; };
    const std::size_t open = spread < enclosing.size() ? enclosing[spread] : t.size();
    int depth = 0;
    if (!punct(open, "{")) return false;
    if (open >= 2 && punct(open - 1, "(") && t[open - 2].kind == orm::TokenKind::Ident &&
        (t[open - 2].text == "DataSource" || t[open - 2].text == "createConnection")) {
        return true;
    }
    // Keys only TypeORM's options have; `type` counts when it is not a string other than a driver's
    // (typeorm src/driver/types/DatabaseType.ts), so a test's `{ type: "login", ...extra }` does not.
    static const std::set<std::string_view> k_keys = {"migrations", "entities", "migrationsRun", "subscribers", "migrationsTableName",
                                                      "synchronize", "dropSchema", "migrationsTransactionMode", "entityPrefix"};
    static const std::set<std::string_view> k_drivers = {"postgres", "cockroachdb", "aurora-postgres", "mysql", "mariadb", "aurora-mysql",
                                                         "sqlite", "better-sqlite3", "capacitor", "cordova", "react-native", "nativescript",
                                                         "expo", "sqljs", "mssql", "oracle", "sap", "spanner", "mongodb", "libsql"};
    depth = 0;
    bool keys = false;  // any key at all: an object of spreads alone may be anything's
    for (std::size_t i = open + 1, steps = 0; i < t.size(); ++i, ++steps) {
        if (steps >= k_scan) return true;
        if (punct(i, "{") || punct(i, "(") || punct(i, "[")) ++depth;
        else if (punct(i, "}") || punct(i, ")") || punct(i, "]")) {
            // Spreads alone: options when bound or returned (`const o = { ...JSON.parse(x) }`), not a
            // call's argument object (`handlers({ ...a, ...b })`).
            if (depth == 0) return !keys && open > 0 && (punct(open - 1, "=") || (t[open - 1].kind == orm::TokenKind::Ident &&
                                                                                   (t[open - 1].text == "return" || t[open - 1].text == "default")));
            --depth;
        } else if (depth == 0 && (punct(i - 1, "{") || punct(i - 1, ",")) && !punct(i, "...")) {
            keys = true;
            if (!punct(i + 1, ":")) continue;
            const std::optional<std::string> key = t[i].kind == orm::TokenKind::Ident ? std::optional<std::string>(t[i].text) : literal_of(t[i]);
            if (key && k_keys.contains(*key)) return true;
            if (key == std::optional<std::string>("type")) {
                const std::optional<std::string> value = i + 2 < t.size() ? literal_of(t[i + 2]) : std::nullopt;
                if (!value || k_drivers.contains(*value)) return true;
            }
        }
    }
    return true;
}

// A value that is no list whatever runs: a boolean, a number, null or undefined.
bool not_a_list(std::string_view expr) {
    const std::vector<orm::Token> e = orm::lex_js(expr);
    return e.size() == 1 && (e[0].kind == orm::TokenKind::Number ||
                             (e[0].kind == orm::TokenKind::Ident && (e[0].text == "true" || e[0].text == "false" || e[0].text == "null" ||
                                                                     e[0].text == "undefined")));
}

// Each use of a settings key as a member after the literal that set it (red team R82a B1):
// `x.key += v`, `x.key.push(v)`, `x.key[0] = v`, `x.key.length = 0`, `delete x.key`, a read that
// aliases it (`const d = x.key`, `const { key } = x`), the target of Object.assign. The tool sees
// the value after all of them, which is not the literal's: each is unknown at its line. Only
// `x.key = value` and `x.key.name = value` are not uses (walk_keys reads them as settings).
// `each(offset, name, member before it)` is called for each.
template <typename F>
void key_uses(std::string_view text, const std::vector<std::string_view>& names, F each) {
    std::vector<orm::Token> t = orm::lex_js(text);
    if (!t.empty() && !t.back().unreadable.empty()) t.pop_back();
    const std::vector<std::size_t> close = orm::closing_brackets(t);
    const auto punct = [&](std::size_t i, std::string_view p) {
        return i < t.size() && t[i].kind == orm::TokenKind::Punct && t[i].text == p;
    };
    const auto named = [&](const std::optional<std::string>& n) {
        return n && std::find(names.begin(), names.end(), std::string_view(*n)) != names.end();
    };
    const auto literal = [&](std::size_t i) { return i < t.size() && t[i].kind != orm::TokenKind::Ident ? literal_of(t[i]) : std::nullopt; };
    // Words after which `[` opens an array, not a member.
    static const std::set<std::string_view> k_words = {"return", "typeof", "in", "of", "case", "yield", "await", "void", "delete", "new",
                                                       "throw", "else", "do", "instanceof", "export", "default"};
    const auto member_name_before = [&](std::size_t i) -> std::string {
        if (i >= 1 && t[i - 1].kind == orm::TokenKind::Ident) return t[i - 1].text;
        if (i >= 3 && punct(i - 1, "]") && punct(i - 3, "[")) return literal(i - 2).value_or(std::string());
        return {};
    };
    std::vector<std::size_t> braces;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (punct(i, "{")) braces.push_back(i);
        else if (punct(i, "}") && !braces.empty()) braces.pop_back();
        std::size_t m = 0, after = 0;
        if ((punct(i, ".") || punct(i, "?.")) && i + 1 < t.size() && t[i + 1].kind == orm::TokenKind::Ident && named(t[i + 1].text)) {
            m = i + 1;
            after = i + 2;
        } else if (punct(i, "[") && punct(i + 2, "]") && named(literal(i + 1)) && i > 0 &&
                   ((t[i - 1].kind == orm::TokenKind::Ident && !k_words.contains(t[i - 1].text)) || punct(i - 1, ")") || punct(i - 1, "]"))) {
            m = i + 1;
            after = i + 3;
        } else if ((t[i].kind == orm::TokenKind::Ident ? named(t[i].text) : named(literal(i))) && !braces.empty() &&
                   (punct(i - 1, "{") || punct(i - 1, ",")) && close[braces.back()] < t.size() && punct(close[braces.back()] + 1, "=") &&
                   !punct(close[braces.back()] + 2, ">") && (punct(i + 1, ",") || punct(i + 1, "}") || punct(i + 1, ":") || punct(i + 1, "="))) {
            each(t[i].begin, t[i].kind == orm::TokenKind::Ident ? t[i].text : *literal(i), std::string("(destructuring)"));  // `{ key } = x`
            continue;
        }
        // A call `x.key(...)` is some other object's method: a settings value (a folder, a list, an
        // object) is no function, and calling it would stop the tool.
        if (m == 0 || punct(after, "(")) continue;
        // The member chain after the key, to the operator that ends it.
        std::size_t j = after;
        int further = 0;
        bool plain = true;  // each further member a plain name
        while (j < t.size() && further < 64) {  // (longer is a use: bounded, so a long chain of keys costs linear time)
            if ((punct(j, ".") || punct(j, "?.")) && j + 1 < t.size() && t[j + 1].kind == orm::TokenKind::Ident) {
                j += 2;
            } else if (punct(j, "[") && close[j] < t.size()) {
                plain = plain && close[j] == j + 2 && literal(j + 1).has_value();
                j = close[j] + 1;
            } else if (punct(j, "!") && !punct(j + 1, "=")) {
                ++j;
                continue;
            } else {
                break;
            }
            ++further;
        }
        if (punct(j, "=") && (further == 0 || (further == 1 && plain))) continue;
        // `x.migrations.map(...)`, `x.migrations.length`: a read that makes a new value and leaves
        // the key's as it was (an alias, `const m = x.migrations`, is a use: it may be changed later).
        static const std::set<std::string_view> k_reads = {"map", "filter", "forEach", "some", "every", "find", "findIndex", "includes",
                                                           "indexOf", "join", "slice", "concat", "reduce", "flat", "flatMap", "at"};
        if (further == 1 && punct(j, "(") && j >= 2 && punct(j - 2, ".") && t[j - 1].kind == orm::TokenKind::Ident && k_reads.contains(t[j - 1].text)) {
            continue;
        }
        each(t[m].begin, t[m].kind == orm::TokenKind::Ident ? t[m].text : *literal(m), member_name_before(i));
    }
}

// knex's CLI runs in the knexfile's folder and reads `migrations.directory` (one folder or an
// array), default "./migrations" (knex/knex bin/cli.js: process.chdir to the knexfile's folder;
// lib/migrations/migrate/configuration-merger.js: CONFIG_DEFAULT directory './migrations').
// TypeORM's DataSource (and ormconfig) `migrations` lists globs (or classes) resolved from the
// working directory (typeorm/typeorm src/data-source/DataSourceOptions.ts `migrations`;
// src/util/DirectoryExportedClassesLoader.ts importClassesFromDirectories). node-pg-migrate reads
// `migrations-dir` from the `config` package's section (config/default.json "db") (salsita/
// node-pg-migrate bin/node-pg-migrate.ts readJson, default join(cwd(), 'migrations')).
// With `seeds`, a knexfile's `seeds.directory` instead (knex/knex lib/migrations/seed/Seeder.js
// resolveConfig, seeder-configuration-merger.js CONFIG_DEFAULT directory './seeds', relative to
// the folder the CLI runs in).
void read_js(std::string_view path, std::string_view text, std::string_view tool, std::vector<ToolDir>& out,
             const std::string* run_folder = nullptr, bool seeds = false) {
    const std::string base = run_folder ? *run_folder
                             : tool == "knex" || tool == "db-migrate" ? std::string(path_folder(path))
                             : tool == "node-pg-migrate" ? std::string(path_folder(path_folder(path)))
                                                         : project_folder(path);
    const Lines lines_of(text);
    const std::size_t first = out.size();
    std::optional<std::vector<std::string>> load_extensions;  // knex's, when the knexfile lists them
    int load_extensions_line = 0;
    bool directory = false;
    std::optional<std::map<std::string, bool>> bindings;  // object_bindings, when a spread asks
    std::set<int> spread_lines;                           // the lines of unread spreads reported
    std::optional<std::vector<std::size_t>> enclosing;    // open_brackets, when a spread asks
    std::map<std::size_t, bool> options_at;               // typeorm_options_at of each object with a spread
    walk_keys(text, [&](JsWalk& w, const std::string& key, const std::string& parent, std::size_t at) {
        // knex's `migrations.loadExtensions` replaces its default list (knex/knex
        // lib/migrations/migrate/configuration-merger.js: the knexfile's migrations over
        // CONFIG_DEFAULT; lib/migrations/migrate/sources/fs-migrations.js getMigrations keeps the
        // files whose path.extname() is in it, case and all, and lib/migrations/util/import-file.js
        // require()s each: Node runs a file of an extension it has no loader for as JavaScript).
        // Red team R79 B10: `loadExtensions: ['.migration']` made a .migration file a migration
        // pgfence never listed. A list it cannot read is unknown at its line.
        if (tool == "knex" && !seeds && key == "loadExtensions" && parent == "migrations") {
            const int n = lines_of.at(w.at());
            std::string_view expr;
            auto values = w.value(expr);
            const bool folded = values && std::any_of(values->begin(), values->end(), [](const std::string& v) { return v.starts_with(JsWalk::k_folded); });
            if (values && values->size() <= k_most_dirs && !folded) {
                load_extensions = std::move(*values);
                load_extensions_line = n;
            } else {
                out.push_back(computed("knex", "migrations.loadExtensions", n,
                                       "its value " + shown(expr) + " is computed when the tool runs (not a list of string literals): "
                                       "which files of the folder knex loads as migrations is not known",
                                       true));
            }
            return true;
        }
        // knex's `migrations` as something other than an object literal (`migrations: dirs`, a
        // require()d JSON file, a call): its directory is not known here.
        if (tool == "knex" && key == (seeds ? "seeds" : "migrations")) {
            if (w.done() || w.is("{")) return false;
            const int n = lines_of.at(w.at());
            std::string_view expr;
            (void)w.value(expr);
            out.push_back(computed("knex", seeds ? "seeds" : "migrations", n, "its value " + shown(expr) + " is computed when the tool runs (not an object literal)", true));
            directory = true;
            return true;
        }
        // knex's migrations object filled from elsewhere (a spread, Object.assign onto it): its
        // directory is not known here.
        if (tool == "knex" && key == "..." && parent == (seeds ? "seeds" : "migrations")) {
            const int n = lines_of.at(w.at());
            std::string_view expr;
            (void)w.value(expr);
            out.push_back(computed("knex", seeds ? "seeds" : "migrations", n,
                                   "its keys come from " + shown(expr) + ", which pgfence does not read as settings", true));
            directory = true;
            return true;
        }
        // TypeORM's options filled from elsewhere (`Object.assign(options, JSON.parse(...))`, a
        // spread of an imported object): `migrations` may be among the keys (red team R82a B1).
        // Only an object literal, or a name this file binds to one (whose keys the walk reads), is
        // read.
        // Object.assign(target, a, b, ...) (walk_keys calls at its first source): every source is
        // judged, not the first alone, as the tool sees all of them. A source that is an object
        // literal (its keys are walked) or a name bound once to one is read; any other (JSON.parse,
        // a require, an import) may hold `migrations`, and is unknown (red team R82a B1 to_assign).
        const bool spread = w.k > 0 && w.t[w.k - 1].kind == orm::TokenKind::Punct && w.t[w.k - 1].text == "...";
        if ((tool == "typeorm" || (tool == "knex" && parent != (seeds ? "seeds" : "migrations"))) && key == "..." && !spread) {
            if (!bindings) bindings = object_bindings(w.t);
            const auto is_punct = [&](std::size_t i, std::string_view p) {
                return i < w.t.size() && w.t[i].kind == orm::TokenKind::Punct && w.t[i].text == p;
            };
            std::size_t arg = w.k;
            int depth = 0;
            for (std::size_t i = w.k, steps = 0; i <= w.t.size(); ++i, ++steps) {
                const bool end = i == w.t.size() || steps >= 4096 || (depth == 0 && (is_punct(i, ",") || is_punct(i, ")")));
                if (end) {
                    if (i > arg && !is_punct(arg, "{")) {
                        const std::string_view source = trim(text.substr(w.t[arg].begin, w.t[i - 1].end - w.t[arg].begin));
                        const int n = lines_of.at(w.t[arg].begin);
                        if (!local_object_literal(*bindings, source) && spread_lines.insert(n).second && spread_lines.size() <= k_most_dirs) {
                            out.push_back(computed(std::string(tool), "migrations", n,
                                                   "Object.assign copies keys from " + shown(source) + ", which pgfence does not read as settings: "
                                                   "`migrations` may be among them",
                                                   true));
                        }
                    }
                    if (i == w.t.size() || steps >= 4096 || is_punct(i, ")")) break;
                    arg = i + 1;
                    continue;
                }
                if (is_punct(i, "{") || is_punct(i, "(") || is_punct(i, "[")) ++depth;
                else if (is_punct(i, "}") || is_punct(i, ")") || is_punct(i, "]")) --depth;
            }
            return false;  // an object literal source's keys are walked
        }
        if (tool == "typeorm" && key == "...") {
            if (w.is("{")) return false;
            if (w.k > 0 && w.t[w.k - 1].kind == orm::TokenKind::Punct && w.t[w.k - 1].text == "...") {
                if (!enclosing) enclosing = open_brackets(w.t);
                const std::size_t brace = (*enclosing)[w.k - 1];
                auto known = options_at.find(brace);
                if (known == options_at.end()) known = options_at.emplace(brace, typeorm_options_at(w.t, *enclosing, w.k - 1)).first;
                if (!known->second) return false;
            }
            const int n = lines_of.at(w.at());
            std::string_view expr;
            (void)w.value(expr);
            if (!bindings) bindings = object_bindings(w.t);
            if (local_object_literal(*bindings, expr)) return true;
            // One a line, and a handful a file (the output stays small whatever the file holds).
            if (!spread_lines.insert(n).second || spread_lines.size() > k_most_dirs) return true;
            out.push_back(computed("typeorm", "migrations", n,
                                   "the options' keys come from " + shown(expr) + ", which pgfence does not read as settings: "
                                   "`migrations` may be among them",
                                   true));
            return true;
        }
        // node-pg-migrate's `ignore-pattern` in its config section (bin/node-pg-migrate.ts readJson:
        // applyIf(IGNORE_PATTERN, 'ignore-pattern', ...)), a regular expression over the folder's file
        // names that replaces the default '\\..*' (src/migration.ts getMigrationFilePaths): pgfence
        // evaluates none, so which files of the folder run is not known (issue #53).
        if (tool == "node-pg-migrate" && key == "ignore-pattern") {
            const int n = lines_of.at(w.at());
            std::string_view expr;
            (void)w.value(expr);
            out.push_back(computed("node-pg-migrate", "ignore-pattern", n,
                                   "its value " + shown(expr) + " is a regular expression over the folder's file names, which pgfence does not "
                                   "evaluate: which files of the migrations folder node-pg-migrate runs (a dot file among them) is not known",
                                   true));
            return true;
        }
        std::string setting;
        if (tool == "knex" && key == "directory" && parent == (seeds ? "seeds" : "migrations")) setting = seeds ? "seeds.directory" : "migrations.directory";
        else if (tool == "typeorm" && key == "migrations") setting = "migrations";
        else if ((tool == "node-pg-migrate" || tool == "db-migrate") && key == "migrations-dir") setting = "migrations-dir";
        if (setting.empty()) return false;
        directory = directory || tool == "knex";  // named, whether read or computed: no default folder
        const int n = lines_of.at(w.at());
        const bool listed = w.is("[");
        std::string_view expr;
        auto values = w.value(expr);
        (void)at;
        if (tool == "typeorm" && (!values || values->empty())) {
            // Classes (`[Init, Cleanup]`, `Object.values(changes)`): their modules' folders
            // (typeorm_classes.hpp); anything else not a list is not the DataSource's.
            ClassModules classes = typeorm_class_modules(text, expr);
            for (const auto& folder : classes.folders) out.push_back(make("typeorm", setting, n, path_folder(path), folder, true));
            if (!classes.unknown.empty()) {
                out.push_back(computed("typeorm", setting, n, "its value " + shown(expr) + " lists classes: " + classes.unknown, true));
                return true;
            }
            // Only a value that cannot be a list (a boolean, a number, null) is not the DataSource's;
            // `"lib/x/*.js".split(",")` is a list computed when the tool runs (red team R82a B1).
            if (!classes.folders.empty()) return true;
            if (!listed && not_a_list(expr)) return false;
        }
        // node-config's custom-environment-variables file maps each key to the name of an
        // environment variable; where that variable is set, its value replaces the key's value from
        // the other files (node-config/node-config's wiki, Environment Variables, "Custom
        // Environment Variables": the file is read after the others and each leaf names a variable
        // whose value, when set, overrides). Its value is known only at deploy: the folder is not.
        if (tool == "node-pg-migrate" && path_name(path).starts_with("custom-environment-variables.")) {
            std::string name = values && values->size() == 1 ? shown((*values)[0]) : shown(expr);
            out.push_back(computed(std::string(tool), setting, n,
                                   "node-config's custom-environment-variables maps it to the environment variable " + name +
                                       ", whose value at deploy pgfence cannot read (the other config files' folder applies "
                                       "only while it is unset)",
                                   true));
            return true;
        }
        // knex's CLI runs in the knexfile's folder: path.join/resolve(__dirname or process.cwd(),
        // literals) is a folder there (knex's own templates write `path.join(__dirname, 'migrations')`).
        if (!values && tool == "knex") {
            if (auto folded = fold_path_expression(expr); folded && !folded->empty()) values = std::vector<std::string>{*folded};
        }
        if (!values || values->empty()) {
            out.push_back(computed(std::string(tool), setting, n,
                                   "its value " + shown(expr) + " is computed when the tool runs (" +
                                       (tool == "typeorm" ? "not a list of string globs" : "not a string literal") + ")",
                                   true));
            return true;
        }
        for (const auto& written : *values) {
            if (tool == "typeorm" && extglob(written)) {
                out.push_back(computed("typeorm", setting, n,
                                       "its glob " + shown(written) + " uses extglob syntax (@(...), !(...), +(...), ?(...), *(...)), which "
                                       "TypeORM's glob matches and pgfence does not: which migrations it runs is not known",
                                       true));
                continue;
            }
            // A folded path expression: of the settings file's folder (__dirname) or the run folder.
            const bool folded = written.starts_with(JsWalk::k_folded) && written.size() >= 2;
            const std::string v = folded ? written.substr(2) : written;
            const std::string from = folded && written[1] == 'D' ? std::string(path_folder(path)) : base;
            out.push_back(make(std::string(tool), setting, n, from, tool == "typeorm" ? std::string_view(glob_folder(v)) : std::string_view(v), true));
        }
        directory = directory || tool == "knex";
        return true;
    }, tool == "knex" || tool == "typeorm" || tool == "node-pg-migrate");
    // A settings key changed or aliased after its literal: what the tool reads is not the literal.
    std::vector<std::string_view> names;
    if (tool == "knex" && !seeds) names = {"migrations", "directory", "loadExtensions"};
    else if (tool == "knex") names = {"seeds", "directory"};
    else if (tool == "typeorm") names = {"migrations"};
    else if (tool == "node-pg-migrate" || tool == "db-migrate") names = {"migrations-dir", "ignore-pattern"};
    std::set<int> used_at;  // one finding a line
    key_uses(text, names, [&](std::size_t offset, const std::string& name, const std::string& before) {
        // `x.seeds.directory` is not the migrations' (nor `x.migrations.directory` the seeds').
        if (name == "directory" && before == (seeds ? "migrations" : "seeds")) return;
        if (used_at.size() >= k_most_dirs || !used_at.insert(lines_of.at(offset)).second) return;
        const std::string setting = tool != "knex" || name == "migrations" || name == "seeds" || name == "loadExtensions" ? name
                                    : before.empty() || before == "(destructuring)"                                          ? std::string(seeds ? "seeds.directory" : "migrations.directory")
                                                                                                                              : before + "." + name;
        out.push_back(computed(std::string(tool), setting, lines_of.at(offset),
                               "`" + shown(name) + "` is used again after its value (a later write, a method call such as push or concat, "
                               "a compound assignment, an alias or Object.assign): the value the tool reads is not the one written, and "
                               "pgfence does not follow it",
                               true));
        directory = directory || tool == "knex";
    });
    if (!load_extensions) return;
    // knex's default folder, ./migrations, where the knexfile names none (CONFIG_DEFAULT directory).
    if (!directory) out.push_back(make("knex", "migrations.loadExtensions, knex's default directory", load_extensions_line, base, "migrations", true));
    for (std::size_t i = first; i < out.size(); ++i) {
        if (out[i].tool == "knex" && out[i].unknown.empty()) out[i].load_extensions = *load_extensions;
    }
}

// node-config parses YAML, TOML, properties, hjson, json5, cson, CoffeeScript and XML files as
// well (node-config/node-config lib/util.js / parser.js: js-yaml, toml, properties, hjson, json5,
// cson, ...), and node-pg-migrate reads `migrations-dir`, `use-glob` and `ignore-pattern` from the
// result (bin/node-pg-migrate.ts readJson). pgfence parses none of these (red team R82a B7:
// config/default.yaml `migrations-dir: lib/x` ran lib/x): a line that names one of those keys, or
// holds an escape that could spell one, is unknown.
void read_node_config_unparsed(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    lines(text, [&](int n, std::string_view l) {
        if (out.size() >= 4096) return;
        std::string low(l);
        for (char& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string_view key;
        for (std::string_view k : {"migrations-dir", "migrations_dir", "migrationsdir", "use-glob", "ignore-pattern"}) {
            if (low.find(k) != std::string::npos) key = k;
        }
        const bool escaped = low.find('\\') != std::string::npos;
        if (key.empty() && !escaped) return;
        out.push_back(computed("node-pg-migrate", key.empty() ? std::string("migrations-dir") : std::string(key), n,
                               "node-config reads " + shown(path_name(path)) + " in a format pgfence does not parse (" +
                                   (key.empty() ? std::string("this line holds an escape that may spell one of node-pg-migrate's keys")
                                                : "this line names " + std::string(key)) +
                                   "): which folder node-pg-migrate runs is not known",
                               true));
    });
}

bool typeorm_name(std::string_view name) {
    if (name.starts_with("ormconfig.")) return true;
    const bool script = name.ends_with(".ts") || name.ends_with(".js") || name.ends_with(".mts") || name.ends_with(".cts") ||
                        name.ends_with(".mjs") || name.ends_with(".cjs");
    return script && (name.find("data-source") != std::string_view::npos || name.find("datasource") != std::string_view::npos ||
                      name.find("dataSource") != std::string_view::npos);
}

// sequelize-cli's .sequelizerc `migrations-path` (tools/sequelize_rc.cpp), relative to its folder.
void read_sequelizerc(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    for (const auto& p : sequelize_rc_paths(text)) {
        if (p.value) out.push_back(make("sequelize", "migrations-path", p.line, path_folder(path), *p.value, true));
        else out.push_back(computed("sequelize", "migrations-path", p.line, "its value " + shown(p.expr) + " is computed when the tool runs", true));
    }
}

// db-migrate merges rc('db-migrate') over its command line's defaults (db-migrate/node-db-migrate
// lib/commands/set-default-argv.js: deepExtend(internals.argv, rcConfig)); the rc package reads
// .db-migraterc from the folder it runs in and the folders above, as JSON or else as INI
// (dominictarr/rc index.js, lib/utils.js parse). Its `migrations-dir` is relative to that folder.
void read_db_migraterc(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    if (trim(text).starts_with('{')) {
        read_js(path, text, "db-migrate", out);
        return;
    }
    lines(text, [&](int n, std::string_view l) {
        l = trim(l);
        std::size_t eq = l.find('=');
        if (l.starts_with(';') || l.starts_with('#') || eq == std::string_view::npos || trim(l.substr(0, eq)) != "migrations-dir") return;
        std::string_view raw = trim(l.substr(eq + 1));
        auto q = quoted(raw);
        std::string value = q ? *q : std::string(raw);
        if (value.find_first_of("$`") != std::string::npos) {
            out.push_back(computed("db-migrate", "migrations-dir", n, "its value " + shown(raw) + " is not read", true));
        } else {
            out.push_back(make("db-migrate", "migrations-dir", n, path_folder(path), value, true));
        }
    });
}

// TypeORM 0.2 reads its options from the environment when TYPEORM_CONNECTION or TYPEORM_URL is set,
// loading ormconfig.env (or .env) from the folder it runs in with dotenv; TYPEORM_MIGRATIONS is a
// comma-separated list of globs (typeorm/typeorm src/connection/options-reader/ConnectionOptionsReader.ts
// load; ConnectionOptionsEnvReader.ts: migrations: this.stringToArray(getEnvVariable("TYPEORM_MIGRATIONS"))).
void read_typeorm_env(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    lines(text, [&](int n, std::string_view l) {
        l = trim(l);
        if (l.starts_with("export ")) l = trim(l.substr(7));
        std::size_t eq = l.find('=');
        if (eq == std::string_view::npos || trim(l.substr(0, eq)) != "TYPEORM_MIGRATIONS") return;
        std::string_view raw = trim(l.substr(eq + 1));
        auto q = quoted(raw);
        std::string value = q ? *q : std::string(raw);
        if (value.find_first_of("$`") != std::string::npos) {
            out.push_back(computed("typeorm", "TYPEORM_MIGRATIONS", n, "its value " + shown(raw) + " reads another environment variable", true));
            return;
        }
        std::string_view rest = value;
        while (true) {
            std::size_t comma = rest.find(',');
            std::string_view glob = trim(rest.substr(0, comma));
            if (!glob.empty()) out.push_back(make("typeorm", "TYPEORM_MIGRATIONS", n, path_folder(path), glob_folder(glob), true));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    });
}

bool script_name(std::string_view name) {
    for (std::string_view ext : {".ts", ".js", ".mjs", ".cjs", ".mts", ".cts"}) {
        if (name.ends_with(ext) && !name.ends_with(".d.ts")) return true;
    }
    return false;
}

// Spring Boot's spring.flyway.* (tools/spring_flyway.cpp), relative to the project (above src/).
void read_spring(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    for (const auto& s : spring_flyway_settings(path_name(path), text)) {
        if (!s.unknown.empty()) {
            out.push_back(computed("flyway", s.key, s.line, s.unknown, false));
            continue;
        }
        for (const auto& f : s.folders) out.push_back(make("flyway", s.key, s.line, project_folder(path), f, false));
    }
}

// drizzle-kit's and Prisma's configuration, and the run-time folders of drizzle-orm's migrate()
// and sqlx's Migrator::new (tools/config_dirs.cpp).
void read_config(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    for (const auto& c : read_config_dirs(path, text)) {
        const std::string base = c.from_project ? project_folder(path) : std::string(path_folder(path));
        if (c.value) out.push_back(make(c.tool, c.setting, c.line, base, *c.value, false));
        else out.push_back(computed(c.tool, c.setting, c.line, "its value " + shown(c.expr) + " is computed when the tool runs", false));
        // .config/prisma.ts: relative to .config/ or to the project above it; both are followed.
        // A path from __dirname (`join(__dirname, '..', 'prisma', 'migrations')`) is the file's folder's only.
        if (c.value && c.tool == "prisma" && path_name(base) == ".config" && c.expr.find("__dirname") == std::string::npos) {
            out.push_back(make(c.tool, c.setting, c.line, path_folder(base), *c.value, false));
        }
    }
}

}  // namespace tool_dirs_detail
using namespace tool_dirs_detail;
namespace {

std::vector<ToolDir> read_all(std::string_view path, std::string_view text, const ReadFile& read);

}  // namespace

std::string lower_ext(std::string_view file) {
    const std::string_view name = path_name(file);
    const std::size_t dot = name.rfind('.');
    std::string out(dot == std::string_view::npos ? std::string_view() : name.substr(dot));
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool data_source_text(std::string_view text) {
    // As a whole word: `new DataSource(`, `new typeorm.DataSource(`, not an app's `queryDataSource(`
    // (a route file of daily-api was read as TypeORM settings).
    const auto word_at = [&](std::string_view word) {
        for (std::size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
            const char before = at == 0 ? ' ' : text[at - 1];
            if (!std::isalnum(static_cast<unsigned char>(before)) && before != '_' && before != '$') return true;
        }
        return false;
    };
    return word_at("DataSource(") || word_at("createConnection(");
}

bool tool_settings_file(std::string_view path) {
    const std::string_view name = path_name(path);
    if (name == "diesel.toml" || name == ".env" || name == "package.json" || name == ".npmrc" || name == ".sequelizerc" || name == ".db-migraterc" || name == "Cargo.toml" ||
        name.ends_with(".rs")) {
        return true;
    }
    if (command_file(path) || node_config_file(path) || build_plugin_name(path) || name == "gradle.properties") return true;
    // Alembic 1.16's [tool.alembic] (changelog_dirs.hpp); dotenv files, whose Spring variables
    // changelog_dirs.hpp reads (env_files.hpp).
    if (name == "pyproject.toml" || dotenv_name(path)) return true;
    // settings.gradle and a Gradle version catalog may name flyway-core (changelog_dirs.hpp).
    if (flyway_build_name(path)) return true;
    // Any YAML file may be a Kubernetes manifest whose Job runs psql (read_tool_dirs reads those).
    if (name.ends_with(".yml") || name.ends_with(".yaml")) return true;
    if (name.starts_with("knexfile.") || spring_settings_name(name) || drizzle_config_name(name)) return true;
    // A tsconfig's "ts-node" section preloads code (settings_surface.hpp preload_lines).
    if (tsconfig_name(name)) return true;
    if (name == "default.json" && path_name(path_folder(path)) == "config") return true;
    // db-migrate's and node-pg-migrate's settings, Flyway's: what they write into the SQL they send
    // on each connection (tools/spliced_settings.hpp, tools/session_setup.hpp: Flyway's initSql).
    if (name == "database.json" || name == ".pgmigraterc" || name == "flyway.conf" || name == "flyway.toml" || name == "flyway.user.toml") return true;
    // A TypeORM DataSource may be in any script (`typeorm migration:run -d db.js`: typeorm/typeorm
    // src/commands/CommandUtils.ts loadDataSource takes any file): read_all reads those that make one.
    return typeorm_name(name) || script_name(name);
}

std::vector<ToolDir> read_tool_dirs(std::string_view path, std::string_view text, const ReadFile& read) {
    std::vector<ToolDir> out;
    for (auto& d : read_all(path, text, read)) {
        if (d.data_source.empty()) out.push_back(std::move(d));
        else for (auto& r : resolve_data_source(d, read)) out.push_back(std::move(r));
    }
    // The seed folders the command lines run (tools/seed_dirs.hpp), from the same folders as the
    // migration commands read_all follows.
    const std::string_view name = path_name(path);
    // The SQL files psql runs (tools/psql_files.hpp), the same way.
    auto commands = [&](std::string_view base) {
        for (auto& d : read_seed_dirs(path, text, base, read)) out.push_back(std::move(d));
        for (auto& d : read_psql_files(path, text, base, read)) out.push_back(std::move(d));
    };
    if (name == "package.json") {
        commands(path_folder(path));
    } else if (command_file(path)) {
        if (!runs_from_top(path) || path_folder(path).empty() || name.ends_with(".sh") || name.ends_with(".bash")) commands(path_folder(path));
        if (runs_from_top(path) && !path_folder(path).empty()) commands("");
    } else if ((name.ends_with(".yml") || name.ends_with(".yaml")) && kubernetes_manifest(text)) {
        // A Kubernetes Job's or Pod's container running psql (yaml_exec.hpp): a relative file is
        // read from the repository's top, as an image that copies the repository there runs it.
        for (auto& d : read_psql_files(path, text, "", read)) out.push_back(std::move(d));
    }
    // psql in scripts other than shell (Ruby, Python, #! scripts) and Ansible tasks (psql_scripts.hpp).
    for (auto& d : read_script_psql_files(path, text, read)) out.push_back(std::move(d));
    // The start-up file a PSQLRC names (psqlrc_files.hpp), read from the folders the file's commands run in.
    for (auto& d : read_psqlrc_files(path, text, read)) out.push_back(std::move(d));
    // Liquibase's includeAll / include of .sql files, Sqitch's deploy_dir (changelog_dirs.hpp).
    for (auto& d : read_changelog_dirs(path, text)) out.push_back(std::move(d));
    // diesel_cli loads .env first (dotenvy::dotenv in diesel_cli/src/main.rs), then reads the
    // settings file DIESEL_CONFIG_FILE names instead of diesel.toml, with its paths relative to
    // that file's folder (diesel_cli/src/config.rs Config::file_path, set_relative_path_base).
    if (path_name(path) == ".env") {
        for (const auto& v : env_values(text, "DIESEL_CONFIG_FILE")) {
            const std::string setting = "DIESEL_CONFIG_FILE";
            std::string why;
            std::string file = v.value ? resolve(path_folder(path), *v.value, why) : std::string();
            std::optional<std::string> toml;
            if (!file.empty() && read) toml = read(file);
            if (!toml) {
                out.push_back(computed("diesel", setting, v.line,
                                       "it names the settings file " + shown(v.raw) + ", which pgfence " +
                                           (v.value ? (file.empty() ? why : std::string("cannot read in the repository")) : std::string("cannot resolve (it reads another variable)")),
                                       false));
                continue;
            }
            std::vector<ToolDir> named;
            read_diesel(file, *toml, named);
            if (named.empty()) named.push_back(make("diesel", "[migrations_directory] dir", v.line, path_folder(file), "migrations", false));
            for (auto& d : named) {
                d.setting = setting + " " + shown(file) + " " + d.setting;
                d.line = v.line;
                out.push_back(std::move(d));
            }
        }
    }
    // The same entry found twice (a script read from its own folder and from the repository's top
    // says the same `psql -c` unknown from both) is one: kept once, so its note prints once.
    {
        std::set<std::string> seen;
        std::erase_if(out, [&](const ToolDir& d) {
            std::string key = d.tool + '\n' + d.setting + '\n' + std::to_string(d.line) + '\n' + d.folder + '\n' + d.unknown + '\n' +
                              d.loads_unread + '\n' + d.data_source + '\n' + (d.scripts ? "1" : "0");
            for (const auto& c : d.psql_constants) key += "\nc" + c;
            for (const auto& e : d.load_extensions) key += "\ne" + e;
            return !seen.insert(std::move(key)).second;
        });
    }
    if (out.size() > k_most_dirs) {
        const int line = out[k_most_dirs].line;
        std::string tool = out[k_most_dirs].tool, setting = out[k_most_dirs].setting;
        const bool scripts = out[k_most_dirs].scripts;
        out.resize(k_most_dirs);
        out.push_back(computed(std::move(tool), std::move(setting), line,
                               "the file names more than " + std::to_string(k_most_dirs) + " migration folders, and the rest are not read",
                               scripts));
        // What the unread rest selects is not known: any .sql file the pull request adds or changes
        // may be one of them (red team R69 C12: a script's 40th `psql -f` file, edited, ran unread).
        out.back().loads_unread = "a settings or script file names more than " + std::to_string(k_most_dirs) +
                                  " migration folders or files, and pgfence reads the first " + std::to_string(k_most_dirs) +
                                  ": this .sql file may be one of the rest: review it";
    }
    return out;
}

namespace {

std::vector<ToolDir> read_all(std::string_view path, std::string_view text, const ReadFile& read) {
    std::vector<ToolDir> out;
    const std::string_view name = path_name(path);
    if (name == "diesel.toml") read_diesel(path, text, out);
    else if (name == ".env") {
        read_env(path, text, out);
        read_typeorm_env(path, text, out);
    } else if (name == "ormconfig.env") read_typeorm_env(path, text, out);
    else if (name.ends_with(".rs")) {
        read_rust(path, text, out);
        read_config(path, text, out);
    } else if (drizzle_config_name(name) || prisma_config_path(path)) read_config(path, text, out);
    else if (name.starts_with("knexfile.")) read_js(path, text, "knex", out);
    else if (name == "package.json") read_package_json(path, text, out, path_folder(path), read);
    else if (name == "Cargo.toml") {
        // A crate that depends on sqlx for PostgreSQL: sqlx-cli (`sqlx migrate run`) reads
        // ./migrations of the crate by default (sqlx-cli/src/opt.rs MigrationSourceOpt) and runs a
        // simple migration whole; the folders its migrate!() calls name come from the .rs files
        // (read_rust), and a caller drops this default where one names another folder.
        if (cargo_depends_on_sqlx(text) && text.find("postgres") != std::string_view::npos) {
            out.push_back(make("sqlx", std::string(k_cargo_sqlx_default), 1, path_folder(path), "migrations", false));
        }
    } else if (command_file(path)) {
        // A workflow runs from the top, a script from the top or its own folder: both are followed.
        if (!runs_from_top(path) || path_folder(path).empty() || name.ends_with(".sh") || name.ends_with(".bash")) {
            read_package_json(path, text, out, path_folder(path), read);
        }
        if (runs_from_top(path) && !path_folder(path).empty()) read_package_json(path, text, out, "", read);
    }
    else if (name == ".sequelizerc") read_sequelizerc(path, text, out);
    else if (name == ".db-migraterc") read_db_migraterc(path, text, out);
    else if (spring_settings_name(name)) read_spring(path, text, out);
    else if (typeorm_name(name) || (script_name(name) && data_source_text(text))) read_js(path, text, "typeorm", out);
    else if (node_config_file(path) && (script_name(name) || name.ends_with(".json") || name.ends_with(".jsonc") || name.ends_with(".json5"))) {
        read_js(path, text, "node-pg-migrate", out);
    } else if (node_config_file(path)) {
        read_node_config_unparsed(path, text, out);
    }
    if (script_name(name) && !drizzle_config_name(name) && !prisma_config_path(path) && drizzle_migrate_text(text)) read_config(path, text, out);
    // Flyway's Maven and Gradle plugins' locations (tools/flyway_build_plugins.hpp).
    for (const auto& p : flyway_plugin_locations(path, text)) {
        if (!p.unknown.empty()) out.push_back(computed("flyway", p.key, p.line, p.unknown, false));
        for (const auto& f : p.folders) out.push_back(make("flyway", p.key, p.line, path_folder(path), f, false));
    }
    // The folder a container maps to the tool's path: a compose service's volume, a Dockerfile's
    // COPY, a docker run -v (tools/container_settings.hpp).
    if (command_file(path)) {
        const std::string base = runs_from_top(path) && !name.ends_with(".sh") && !name.ends_with(".bash") ? std::string() : std::string(path_folder(path));
        for (auto& c : container_dirs(path, text, read)) {
            out.push_back(c.unknown.empty() ? make(c.tool, c.setting, c.line, base, c.folder, false)
                                            : computed(c.tool, c.setting, c.line, c.unknown, false));
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const ToolDir& a, const ToolDir& b) { return a.line < b.line; });
    return out;
}

}  // namespace

std::vector<ToolDir> read_knex_module(std::string_view path, std::string_view text, std::string_view knexfile) {
    std::vector<ToolDir> out;
    const std::string run_folder(path_folder(knexfile));
    read_js(path, text, "knex", out, &run_folder);
    return out;
}

ToolDir folder_dir(std::string tool, std::string setting, int line, std::string_view base, std::string_view value, bool scripts) {
    return make(std::move(tool), std::move(setting), line, base, value, scripts);
}

ToolDir unknown_dir(std::string tool, std::string setting, int line, std::string why, bool scripts) {
    return computed(std::move(tool), std::move(setting), line, std::move(why), scripts);
}

std::vector<ToolDir> read_knex_seeds(std::string_view path, std::string_view text, std::string_view run_folder) {
    std::vector<ToolDir> out;
    const std::string folder(run_folder);
    read_js(path, text, "knex", out, &folder, true);
    return out;
}

bool in_tool_dir(std::string_view file, const ToolDir& dir) {
    if (dir.folder.empty() || !dir.loads_unread.empty()) return false;
    if (dir.tool == "psql") return psql_runs_file(file, dir.folder);  // one file or a glob (tools/psql_files.hpp)
    if (dir.folder != "." && !(file.size() > dir.folder.size() && file.starts_with(dir.folder) && file[dir.folder.size()] == '/')) {
        return false;
    }
    if (file.ends_with(".sql")) return true;
    // node-pg-migrate picks its SQL loader by the lower-cased extension (salsita/node-pg-migrate
    // src/migrationLoader.ts associatePathsToExtensions: extname(filePath).toLowerCase()).
    if (dir.tool == "node-pg-migrate" && lower_ext(file) == ".sql") return true;
    if (!dir.scripts) return false;
    for (std::string_view ext : {".ts", ".js", ".mjs", ".cjs", ".mts", ".cts"}) {
        if (file.ends_with(ext) && !file.ends_with(".d.ts")) return true;
    }
    // Knex's other default loadExtensions and node-pg-migrate's numbered files of any name
    // (orm::tool_runs_as_script cites both loaders).
    return (dir.tool == "knex" || dir.tool == "node-pg-migrate") && orm::tool_runs_as_script(file);
}

std::string unread_loaded_file(std::string_view file, const ToolDir& dir) {
    if (in_tool_dir(file, dir) || !tool_loads(file, dir)) return {};
    if (!dir.loads_unread.empty()) return dir.loads_unread;
    const std::string ext = lower_ext(file);
    if (dir.tool == "knex") {
        return "knex loads the files of " + shown(dir.folder) + " its knexfile's migrations.loadExtensions lists as migrations (this one, " +
               (ext.empty() ? std::string("with no extension") : "ending " + shown(ext)) +
               ", required as a JavaScript module), but pgfence does not read it: what it runs is not seen (review it, or give it "
               "a .js or .ts name pgfence reads)";
    }
    return dir.tool + " loads every file of " + shown(dir.folder) + " as a migration (this one, " +
           (ext.empty() ? std::string("with no extension") : "ending " + shown(ext)) +
           ", as a JavaScript module through jiti), but pgfence does not read it: what it runs is not seen (review it, or "
           "give it a .js, .ts or .sql name pgfence reads)";
}

bool tool_loads(std::string_view file, const ToolDir& dir) {
    if (in_tool_dir(file, dir)) return true;
    if (!dir.loads_unread.empty()) {
        // No folder: any .sql file (and an HCL one for atlas, whose desired state is either).
        if (dir.folder.empty()) return lower_ext(file) == ".sql" || (dir.tool == "atlas" && lower_ext(file) == ".hcl");
        // "**": any file (a psql run whose file's name spells no folder): psql reads text whatever
        // the name, so which of them it would run as SQL is decided by their content (psql_runs_text).
        if (dir.folder == "**") return true;
        // A file, a glob, or a folder (a desired-state folder, a computed psql file's folder/**).
        return psql_runs_file(file, dir.folder) || (file.size() > dir.folder.size() && file.starts_with(dir.folder) && file[dir.folder.size()] == '/');
    }
    if (dir.folder.empty()) return false;
    if (dir.tool == "knex") {
        // The files of the folder itself (knex reads no subfolder) whose path.extname() the
        // knexfile's loadExtensions lists (read_js): Node's extname, "" for a dot file or none.
        if (dir.load_extensions.empty()) return false;
        std::string_view name = file;
        if (dir.folder != ".") {
            if (!(file.size() > dir.folder.size() && file.starts_with(dir.folder) && file[dir.folder.size()] == '/')) return false;
            name = file.substr(dir.folder.size() + 1);
        }
        if (name.empty() || name.find('/') != std::string_view::npos) return false;
        const std::size_t dot = name.rfind('.');
        const std::string_view ext = dot == std::string_view::npos || dot == 0 ? std::string_view() : name.substr(dot);
        return std::find(dir.load_extensions.begin(), dir.load_extensions.end(), ext) != dir.load_extensions.end();
    }
    if (dir.tool != "node-pg-migrate") return false;
    // node-pg-migrate loads every file of its folder (not its subfolders) but dot files
    // (salsita/node-pg-migrate src/migration.ts getMigrationFilePaths: readdir, ignorePattern
    // default '^\\..*'), the ones not .sql through jiti as modules (src/migrationLoader.ts
    // resolveMigrationLoader: builtInLoaders.default for any other extension).
    std::string_view rest = file;
    if (dir.folder != ".") {
        if (!(file.size() > dir.folder.size() && file.starts_with(dir.folder) && file[dir.folder.size()] == '/')) return false;
        rest = file.substr(dir.folder.size() + 1);
    }
    return !rest.empty() && rest.find('/') == std::string_view::npos && rest.front() != '.';
}

std::string describe(std::string_view settings_path, const ToolDir& dir) {
    std::string where = shown(settings_path) + ":" + std::to_string(dir.line) + " (" + dir.setting + ")";
    if (!dir.loads_unread.empty() && dir.unknown.empty()) return where + " makes " + dir.tool + " run " + shown(dir.folder) + ": " + dir.loads_unread;
    if (dir.tool == "psql") return where + (dir.unknown.empty() ? " runs the SQL file " + shown(dir.folder) + " with psql" : ": " + dir.unknown);
    if (!dir.unknown.empty()) return where + " sets the folder " + dir.tool + " reads its migrations from, but " + dir.unknown;
    return where + " puts " + dir.tool + "'s migrations in " + shown(dir.folder);
}

namespace {

// The top-level, comma-separated parts of `text` (quotes and brackets kept whole), trimmed.
std::vector<std::string_view> top_level_parts(std::string_view text) {
    std::vector<std::string_view> out;
    int depth = 0;
    std::size_t from = 0;
    for (std::size_t k = 0; k <= text.size(); ++k) {
        const char c = k < text.size() ? text[k] : ',';
        if (c == '\'' || c == '"' || c == '`') {
            const std::size_t close = text.find(c, k + 1);
            if (close == std::string_view::npos) return {};
            k = close;
        } else if (c == '(' || c == '[' || c == '{') {
            ++depth;
        } else if (c == ')' || c == ']' || c == '}') {
            --depth;
        } else if (c == ',' && depth == 0) {
            out.push_back(trim(text.substr(from, k - from)));
            from = k + 1;
        }
    }
    return out;
}

// A quoted literal's text, when it holds nothing computed.
std::optional<std::string> plain_literal(std::string_view v) {
    if (v.size() < 2 || (v.front() != '\'' && v.front() != '"' && v.front() != '`') || v.back() != v.front()) return std::nullopt;
    const std::string_view in = v.substr(1, v.size() - 2);
    if (in.find('\\') != std::string_view::npos || in.find(v.front()) != std::string_view::npos || in.find("${") != std::string_view::npos) {
        return std::nullopt;
    }
    return std::string(in);
}

// TypeORM's `entities: [path.join(__dirname, 'entities', '*.{ts,js}')]` and its spellings
// (`resolve`, `__dirname + '/x/*.ts'`, `` `${__dirname}/x/*.ts` ``): globs from the data source's
// own folder `folder`. Anything else: none.
std::optional<std::vector<std::string>> dirname_globs(std::string_view expr, std::string_view folder) {
    if (expr.size() > 4096) return std::nullopt;
    expr = trim(expr);
    if (expr.starts_with("[") && expr.ends_with("]")) expr = expr.substr(1, expr.size() - 2);
    std::vector<std::string> out;
    const std::string base = folder.empty() ? std::string() : std::string(folder) + "/";
    for (std::string_view item : top_level_parts(expr)) {
        std::string rest;
        bool read = false;
        for (std::string_view head : {"path.join(", "path.resolve(", "join(", "resolve(", "path.posix.join("}) {
            if (!item.starts_with(head) || !item.ends_with(")")) continue;
            const auto args = top_level_parts(item.substr(head.size(), item.size() - head.size() - 1));
            if (args.size() < 2 || args.front() != "__dirname") break;
            read = true;
            for (std::size_t a = 1; a < args.size() && read; ++a) {
                const auto part = plain_literal(args[a]);
                read = part.has_value();
                if (read) rest += (rest.empty() ? "" : "/") + *part;
            }
            break;
        }
        if (!read && item.starts_with("__dirname")) {
            std::string_view after = trim(item.substr(9));
            if (after.starts_with("+")) {
                const auto part = plain_literal(trim(after.substr(1)));
                read = part && part->starts_with("/");
                if (read) rest = part->substr(1);
            }
        }
        if (!read && item.starts_with("`${__dirname}/") && item.ends_with("`")) {
            const auto part = plain_literal("`" + std::string(item.substr(14)));
            read = part.has_value();
            if (read) rest = *part;
        }
        if (!read || rest.empty()) return std::nullopt;
        while (rest.starts_with("./")) rest.erase(0, 2);
        out.push_back(base + rest);
    }
    if (out.empty()) return std::nullopt;
    return out;
}

}  // namespace

std::vector<LoadedGlobs> typeorm_loaded_globs(std::string_view path, std::string_view text) {
    std::vector<LoadedGlobs> out;
    if (!typeorm_name(path_name(path)) && !(script_name(path_name(path)) && data_source_text(text))) return out;
    // Globs resolve from the working directory, as `migrations` does (read_js).
    const std::string base = project_folder(path);
    const Lines lines_of(text);
    walk_keys(text, [&](JsWalk& w, const std::string& key, const std::string&, std::size_t) {
        if (key != "entities" && key != "subscribers") return false;
        const int n = lines_of.at(w.at());
        std::string_view expr;
        auto values = w.value(expr);
        LoadedGlobs g{n, key, {}, {}};
        if (!values) {
            // A list of classes (`[User, Post]`, `Object.values(entities)`): the data source's own
            // imports, which its settings_module_writes follows. Anything else is computed.
            bool names = !expr.empty();
            for (char c : expr) {
                names = names && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '.' || c == ',' ||
                                  c == '[' || c == ']' || c == '(' || c == ')' || c == '.' || std::isspace(static_cast<unsigned char>(c)));
            }
            if (names) return true;
            if (auto globs = dirname_globs(expr, path_folder(path))) {
                for (auto& glob : *globs) {
                    if (extglob(glob)) {
                        g.unknown = "its glob " + shown(glob) + " uses extglob syntax, which TypeORM's glob matches and pgfence does not";
                        break;
                    }
                    if (glob.starts_with("/") || glob.starts_with("..") || glob.find("/../") != std::string::npos) {
                        g.unknown = "its glob " + shown(glob) + " leaves the repository: the modules TypeORM requires from it are not known";
                        break;
                    }
                    if (g.globs.size() < k_most_dirs) g.globs.push_back(std::move(glob));
                }
                if (out.size() < k_most_dirs) out.push_back(std::move(g));
                return true;
            }
            g.unknown = "its value " + shown(expr) + " is computed when the tool runs (not a list of string globs): TypeORM requires the "
                        "modules it names when it initialises, before any migration, and pgfence cannot tell which";
        } else {
            for (const auto& v : *values) {
                if (g.globs.size() >= k_most_dirs) break;
                if (extglob(v)) {
                    g.unknown = "its glob " + shown(v) + " uses extglob syntax (@(...), !(...), +(...), ?(...), *(...)), which TypeORM's glob "
                                "matches and pgfence does not: the modules TypeORM requires from it when it initialises are not known";
                    break;
                }
                std::string_view glob = v;
                while (glob.starts_with("./")) glob.remove_prefix(2);
                std::string rooted = base.empty() ? std::string(glob) : base + "/" + std::string(glob);
                if (glob.starts_with("/") || glob.starts_with("..") || rooted.find("/../") != std::string::npos) {
                    g.unknown = "its glob " + shown(v) + " leaves the repository: the modules TypeORM requires from it are not known";
                    break;
                }
                g.globs.push_back(std::move(rooted));
            }
        }
        if (out.size() < k_most_dirs) out.push_back(std::move(g));
        return true;
    });
    return out;
}

namespace {

// `glob` with its first {a,b} alternation expanded (then recursively), at most 64 globs.
void expand_braces(const std::string& glob, std::vector<std::string>& out) {
    const std::size_t open = glob.find('{');
    const std::size_t close = open == std::string::npos ? std::string::npos : glob.find('}', open);
    if (close == std::string::npos) {
        if (out.size() < 64) out.push_back(glob);
        return;
    }
    const std::string inner = glob.substr(open + 1, close - open - 1);
    for (std::size_t at = 0; at <= inner.size() && out.size() < 64;) {
        std::size_t comma = inner.find(',', at);
        if (comma == std::string::npos) comma = inner.size();
        expand_braces(glob.substr(0, open) + inner.substr(at, comma - at) + glob.substr(close + 1), out);
        at = comma + 1;
    }
}

}  // namespace

bool loaded_by(std::string_view file, const LoadedGlobs& g) {
    if (!script_name(path_name(file)) || path_name(file).ends_with(".d.ts")) return false;
    const std::string f(file);
    for (const auto& glob : g.globs) {
        std::vector<std::string> globs;
        expand_braces(glob, globs);
        for (std::string one : globs) {
            // `**/` matches no folder as well (fnmatch's `*` without FNM_PATHNAME crosses folders).
            for (int pass = 0; pass < 2; ++pass) {
                if (fnmatch(one.c_str(), f.c_str(), 0) == 0) return true;
                for (std::size_t at = one.find("**/"); at != std::string::npos; at = one.find("**/")) one.erase(at, 3);
            }
        }
    }
    return false;
}

}  // namespace pgfence::analyze::tools
