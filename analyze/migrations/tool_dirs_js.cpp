// The settings of knex, TypeORM and node-pg-migrate read from a JavaScript/TypeScript or JSON file
// (split from tool_dirs.cpp, moves only): fold_anchored, the key helpers and read_js. Sources are
// cited where each rule is.
#include "analyze/migrations/env_files.hpp"
#include "analyze/migrations/tool_dirs.hpp"
#include "analyze/migrations/typeorm_glob_files.hpp"
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
#include "analyze/migrations/tool_dirs_walk.hpp"

namespace pgfence::analyze::tools::tool_dirs_detail {

std::optional<std::string> fold_anchored(const std::vector<orm::Token>& e, std::size_t from, std::size_t to, const AnchorNames& file) {
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
        if (ident(i, "__dirname") && file.dirname) {
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
    // `join(...)` / `resolve(...)` taken from path by name (automatisch's `import path, { join } from 'path'`).
    const bool bare = (ident(from, "join") && file.join) || (ident(from, "resolve") && file.resolve);
    const std::size_t callee = bare ? from : from + 2;
    if ((bare || (ident(from, "path") && punct(from + 1, "."))) && (ident(callee, "join") || ident(callee, "resolve")) && punct(callee + 1, "(") &&
        punct(to - 1, ")")) {
        // path.join joins every part and normalizes: a part's leading `/` is a separator
        // (nodejs.org/api/path.html, path.join('/foo', 'bar', 'baz/asdf') is '/foo/bar/baz/asdf');
        // path.resolve starts again at one.
        const bool join = ident(callee, "join");
        std::size_t i = callee + 2;
        char a = anchor(i, after);
        bool comma = a != 0;  // a comma comes next
        bool absolute_ok = join && a != 0;  // join's later parts, after an anchor or another part
        if (a != 0) i = after;
        else a = 'C';
        std::string rel;
        while (i < to - 1) {
            if (comma) {
                if (!punct(i, ",")) return std::nullopt;
                if (++i >= to - 1) break;
            }
            auto lit = plain(i);
            if (!lit || (!absolute_ok && !lit->empty() && lit->front() == '/')) return std::nullopt;  // computed, or absolute (path.resolve starts again there)
            absolute_ok = join;
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
             const std::string* run_folder, bool seeds) {
    const std::string base = run_folder ? *run_folder
                             : tool == "knex" || tool == "db-migrate" ? std::string(path_folder(path))
                             : tool == "node-pg-migrate" ? std::string(path_folder(path_folder(path)))
                             : tool == "mikro-orm"       ? mikro_orm_run_folder(path)
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
    std::optional<std::string> mikro_glob;                // MikroORM's migrations.glob, when not the default
    int mikro_glob_line = 0;
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
        // MikroORM (mikro_orm_dirs.cpp): `migrations` not an object literal, or filled from a
        // spread; `baseDir`, which every path is relative to; a `glob` other than the default
        // '!(*.d).{js,ts,cjs}' (core/utils/Configuration.js), which pgfence does not match.
        if (tool == "mikro-orm" && (key == "migrations" || (key == "..." && parent == "migrations") || key == "baseDir")) {
            if (key == "migrations" && (w.done() || w.is("{"))) return false;
            const int n = lines_of.at(w.at());
            std::string_view expr;
            (void)w.value(expr);
            out.push_back(computed("mikro-orm", key == "..." ? "migrations" : key, n,
                                   key == "baseDir" ? "it moves the folder MikroORM's paths are relative to (" + shown(expr) + "), which pgfence does not follow"
                                   : key == "..." ? "its keys come from " + shown(expr) + ", which pgfence does not read as settings"
                                                  : "its value " + shown(expr) + " is computed when the tool runs (not an object literal)",
                                   true));
            return true;
        }
        if (tool == "mikro-orm" && key == "glob" && parent == "migrations") {
            mikro_glob_line = lines_of.at(w.at());
            std::string_view expr;
            auto values = w.value(expr);
            if (values && values->size() == 1 && (*values)[0] == "!(*.d).{js,ts,cjs}") return true;
            mikro_glob = values && values->size() == 1 && !(*values)[0].starts_with(JsWalk::k_folded) ? (*values)[0] : std::string(expr);
            if (mikro_glob->empty()) *mikro_glob = "?";
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
        // MikroORM's options object spread from elsewhere (`defineConfig({ ...base, ... })`,
        // `{ ...require('./base') }`): `migrations.path` may come with it (issue #53 cfg88). A spread
        // at the top level of an object that is no key's value (or `module.exports = {...}`'s); a
        // local object literal's keys are walked where it is written.
        const bool mikro_spread = tool == "mikro-orm" && key == "..." && spread && (parent.empty() || parent == "exports");
        if ((tool == "typeorm" && key == "...") || mikro_spread) {
            if (w.is("{")) return false;
            if (tool == "typeorm" && spread) {
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
            out.push_back(computed(std::string(tool), "migrations", n,
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
        else if (tool == "mikro-orm" && (key == "path" || key == "pathTs") && parent == "migrations") setting = "migrations." + key;
        if (setting.empty()) return false;
        directory = directory || tool == "knex" || tool == "mikro-orm";  // named, whether read or computed: no default folder
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
        if (!values && (tool == "knex" || tool == "mikro-orm")) {
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
            if (tool == "typeorm") out.back().typeorm_glob = typeorm_glob_below(v);
        }
        directory = directory || tool == "knex";
        return true;
    }, tool == "knex" || tool == "typeorm" || tool == "node-pg-migrate" || tool == "mikro-orm");
    // A settings key changed or aliased after its literal: what the tool reads is not the literal.
    std::vector<std::string_view> names;
    if (tool == "knex" && !seeds) names = {"migrations", "directory", "loadExtensions"};
    else if (tool == "knex") names = {"seeds", "directory"};
    else if (tool == "typeorm") names = {"migrations"};
    else if (tool == "node-pg-migrate" || tool == "db-migrate") names = {"migrations-dir", "ignore-pattern"};
    else if (tool == "mikro-orm") names = {"migrations", "path", "pathTs", "glob"};
    std::set<int> used_at;  // one finding a line
    key_uses(text, names, [&](std::size_t offset, const std::string& name, const std::string& before) {
        // `x.seeds.directory` is not the migrations' (nor `x.migrations.directory` the seeds').
        if (name == "directory" && before == (seeds ? "migrations" : "seeds")) return;
        // MikroORM's path, pathTs and glob only as the migrations' (`path.join` is Node's module).
        if (tool == "mikro-orm" && name != "migrations" && before != "migrations") return;
        if (used_at.size() >= k_most_dirs || !used_at.insert(lines_of.at(offset)).second) return;
        const std::string setting = tool != "knex" || name == "migrations" || name == "seeds" || name == "loadExtensions" ? name
                                    : before.empty() || before == "(destructuring)"                                          ? std::string(seeds ? "seeds.directory" : "migrations.directory")
                                                                                                                              : before + "." + name;
        out.push_back(computed(std::string(tool), setting, lines_of.at(offset),
                               "`" + shown(name) + "` is used again after its value (a later write, a method call such as push or concat, "
                               "a compound assignment, an alias or Object.assign): the value the tool reads is not the one written, and "
                               "pgfence does not follow it",
                               true));
        directory = directory || tool == "knex" || tool == "mikro-orm";
    });
    if (mikro_glob) {
        // The default folder, ./migrations, where the file names none (core/utils/Configuration.js).
        if (!directory) out.push_back(make("mikro-orm", "migrations.glob, MikroORM's default path", mikro_glob_line, base, "migrations", true));
        for (std::size_t i = first; i < out.size(); ++i) {
            if (out[i].tool == "mikro-orm" && out[i].unknown.empty()) out[i].glob = *mikro_glob;
        }
    }
    if (!load_extensions) return;
    // knex's default folder, ./migrations, where the knexfile names none (CONFIG_DEFAULT directory).
    if (!directory) out.push_back(make("knex", "migrations.loadExtensions, knex's default directory", load_extensions_line, base, "migrations", true));
    for (std::size_t i = first; i < out.size(); ++i) {
        if (out[i].tool == "knex" && out[i].unknown.empty()) out[i].load_extensions = *load_extensions;
    }
}
}  // namespace pgfence::analyze::tools::tool_dirs_detail
