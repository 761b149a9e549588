#include "analyze/migrations/tool_runners.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/runner_uses.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/tool_dirs_parts.hpp"
#include "analyze/orm/escapes.hpp"
#include "analyze/orm/js_lexer.hpp"
#include "analyze/orm/module_writes.hpp"

namespace pgfence::analyze::tools {
namespace {

using orm::Token;
using orm::TokenKind;

// A runner names a handful of scripts; past this many the rest are not followed (linear work).
constexpr std::size_t k_most_runners = 64;

using tool_dirs_detail::printable;

// The lines of a text, a trailing CR dropped (tool_dirs_parts.hpp).
using tool_dirs_detail::lines;

int line_of(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// The words of a command line, split at blanks, quotes, JSON array punctuation (a Dockerfile's
// exec form) and the shell's separators, which stay words of their own.
std::vector<std::string> words_of(std::string_view line) {
    std::vector<std::string> out;
    std::string word;
    auto flush = [&] {
        if (!word.empty()) out.push_back(std::move(word));
        word.clear();
    };
    for (std::size_t i = 0; i < line.size() && out.size() < 512; ++i) {
        const char c = line[i];
        if (c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '[' || c == ']' || c == ',' || c == '\\' || c == '(' || c == ')') {
            flush();
        } else if (c == ';' || c == '&' || c == '|') {
            flush();
            out.emplace_back(1, ';');
        } else {
            word += c;
        }
    }
    flush();
    return out;
}

// node and the programs that run a script file as node does (with a loader for TypeScript).
bool node_like(std::string_view w) {
    static const std::set<std::string_view> k_runners = {"node", "nodejs", "ts-node", "ts-node-esm", "ts-node-transpile-only", "tsx",
                                                         "babel-node", "esno", "esr", "ts-node-dev", "tsnd", "node-dev", "bun", "jiti"};
    const std::size_t slash = w.rfind('/');
    return k_runners.contains(slash == std::string_view::npos ? w : w.substr(slash + 1));
}

struct Run {
    std::string file;  // as the command spells it
    bool by_node = false;
};

// The script files a command line runs: the first operand after a node-like program (its flags
// skipped, with the value of those that take one), and a path in a command's first place (a
// program run by its shebang: `./bin/migrate`, `bin/migrate.js`).
std::vector<Run> runs_of(std::string_view line) {
    static const std::set<std::string_view> k_valued = {"-r", "--require", "--import", "--loader", "--experimental-loader", "-C",
                                                        "--conditions", "--env-file", "-P", "--project", "-O", "--compiler-options",
                                                        "--tsconfig", "--title", "--input-type", "--stack-size"};
    std::vector<Run> out;
    const std::vector<std::string> w = words_of(line);
    bool first = true;  // the next word is in a command's first place
    for (std::size_t i = 0; i < w.size(); ++i) {
        const std::string& word = w[i];
        if (word == ";" || word == "-" || word.ends_with(":") || word == "exec" || word == "env" || word == "npx" || word == "time" ||
            word == "nice" || word == "sudo" || word == "RUN" || word == "CMD" || word == "ENTRYPOINT") {
            first = true;
            continue;
        }
        if (first && word.find('=') != std::string::npos && word.front() != '-') continue;  // VAR=value before the command
        const bool was_first = std::exchange(first, false);
        if (node_like(word)) {
            std::size_t j = i + 1;
            for (; j < w.size() && w[j].starts_with("-"); ++j) {
                if (w[j] == "-e" || w[j] == "--eval" || w[j] == "-p" || w[j] == "--print") {
                    j = w.size();
                    break;
                }
                if (k_valued.contains(w[j])) ++j;
            }
            if (j < w.size() && (w[j] == "run" || w[j] == "--") && word.ends_with("bun")) ++j;
            if (j < w.size() && w[j] != ";") out.push_back(Run{w[j], true});
            i = j;
            continue;
        }
        if (was_first && word.find('/') != std::string::npos && !word.starts_with("-") && !word.starts_with("/")) out.push_back(Run{word, false});
    }
    return out;
}

// The `"name": "command"` pairs of a package.json, wherever its lines break, with their lines
// (JSON's escapes undone; a key whose value is not a string is skipped).
std::vector<std::tuple<int, std::string, std::string>> string_pairs(std::string_view text) {
    std::vector<std::tuple<int, std::string, std::string>> out;
    int line = 1;
    std::optional<std::pair<int, std::string>> key;  // the last string, when a ':' followed it
    bool after_colon = false;
    std::string last;
    int last_line = 1;
    for (std::size_t i = 0; i < text.size() && out.size() < 4096; ++i) {
        const char c = text[i];
        if (c == '\n') ++line;
        if (c == '"') {
            std::string value;
            const int at = line;
            for (++i; i < text.size() && text[i] != '"'; ++i) {
                if (text[i] == '\n') ++line;
                if (text[i] == '\\' && i + 1 < text.size()) ++i;
                value += text[i];
            }
            if (after_colon && key) out.emplace_back(key->first, key->second, std::move(value));
            else {
                last = std::move(value);
                last_line = at;
            }
            key.reset();
            after_colon = false;
            continue;
        }
        if (c == ':') {
            key = std::make_pair(last_line, last);
            after_colon = true;
        } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            key.reset();
            after_colon = false;
        }
    }
    return out;
}

// `text` with a leading `#!` line blanked (offsets and lines kept): Node skips it (ECMA-262's
// Hashbang comment), and the lexer would stop there.
std::string without_hashbang(std::string_view text) {
    std::string out(text);
    if (out.starts_with("#!")) {
        for (std::size_t i = 0; i < out.size() && out[i] != '\n'; ++i) out[i] = ' ';
    }
    return out;
}

// The tokens with each template's interpolations spliced in after it, each in parentheses
// (`${ds.manager.clear("users")}` runs as the code around it does): the default-deny below reads
// them too. Nested templates to the lexer's own depth; each byte is lexed once per level.
void with_interpolations(std::string_view text, const std::vector<Token>& t, std::vector<Token>& out, int nesting) {
    for (const Token& token : t) {
        out.push_back(token);
        if (token.kind != TokenKind::Template || nesting >= 16) continue;
        for (const orm::TemplatePart& p : token.parts) {
            if (!p.interpolation || p.expr_end <= p.expr_begin || p.expr_end > text.size()) continue;
            Token open;
            open.begin = p.expr_begin;
            open.end = p.expr_begin;
            open.text = "(";
            out.push_back(open);
            with_interpolations(text, orm::lex_js(text, p.expr_begin, p.expr_end), out, nesting + 1);
            open.begin = open.end = p.expr_end;
            open.text = ")";
            out.push_back(open);
        }
    }
}

// Default-deny for knex in a runner script (red team R82a B6: `knex.migrate["rollback"]`,
// `.rollback.call(...)`, `knex("users").truncate()`, `migrate.latest({ directory })` each ran what
// a token match for `.rollback(` missed): the migrator may be called only as
// `<x>.migrate.<latest|up|currentVersion|list|status>()` with no argument (the knexfile's settings,
// which pgfence reads), and a knex instance used only for that and `.destroy()`. Any other use is
// unknown at its line, as (line, why).
std::vector<std::pair<int, std::string>> knex_uses(std::string_view text, const std::vector<Token>& t) {
    std::vector<std::pair<int, std::string>> out;
    const auto is = [&](std::size_t i, std::string_view s) { return i < t.size() && t[i].kind != TokenKind::String && t[i].text == s; };
    const auto dot = [&](std::size_t i) { return is(i, ".") || is(i, "?."); };
    static const std::set<std::string_view> k_reads = {"latest", "up", "currentVersion", "list", "status"};
    // knex's factories (`require("knex")`, its default or named `knex` import) and the instances they make.
    std::set<std::string> factories, instances;
    bool knex = false;
    for (const orm::ModuleLoad& l : orm::module_loads(t)) knex = knex || l.spec == "knex";
    if (!knex) return out;
    for (std::size_t i = 0; i + 1 < t.size(); ++i) {
        if (t[i].kind != TokenKind::String || t[i].string.value != "knex") continue;
        // `F = require("knex")`, `I = require("knex")(...)`, `import F from "knex"`, `{ knex: F } =`.
        if (i >= 4 && is(i - 1, "(") && is(i - 2, "require") && is(i - 3, "=") && t[i - 4].kind == TokenKind::Ident) {
            (is(i + 1, ")") && is(i + 2, "(") ? instances : factories).insert(t[i - 4].text);
        }
        for (std::size_t j = i; j > 0 && j + 24 > i && !is(j, ";"); --j) {
            if (t[j - 1].kind == TokenKind::Ident && t[j - 1].text != "from" && t[j - 1].text != "require" && t[j - 1].text != "import" &&
                t[j - 1].text != "as" && t[j - 1].text != "const" && t[j - 1].text != "let" && t[j - 1].text != "var" && !dot(j - 2)) {
                factories.insert(t[j - 1].text);  // every name bound in the import or destructuring: more, never fewer
            }
        }
    }
    for (std::size_t i = 2; i + 1 < t.size(); ++i) {  // `I = F(...)`, `I = F.knex(...)`, `I = new F(...)`
        if (t[i].kind != TokenKind::Ident || !factories.contains(t[i].text) || dot(i - 1)) continue;
        std::size_t eq = is(i - 1, "new") ? i - 2 : i - 1;
        if (is(eq, "=") && eq >= 1 && t[eq - 1].kind == TokenKind::Ident && (is(i + 1, "(") || dot(i + 1))) instances.insert(t[eq - 1].text);
    }
    std::set<int> lines;
    const auto flag = [&](std::size_t i, std::string why) {
        const int line = line_of(text, t[i].begin);
        if (lines.insert(line).second && out.size() < 64) out.emplace_back(line, std::move(why));
    };
    for (std::size_t i = 0; i < t.size(); ++i) {
        // The migrator: `.migrate` (or `["migrate"]`) followed by anything but a read call with no argument.
        const bool migrate = (t[i].kind == TokenKind::Ident && t[i].text == "migrate" && (dot(i - 1) || is(i + 1, ",") || is(i + 1, "}") || is(i + 1, ":"))) ||
                             (t[i].kind == TokenKind::String && t[i].string.value == "migrate" && i > 0 && is(i - 1, "[") && is(i + 1, "]"));
        if (migrate && i > 0 && !(t[i].kind == TokenKind::Ident && dot(i - 1) && dot(i + 1) && i + 4 < t.size() && t[i + 2].kind == TokenKind::Ident &&
                                  k_reads.contains(t[i + 2].text) && is(i + 3, "(") && is(i + 4, ")"))) {
            flag(i, ", and uses knex's migrator other than `.migrate.latest()` with no argument (a computed member, .call/.apply/.bind, "
                    "another verb, options that name folders, a migration source or extensions): which migrations it runs, and in "
                    "which direction, pgfence does not read");
            continue;
        }
        // A knex instance: only `.migrate` (judged above) and `.destroy()`.
        if (t[i].kind != TokenKind::Ident || !instances.contains(t[i].text) || dot(i > 0 ? i - 1 : t.size())) continue;
        if (is(i + 1, "=") || (i > 0 && (is(i - 1, "const") || is(i - 1, "let") || is(i - 1, "var")))) continue;  // its declaration
        if (dot(i + 1) && i + 2 < t.size() && (t[i + 2].text == "migrate" || (t[i + 2].text == "destroy" && is(i + 3, "(")))) continue;
        flag(i, ", and uses the knex instance '" + t[i].text + "' other than for `.migrate.latest()` and `.destroy()` (a query, " +
                    "`" + t[i].text + "(\"table\")`, a computed member, handing it elsewhere): what that sends is not a migration pgfence reads");
    }
    return out;
}

}  // namespace

bool loads_migration_tool(std::string_view raw) {
    const std::string text = without_hashbang(raw);
    // Packages whose loading is running migrations (a CLI's entry, a migrator library), and ORMs
    // and query builders whose own migrator the script must call (`knex.migrate.latest()`,
    // `dataSource.runMigrations()`, kysely's `new Migrator`): a script that only uses the ORM is
    // the application, not the tool's runner.
    static const std::set<std::string_view> k_migrators = {"sequelize-cli", "umzug", "node-pg-migrate", "db-migrate", "graphile-migrate",
                                                          "postgres-migrations", "@databases/pg-migrations", "ley", "marv", "kysely-ctl",
                                                          "@mikro-orm/migrations"};
    static const std::set<std::string_view> k_orms = {"knex", "typeorm", "kysely", "@mikro-orm/core", "sequelize", "@sequelize/core"};
    const std::vector<Token> t = orm::lex_js(text);
    bool orm = false;
    bool migrates = false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i].kind == TokenKind::Ident && i >= 1 && (t[i - 1].text == "." || t[i - 1].text == "?.") &&
            (t[i].text == "migrate" || t[i].text == "runMigrations" || t[i].text == "migrateToLatest" || t[i].text == "getMigrator")) {
            migrates = true;
        }
        if (t[i].kind == TokenKind::Ident && (t[i].text == "Migrator" || t[i].text == "Umzug")) migrates = true;
    }
    for (const orm::ModuleLoad& l : orm::module_loads(t)) {
        const std::string_view package = orm::package_of(l.spec);
        if (k_migrators.contains(package) || l.spec.starts_with("knex/bin") || l.spec.starts_with("typeorm/cli")) return true;
        orm = orm || k_orms.contains(package);
    }
    // A runner that calls TypeORM's migrator on a data source another module exports
    // (`const { AppDataSource } = require("../data-source")`) runs the tool without loading typeorm itself.
    return (orm && migrates) || calls_typeorm_migrator(t);
}

std::vector<ToolRunner> tool_runners(std::string_view path, std::string_view text, const ReadFile& read) {
    std::vector<ToolRunner> out;
    const bool package = path_name(path) == "package.json";
    if (!package && !command_file(path)) return out;
    // A workflow runs from the top; package.json, a Procfile, a script from their folder.
    const std::string base = runs_from_top(path) ? std::string() : std::string(path_folder(path));
    std::set<std::string> seen;
    auto add = [&](int line, const std::string& file, std::string how) {
        if (out.size() < k_most_runners && seen.insert(file + "@" + std::to_string(line)).second) out.push_back(ToolRunner{line, file, std::move(how)});
    };
    // The files a line runs that are the tool's process: always (`hook`), or when they load a tool.
    auto follow = [&](int n, std::string_view line, const std::string& hook) {
        bool any = false;
        for (const Run& r : runs_of(line)) {
            if (r.file.find_first_of("$`%{") != std::string::npos || r.file.find("node_modules/") != std::string::npos) continue;
            std::string file = repository_path(base, r.file);
            if (file.empty()) continue;
            auto t = read ? read(file) : std::nullopt;
            if (!t) continue;
            // A program run by its path is a script of node's by its shebang.
            if (!r.by_node && !(t->starts_with("#!") && t->substr(0, t->find('\n')).find("node") != std::string::npos)) continue;
            if (!hook.empty()) {
                add(n, file, "npm runs it as " + printable(hook) + ", in the same run as the migration tool");
                any = true;
            } else if (loads_migration_tool(*t)) {
                add(n, file, "it loads the migration tool and runs it in its own process");
                any = true;
            }
        }
        return any;
    };
    if (!package) {
        lines(text, [&](int n, std::string_view l) { (void)follow(n, l, {}); });
        return out;
    }
    // package.json: each script, and npm's pre<name>/post<name> around a script that runs the tool
    // (its command line names the tool, or runs a script that loads it).
    std::map<std::string, std::pair<int, std::string>> scripts;
    for (auto& [n, name, command] : string_pairs(text)) scripts.emplace(std::move(name), std::make_pair(n, std::move(command)));
    std::set<std::string> runs_tool;
    for (const auto& [name, entry] : scripts) {
        if (follow(entry.first, entry.second, {}) || tool_command_line(entry.second)) runs_tool.insert(name);
    }
    for (const auto& [name, entry] : scripts) {
        for (std::string_view prefix : {"pre", "post"}) {
            if (name.size() > prefix.size() && name.starts_with(prefix) && runs_tool.contains(name.substr(prefix.size()))) {
                (void)follow(entry.first, entry.second, name);
            }
        }
    }
    return out;
}

std::vector<std::pair<int, std::string>> tool_runner_code(std::string_view path, std::string_view raw, bool runner, orm::SharedLoads* entity_loads) {
    std::vector<std::pair<int, std::string>> out;
    const std::string text = without_hashbang(raw);
    const std::string_view name = path_name(path);
    // A shebang's node flags preload code as node -r does (`#!/usr/bin/env -S node --require ./x`).
    if (raw.starts_with("#!")) {
        const std::string_view line = raw.substr(2, raw.find('\n') == std::string_view::npos ? std::string_view::npos : raw.find('\n') - 2);
        if (std::string why = preload_line(line, false); !why.empty()) out.emplace_back(1, std::move(why));
    }
    const std::vector<Token> tokens = orm::lex_js(text);
    const std::string in = runner ? "this script runs the migration tool in its own process" : "TypeORM requires this module when it initialises";
    if (!tokens.empty() && !tokens.back().unreadable.empty()) {
        out.emplace_back(line_of(text, tokens.back().begin), in + ", and pgfence does not read it from here (" + tokens.back().unreadable +
                                                                 "): what it runs before the migrations is not known");
    }
    // A runner's loaded modules are followed; an entity's through the loader every entity of the
    // data source shares (its imports reach much of the application: read once, and the set's
    // limits, not one migration's; a corpus run had every entity of a 300-entity project past
    // those). TypeORM requires each entity when the data source initialises, so what they load
    // runs before any migration.
    if (runner) {
        for (auto& [line, why] : orm::settings_module_writes(path, text)) out.emplace_back(line, std::move(why));
    } else {
        for (auto& [at, why] : orm::module_writes(tokens)) out.emplace_back(line_of(text, at), in + ": " + std::move(why));
        if (entity_loads != nullptr) {
            for (auto& [at, why] : entity_loads->writes(path, tokens)) out.emplace_back(line_of(text, at), in + ": " + std::move(why));
        }
    }
    for (auto& [at, why] : orm::driver_loads(tokens)) out.emplace_back(line_of(text, at), in + ": " + std::move(why));
    if (const std::size_t at = orm::computed_load(tokens); at != std::string::npos) {
        out.emplace_back(line_of(text, at), in + ": it loads a module by a name computed when it runs, which pgfence does not follow");
    }
    if (runner) {
        std::vector<Token> flat;
        with_interpolations(text, tokens, flat, 0);
        const std::vector<Token>& tokens = flat;  // the rest reads the interpolations too
        // SQL it sends itself, before or after the tool runs: not a migration pgfence reads.
        static const std::set<std::string_view> k_sends = {"raw", "query", "execute", "executeQuery", "unsafe", "multi", "none",
                                                           "oneOrNone", "manyOrNone", "many", "schema", "queryInterface", "transaction",
                                                           "sql", "undoLastMigration", "dropDatabase", "synchronize",
                                                           // TypeORM's (0.3 DataSource.ts, EntityManager.ts): each sends, or
                                                           // makes what sends, SQL of its own (R83b H7)
                                                           "createQueryRunner", "createEntityManager", "getRepository",
                                                           "getTreeRepository", "dropTable"};
        // The first one, and how many: one person reads the script either way.
        std::size_t first = 0, count = 0;
        for (std::size_t i = 1; i < tokens.size(); ++i) {
            if (tokens[i].kind != TokenKind::Ident || (tokens[i - 1].text != "." && tokens[i - 1].text != "?.") || !k_sends.contains(tokens[i].text)) continue;
            if (count++ == 0) first = i;
        }
        if (count > 0) {
            out.emplace_back(line_of(text, tokens[first].begin),
                             in + ", and sends SQL itself (`." + std::string(tokens[first].text) + "`" +
                                 (count > 1 ? ", and " + std::to_string(count - 1) + " more such call" + (count > 2 ? "s" : "") : std::string()) +
                                 "): what that runs on the database is not a migration pgfence reads");
        }
        // The migrators' own direction verbs: `knex.migrate.rollback()`, umzug's `down()`,
        // sequelize's `undo`: the down halves run, which pgfence analyses only as up migrations do not.
        static const std::set<std::string_view> k_down = {"rollback", "down", "revert", "undo", "undoAll", "reset", "redo", "drop"};
        for (std::size_t i = 1; i + 1 < tokens.size(); ++i) {
            if (tokens[i].kind != TokenKind::Ident || (tokens[i - 1].text != "." && tokens[i - 1].text != "?.") || tokens[i + 1].text != "(" ||
                !k_down.contains(tokens[i].text)) {
                continue;
            }
            out.emplace_back(line_of(text, tokens[i].begin), in + ", and calls `." + std::string(tokens[i].text) +
                                                                 "()`, which may run the migrations' down direction or reset the database");
            break;
        }
        // Another migrator's API called from the script (node-pg-migrate's runner(), umzug, db-migrate,
        // postgrator...): which folder, direction and options it runs are its call's, which pgfence
        // does not read (settings81: `runner({ dir: ['lib','ops'].join('/') })` before knex ran).
        static const std::set<std::string_view> k_migrator_apis = {"node-pg-migrate", "umzug", "db-migrate", "graphile-migrate", "postgres-migrations",
                                                                   "@databases/pg-migrations", "ley", "marv", "postgrator", "@mikro-orm/migrations",
                                                                   "migrate", "pg-migrate", "sql-migrations"};
        for (const orm::ModuleLoad& l : orm::module_loads(tokens)) {
            if (!k_migrator_apis.contains(orm::package_of(l.spec))) continue;
            out.emplace_back(line_of(text, tokens[l.spec_at].begin), in + ", and loads '" + printable(l.spec) +
                                                                          "', a migrator whose API it calls itself: which folder, direction and "
                                                                          "options that runs pgfence does not read");
            break;
        }
        // One unknown per kind of use, at its first line: one review covers the script (planka's
        // create-admin-user.js gave 34 lines of one kind).
        std::set<std::string> kinds;
        for (auto& [line, why] : knex_uses(text, tokens)) {
            if (kinds.insert(why).second) out.emplace_back(line, in + std::move(why));
        }
        for (auto& [line, why] : orm_runner_uses(text, tokens)) {
            if (kinds.insert(why).second) out.emplace_back(line, in + std::move(why));
        }
    }
    (void)name;
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    out.erase(std::unique(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first == b.first; }), out.end());
    return out;
}

}  // namespace pgfence::analyze::tools
