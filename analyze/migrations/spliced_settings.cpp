#include "analyze/migrations/spliced_settings.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/graphile_settings.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/typeorm_data_source.hpp"
#include "analyze/migrations/tool_dirs.hpp"
#include "analyze/orm/escapes.hpp"
#include "analyze/orm/js_lexer.hpp"
#include "analyze/orm/module_writes.hpp"

namespace pgfence::analyze::tools {
namespace {

using orm::Token;
using orm::TokenKind;

enum class Kind { None, Identifier, TimeZone, Level, Quote };

// What a key holds, by its name without case, '-' or '_' (migrations-schema is migrationsSchema).
Kind kind_of(std::string_view key) {
    std::string k;
    for (char c : key) {
        if (c != '-' && c != '_') k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    for (std::string_view name : {"searchpath", "schema", "migrationsschema", "migrationstablename", "migrationstable", "migrationstableschema",
                                  "migrationstoragetablename", "migrationstoragetableschema"}) {
        if (k == name) return Kind::Identifier;
    }
    if (k == "timezone") return Kind::TimeZone;
    if (k == "clientminmessages") return Kind::Level;
    if (k == "quoteidentifiers") return Kind::Quote;
    return Kind::None;
}

bool search_path_key(std::string_view key) {
    std::string k;
    for (char c : key) {
        if (c != '-' && c != '_') k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return k == "searchpath" || k == "schema";
}

bool identifier(std::string_view v) {
    if (v.empty() || v.size() > 63 || std::isdigit(static_cast<unsigned char>(v.front())) || v.front() == '$') return false;
    return std::all_of(v.begin(), v.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; });
}

// Whether `v` is written into SQL as it is meant: a name or a comma-separated list of names (a
// Sequelize searchPath), an offset or IANA zone name, a message level.
bool plain(Kind kind, std::string_view v) {
    switch (kind) {
        case Kind::Identifier: {
            while (true) {
                std::size_t comma = v.find(',');
                std::string_view part = v.substr(0, comma);
                while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
                while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
                if (!identifier(part)) return false;
                if (comma == std::string_view::npos) return true;
                v.remove_prefix(comma + 1);
            }
        }
        case Kind::TimeZone:
            return !v.empty() && v.size() <= 64 && v.find("--") == std::string_view::npos &&
                   std::all_of(v.begin(), v.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '+' || c == '-' || c == ':' || c == '/'; });
        case Kind::Level:
            return identifier(v);
        default:
            return true;
    }
}

std::string shown(std::string_view v) {
    std::string out;
    for (char c : v.substr(0, 80)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
    return "\"" + out + (v.size() > 80 ? "...\"" : "\"");
}

// Which tool's settings `path` holds, or "" when none that splices (tools/settings_surface.hpp
// node_config_file: node-config's config/ folder, Sequelize's config/config.json among them).
// Whether the script loads `package` (require('x'), import ... from 'x', import('x'), import 'x').
bool imports_package(std::string_view text, std::string_view package) {
    if (text.find(package) == std::string_view::npos) return false;
    const std::vector<orm::ModuleLoad> loads = orm::module_loads(orm::lex_js(text));
    return std::any_of(loads.begin(), loads.end(), [&](const orm::ModuleLoad& l) { return orm::package_of(l.spec) == package; });
}

std::string tool_of(std::string_view path, std::string_view text) {
    const std::string_view name = path_name(path);
    if (name == "database.json" || name == ".db-migraterc") return "db-migrate";
    if (name == ".pgmigraterc") return "node-pg-migrate";
    if (name.starts_with("knexfile.")) return "knex";
    if (name.starts_with("ormconfig.")) return "TypeORM";
    // sequelize-cli loads config/config.js, else config/config.json, from where it runs
    // (sequelize/cli src/helpers/config-helper.js getConfigFile: path.resolve(process.cwd(), 'config',
    // 'config.json') and its .js alternative); another name only where .sequelizerc or --config
    // names it (read there). An Angular app's src/app/config/config.ts is none of these.
    if ((name == "config.js" || name == "config.cjs" || name == "config.json") && path_name(path_folder(path)) == "config") return "Sequelize";
    // config/database.js is sequelize-cli's only where .sequelizerc names it (its documentation's
    // example; that route reads it whatever its text): by name alone, not a module that imports
    // knex, an application's own query builder (automatisch's src/config/database.js).
    // By that name only (database.js, .cjs, .json): a TypeORM or Nest project's
    // src/database/config/database.config.ts is its own module (brocoders/nestjs-boilerplate).
    if (name.starts_with("database.") && name.find('.', 9) == std::string_view::npos && path_name(path_folder(path)) == "config" &&
        !imports_package(text, "knex")) {
        return "Sequelize";
    }
    if (node_config_file(path)) return "node-config's migration tool";
    // A TypeORM data source: a script that makes one from typeorm (net.createConnection is not one).
    // Not a Nest app module whose only DataSource is the one @nestjs/typeorm's dataSourceFactory
    // builds from the options it is handed (typeorm_data_source.hpp): no CLI loads it.
    for (std::string_view ext : {".js", ".ts", ".cjs", ".mjs", ".cts", ".mts"}) {
        if (name.ends_with(ext) && data_source_text(text) && text.find("typeorm") != std::string_view::npos && !nest_factory_data_source(text)) return "TypeORM";
    }
    return {};
}

bool json_or_script(std::string_view name) {
    for (std::string_view ext : {".json", ".json5", ".jsonc", ".js", ".ts", ".cjs", ".mjs", ".cts", ".mts"}) {
        if (name.ends_with(ext)) return true;
    }
    return name == ".db-migraterc" || name == ".pgmigraterc";
}

// The 1-based line of each offset, by a table of line starts.
struct Lines {
    std::vector<std::size_t> starts{0};
    explicit Lines(std::string_view text) {
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\n') starts.push_back(i + 1);
        }
    }
    int at(std::size_t offset) const { return static_cast<int>(std::upper_bound(starts.begin(), starts.end(), offset) - starts.begin()); }
};

// A string or a template without interpolation: its value.
std::optional<std::string> literal(const Token& t) {
    if (t.kind == TokenKind::String && !t.unterminated) return t.string.value;
    if (t.kind == TokenKind::Template && !t.unterminated && t.parts.size() <= 1 && (t.parts.empty() || !t.parts[0].interpolation)) {
        return t.parts.empty() ? std::string() : t.parts[0].text.value;
    }
    return std::nullopt;
}

void check_value(const std::string& tool, std::string_view key, Kind kind, std::optional<std::string> value, int line,
                 bool from_environment, std::vector<SplicedSetting>& out) {
    const std::string named = std::string(key) + " (" + tool + ")";
    if (from_environment) {
        out.push_back({line, named + " is read from an environment variable when the tool runs, and the tool writes it into its SQL text: what "
                                     "that SQL is, is not known"});
        return;
    }
    if (kind == Kind::Quote) {
        if (value && *value == "true") return;
        out.push_back({line, "quoteIdentifiers is not true (Sequelize): the tool sends the migrations' names unquoted, so PostgreSQL folds them "
                             "to lower case (createTable('Users') is users), and pgfence reads them as written"});
        return;
    }
    if (!value) {
        out.push_back({line, named + " is computed when the tool runs, and the tool writes it into its SQL text: what that SQL is, is not known"});
        return;
    }
    if (!plain(kind, *value)) {
        out.push_back({line, named + " is " + shown(*value) + ", which the tool writes into its SQL text as it is (not quoted as a name or a "
                                     "string): what that SQL does is not known"});
        return;
    }
    if (kind == Kind::Identifier && search_path_key(key) && *value != "public") {
        out.push_back({line, named + " " + shown(*value) + " sets the schemas the migrations' unqualified names resolve in; pgfence reads them "
                                     "as PostgreSQL's default search path does",
                       false});
    }
}

// JSON and JavaScript: `key: value` where the key is a name or a string; a value that is a
// literal is checked, any other (a variable, process.env.X, a call, an object) is computed.
void scan_tokens(const std::string& tool, std::string_view text, bool from_environment, std::vector<SplicedSetting>& out) {
    const std::vector<Token> t = orm::lex_js(text);
    const Lines lines(text);
    for (std::size_t i = 0; i + 2 < t.size(); ++i) {
        if (t[i].kind != TokenKind::Ident && t[i].kind != TokenKind::String) continue;
        if (t[i + 1].kind != TokenKind::Punct || (t[i + 1].text != ":" && t[i + 1].text != "=")) continue;
        const std::string key = t[i].kind == TokenKind::String ? t[i].string.value : t[i].text;
        const Kind kind = kind_of(key);
        if (kind == Kind::None) continue;
        // A type annotation (`schema: string;`) or `a ? schema : b` has no literal after it; only
        // keys of an object or an assignment are settings: the token before is `{`, `,` or `.`.
        if (i > 0 && t[i - 1].kind == TokenKind::Punct && t[i - 1].text != "{" && t[i - 1].text != "," && t[i - 1].text != ".") continue;
        const int line = lines.at(t[i].begin);
        const Token& v = t[i + 2];
        if (kind == Kind::Quote) {
            check_value(tool, key, kind, v.kind == TokenKind::Ident && (v.text == "true" || v.text == "false") ? std::optional<std::string>(v.text)
                                                                                                               : literal(v),
                        line, false, out);
            continue;
        }
        if (v.kind == TokenKind::Ident && (v.text == "null" || v.text == "undefined")) continue;
        // A TypeScript type member (`schema: S;` in a parameter's or interface's type: dittofeed's
        // config/loader.ts, stranger review 87 G): an object literal separates its entries with
        // `,`, so a `key: ...` whose value runs to a `;` with no `=` (a class field's initializer)
        // is a type, not a setting.
        if (t[i + 1].text == ":") {
            int depth = 0;
            bool type_member = false;
            for (std::size_t j = i + 2; j < t.size() && j < i + 66; ++j) {
                if (t[j].kind != TokenKind::Punct) continue;
                const std::string_view p = t[j].text;
                if (p == "(" || p == "[" || p == "{" || p == "<") ++depth;
                else if ((p == ")" || p == "]" || p == "}" || p == ">") && depth > 0) --depth;
                else if (depth == 0 && (p == "," || p == ")" || p == "}" || p == "=")) break;
                else if (depth == 0 && p == ";") {
                    type_member = true;
                    break;
                }
            }
            if (type_member) continue;
        }
        // A TypeScript property type (`schema: string;` in an interface), not a setting.
        if (v.kind == TokenKind::Ident && (v.text == "string" || v.text == "number" || v.text == "boolean" || v.text == "any" || v.text == "unknown")) continue;
        if (v.kind == TokenKind::Punct && v.text == "[") {
            // knex's and node-pg-migrate's lists: each element.
            std::size_t j = i + 3;
            bool computed = false;
            std::string joined;
            for (; j < t.size() && !(t[j].kind == TokenKind::Punct && t[j].text == "]"); ++j) {
                if (t[j].kind == TokenKind::Punct && t[j].text == ",") continue;
                auto s = literal(t[j]);
                if (!s) {
                    computed = true;
                    break;
                }
                joined += (joined.empty() ? "" : ",") + *s;
            }
            check_value(tool, key, kind, computed ? std::nullopt : std::optional<std::string>(joined), line, from_environment, out);
            continue;
        }
        auto s = literal(v);
        // `'x' + y`, `'x' || y`: computed.
        if (s && i + 3 < t.size() && t[i + 3].kind == TokenKind::Punct && t[i + 3].text != "," && t[i + 3].text != "}" && t[i + 3].text != ";" &&
            t[i + 3].text != ")") {
            s.reset();
        }
        check_value(tool, key, kind, s, line, from_environment, out);
    }
}

bool punct(const Token& t, std::string_view text) { return t.kind == TokenKind::Punct && t.text == text; }

// The settings a script builds where no literal `key:` shows them (red team R78b B3): a spread of
// another module's value (`...base` of `const base = require('./base')` or an import,
// `...require(...)`), settings that are another module's (`module.exports = require(...)`,
// `export ... from`), a computed key with no object after it, and a computed member assignment
// (`cfg['search' + 'Path'] = ...`). Each may hold searchPath or a schema the tool writes into its
// SQL: unknown at its line. A spread of the file's own values is read here already, as its keys
// are (a corpus run: knexfiles spread their own helpers' configs, `...config.pool`).
void scan_shapes(const std::string& tool, std::string_view text, std::vector<SplicedSetting>& out) {
    const std::vector<Token> t = orm::lex_js(text);
    const Lines lines(text);
    // Names bound to another module: `const x = require(`, `const {a, b: c} = require(`, imports.
    std::vector<std::string_view> modules;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i].kind != TokenKind::Ident) continue;
        if (t[i].text == "import" && (i == 0 || !punct(t[i - 1], ".")) && i + 1 < t.size() && !punct(t[i + 1], "(")) {
            for (std::size_t k = i + 1; k < t.size() && k < i + 256 && !punct(t[k], ";") && !(t[k].kind == TokenKind::Ident && t[k].text == "from"); ++k) {
                if (t[k].kind == TokenKind::Ident && t[k].text != "as" && t[k].text != "type") modules.push_back(t[k].text);
            }
        } else if ((t[i].text == "const" || t[i].text == "let" || t[i].text == "var") && i + 1 < t.size()) {
            std::size_t k = i + 1;
            std::vector<std::string_view> names;
            if (t[k].kind == TokenKind::Ident) {
                names.push_back(t[k].text);
                ++k;
            } else if (punct(t[k], "{")) {
                for (++k; k < t.size() && k < i + 256 && !punct(t[k], "}"); ++k) {
                    if (t[k].kind == TokenKind::Ident) names.push_back(t[k].text);
                }
                ++k;
            }
            if (k + 1 < t.size() && punct(t[k], "=") && t[k + 1].kind == TokenKind::Ident &&
                (t[k + 1].text == "require" || (t[k + 1].text == "await" && k + 2 < t.size() && t[k + 2].text == "import"))) {
                modules.insert(modules.end(), names.begin(), names.end());
            }
        }
    }
    const auto another_module = [&](const Token& x) {
        if (x.kind != TokenKind::Ident) return false;
        if (x.text == "require" || x.text == "await" || x.text == "import") return true;
        return std::find(modules.begin(), modules.end(), x.text) != modules.end();
    };
    std::vector<char> open;  // the brackets around each token
    const std::string named = " (" + tool + ")";
    for (std::size_t i = 0; i < t.size(); ++i) {
        const Token& x = t[i];
        const bool in_object = !open.empty() && open.back() == '{';
        const bool after_key_start = i > 0 && (punct(t[i - 1], "{") || punct(t[i - 1], ","));
        if (in_object && after_key_start && punct(x, "...") && i + 1 < t.size()) {
            if (another_module(t[i + 1])) {
                out.push_back({lines.at(x.begin), "a spread in these settings" + named + " brings another module's keys, which pgfence does "
                                                  "not read here: a searchPath or schema among them is written "
                                                  "into the tool's SQL, what that SQL is, is not known"});
            }
        }
        // A TypeScript index signature or mapped type (`{ [key: string]: Knex.Config }`, knex's own
        // `knex init -x ts` template; `{ [K in Keys]: T }`) is a type, no key.
        const bool index_signature = i + 2 < t.size() && t[i + 1].kind == TokenKind::Ident && (punct(t[i + 2], ":") || t[i + 2].text == "in");
        if (in_object && after_key_start && punct(x, "[") && !index_signature) {
            // `[k]: value`: the key is computed; an object value's own keys are read as any.
            int depth = 0;
            std::size_t j = i;
            for (; j < t.size(); ++j) {
                if (punct(t[j], "[")) ++depth;
                if (punct(t[j], "]") && --depth == 0) break;
            }
            if (j + 2 < t.size() && punct(t[j + 1], ":") && !punct(t[j + 2], "{")) {
                out.push_back({lines.at(x.begin), "a computed key in these settings" + named + ": if it is searchPath or a schema, the tool "
                                                  "writes its value into its SQL, and what that SQL is, is not known"});
            }
        }
        if (punct(x, "]") && i + 1 < t.size() && punct(t[i + 1], "=")) {
            // `cfg[...] = value`: find the statement's start for the line.
            std::size_t start = i;
            int depth = 0;
            for (std::size_t k = i + 1; k-- > 0;) {
                if (punct(t[k], "]")) ++depth;
                if (punct(t[k], "[") && --depth == 0) {
                    start = k;
                    break;
                }
            }
            if (start > 0 && (t[start - 1].kind == TokenKind::Ident || punct(t[start - 1], ")") || punct(t[start - 1], "]"))) {
                out.push_back({lines.at(t[start - 1].begin), "a computed member assignment in these settings" + named + ": if it sets "
                                                             "searchPath or a schema, the tool writes the value into its SQL, and what "
                                                             "that SQL is, is not known"});
            }
        }
        const bool exports = x.kind == TokenKind::Ident && (x.text == "exports" || (x.text == "module" && i + 2 < t.size() && punct(t[i + 1], ".") &&
                                                                                      t[i + 2].text == "exports"));
        if (exports && (i == 0 || !punct(t[i - 1], "."))) {
            std::size_t k = x.text == "module" ? i + 3 : i + 1;
            if (k + 1 < t.size() && punct(t[k], "=") && t[k + 1].kind == TokenKind::Ident && (t[k + 1].text == "require" || t[k + 1].text == "await")) {
                out.push_back({lines.at(x.begin), "these settings" + named + " are another module's, which pgfence does not read here: a "
                                                  "searchPath or schema there is written into the tool's SQL, what that SQL is, is not known"});
            }
        }
        if (x.kind == TokenKind::Ident && x.text == "export" && (i == 0 || !punct(t[i - 1], ".")) && i + 1 < t.size() &&
            (punct(t[i + 1], "*") || punct(t[i + 1], "{"))) {
            for (std::size_t k = i + 1; k < t.size() && k < i + 64 && !punct(t[k], ";"); ++k) {
                if (t[k].kind == TokenKind::Ident && t[k].text == "from") {
                    out.push_back({lines.at(x.begin), "these settings" + named + " are another module's, which pgfence does not read "
                                                      "here: a searchPath or schema there is written into the tool's SQL, what that SQL "
                                                      "is, is not known"});
                    break;
                }
            }
        }
        if (punct(x, "{") || punct(x, "[") || punct(x, "(")) open.push_back(x.text[0]);
        if ((punct(x, "}") || punct(x, "]") || punct(x, ")")) && !open.empty()) open.pop_back();
    }
}

// YAML, TOML, properties (node-config reads them all): `key: value` / `key = value` at a line's start.
void scan_lines(const std::string& tool, std::string_view text, bool from_environment, std::vector<SplicedSetting>& out) {
    int n = 0;
    for (std::size_t at = 0; at <= text.size(); at = text.find('\n', at) == std::string_view::npos ? text.size() + 1 : text.find('\n', at) + 1) {
        ++n;
        std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
        while (!l.empty() && (l.back() == '\r' || l.back() == ' ')) l.remove_suffix(1);
        std::size_t sep = l.find_first_of(":=");
        if (sep == std::string_view::npos) continue;
        std::string_view key = l.substr(0, sep);
        while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
        if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'') && key.back() == key.front()) key = key.substr(1, key.size() - 2);
        if (std::size_t dot = key.rfind('.'); dot != std::string_view::npos) key.remove_prefix(dot + 1);
        const Kind kind = kind_of(key);
        if (kind == Kind::None) continue;
        std::string_view v = l.substr(sep + 1);
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
        check_value(tool, key, kind, std::string(v), n, from_environment, out);
    }
}

// node-pg-migrate's flags whose value it writes into its SQL (salsita/node-pg-migrate
// bin/node-pg-migrate.ts: `schema` alias `s`, an array; `migrations-schema`; `migrations-table`
// alias `t`; yargs takes their camelCase spelling too), on a command line of a package.json
// script, a workflow, a Makefile, a Procfile (settings_surface.hpp command_file): read as its
// settings files' keys are (red team R78b B4: a real run dropped users through --schema in a
// script and --migrations-table passed on by `npm run migrate -- up` in a workflow). Where the
// line runs node-pg-migrate itself, all of them; where it only passes arguments on to a script
// (npm, yarn, pnpm), the long ones its alone (--schema and -s may be another tool's there).
// Read as the shell (or YAML) hands the command over: a `\`-continued line and a folded block
// are one command (red team R79 B7: `--schema` on the line after `node-pg-migrate up \`).
void command_flags(std::string_view text, bool yaml, std::vector<SplicedSetting>& out) {
    static constexpr std::string_view k_flags[] = {"--migrations-table", "--migrationsTable", "--migrations-schema", "--migrationsSchema",
                                                   "--schema", "-s", "-t"};
    for (const auto& logical : logical_lines(text, yaml)) {
        const int n = logical.number;
        const std::string_view line = logical.text;
        if (line.find("--migrations") == std::string_view::npos && line.find("--schema") == std::string_view::npos &&
            line.find("-s") == std::string_view::npos && line.find("-t") == std::string_view::npos) {
            continue;
        }
        // After the command that takes them: node-pg-migrate, or a package manager's run.
        std::size_t tool = line.find("node-pg-migrate");
        bool passed_on = false;
        if (tool == std::string_view::npos) {
            for (std::string_view pm : {"npm ", "yarn ", "pnpm "}) tool = std::min(tool, line.find(pm));
            passed_on = tool != std::string_view::npos;
        }
        if (tool == std::string_view::npos) continue;
        const std::string_view rest = line.substr(tool);
        for (std::string_view flag : k_flags) {
            if (passed_on && (flag == "--schema" || flag == "-s" || flag == "-t")) continue;
            for (std::size_t f = rest.find(flag); f != std::string_view::npos; f = rest.find(flag, f + 1)) {
                if (f == 0 || (rest[f - 1] != ' ' && rest[f - 1] != '\t')) continue;
                std::size_t v = f + flag.size();
                if (v < rest.size() && rest[v] != ' ' && rest[v] != '=' && rest[v] != '\t') continue;
                ++v;
                while (v < rest.size() && (rest[v] == ' ' || rest[v] == '\t')) ++v;
                // A quoted value to its closing quote; any other to a blank, or to the quote or
                // backslash that ends a package.json script's string (`--schema app"}`, `app\"`).
                std::string_view value;
                if (v < rest.size() && (rest[v] == '\'' || rest[v] == '"')) {
                    const std::size_t close = rest.find(rest[v], v + 1);
                    value = close == std::string_view::npos ? rest.substr(v) : rest.substr(v + 1, close - v - 1);
                } else if (v < rest.size()) {
                    const std::size_t end = rest.find_first_of(" \t\"\\", v);
                    value = rest.substr(v, end == std::string_view::npos ? std::string_view::npos : end - v);
                }
                if (plain(Kind::Identifier, value) && !value.empty() && value.find(',') == std::string_view::npos) {
                    if (flag != "--migrations-table" && flag != "--migrationsTable" && flag != "-t" && value != "public") {
                        out.push_back({n, "node-pg-migrate " + std::string(flag) + " " + shown(value) + " sets the schemas the migrations' unqualified "
                                          "names resolve in; pgfence reads them as PostgreSQL's default search path does",
                                       false});
                    }
                    continue;
                }
                out.push_back({n, "node-pg-migrate " + std::string(flag) + " is " + shown(value) + ", which the tool writes into its SQL text as it "
                                  "is (not quoted as a name): what that SQL does is not known"});
            }
        }
    }
}

// A script (not JSON): .js, .ts and their module forms.
bool script_name(std::string_view name) {
    for (std::string_view ext : {".js", ".ts", ".cjs", ".mjs", ".cts", ".mts"}) {
        if (name.ends_with(ext) && !name.ends_with(".d.ts")) return true;
    }
    return false;
}

// Where the lexer stops (an escape in a name, a '/' it cannot tell, an escape JavaScript refuses;
// orm::lexing_stop), the rest of the script is read by no check above: a setting, a member write or
// a driver call after it would pass unseen (red team R79 B4). Unknown at that line.
void unread_rest(const std::string& tool, std::string_view text, std::vector<SplicedSetting>& out) {
    if (auto stop = orm::lexing_stop(text, true)) {
        out.push_back({Lines(text).at(stop->at), tool + " loads this script, and pgfence does not read it past this point (" + stop->why +
                                                     "): the settings and code after it are not known"});
    }
}

}  // namespace

std::vector<SplicedSetting> spliced_settings(std::string_view path, std::string_view text) {
    std::vector<SplicedSetting> out;
    if (path_name(path) == "package.json" || command_file(path)) {
        command_flags(text, path_name(path).ends_with(".yml") || path_name(path).ends_with(".yaml"), out);
    }
    const std::string tool = tool_of(path, text);
    if (tool.empty()) return out;
    auto more = spliced_settings_for(path, text, tool);
    out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    return out;
}

std::vector<SplicedSetting> spliced_settings_for(std::string_view path, std::string_view text, const std::string& tool) {
    std::vector<SplicedSetting> out;
    const std::string_view name = path_name(path);
    // node-config's custom-environment-variables file names the variable each key is read from.
    const bool from_environment = name.starts_with("custom-environment-variables.");
    if (json_or_script(name)) scan_tokens(tool, text, from_environment, out);
    else scan_lines(tool, text, from_environment, out);
    // The modules the tool loads as its settings (as config_module_code: node-config's default
    // module only; not a test of one, knexfile.test.ts).
    const bool loaded = (tool != "node-config's migration tool" || name.starts_with("default.")) && name.find(".test.") == std::string_view::npos &&
                        name.find(".spec.") == std::string_view::npos;
    if (json_or_script(name) && !name.ends_with(".json") && !from_environment && loaded) scan_shapes(tool, text, out);
    if (script_name(name)) unread_rest(tool, text, out);
    return out;
}

std::vector<SplicedSetting> config_module_code(std::string_view path, std::string_view text) { return config_module_code_for(path, text, {}); }

std::vector<SplicedSetting> config_module_code_for(std::string_view path, std::string_view text, const std::string& named_tool) {
    std::vector<SplicedSetting> out;
    const std::string_view name = path_name(path);
    bool script = false;
    for (std::string_view ext : {".js", ".ts", ".cjs", ".mjs", ".cts", ".mts"}) script = script || (name.ends_with(ext) && !name.ends_with(".d.ts"));
    if (!script) return out;
    std::string tool = named_tool.empty() ? tool_of(path, text) : named_tool;
    // The modules a tool loads: sequelize-cli's config (config/config.js, or config/database.js as
    // .sequelizerc names it in its documentation: `path.resolve('config', 'database.js')`),
    // node-config's default module, a knexfile, a TypeORM data source or ormconfig. Not every
    // script in a config/ folder: node-config loads its files by deployment and host names, and an
    // application's config/ holds its own modules (a corpus run found three that open sockets).
    if (named_tool.empty() && tool == "node-config's migration tool" && !name.starts_with("default.")) tool.clear();
    if (tool.empty()) return out;
    const std::vector<Token> t = orm::lex_js(text);
    const std::set<std::size_t> pg_idioms = orm::pg_idiom_loads(t);
    const Lines lines(text);
    for (const orm::ModuleLoad& l : orm::module_loads(t)) {
        const std::string_view module = orm::package_of(l.spec);
        if (!orm::driver_module(module) || module == "typeorm" || module == "sequelize" || module == "knex") continue;
        if (pg_idioms.contains(l.spec_at)) continue;
        out.push_back({lines.at(t[l.spec_at].begin), "this configuration module, which " + tool + " loads before any migration runs, imports " +
                                                         shown(l.spec) + " (a database driver or a way to run programs): what its code "
                                                         "runs when it is loaded is not known"});
    }
    return out;
}

std::string settings_module_tool(std::string_view path, std::string_view text) {
    const std::string_view name = path_name(path);
    bool script = false;
    for (std::string_view ext : {".js", ".ts", ".cjs", ".mjs", ".cts", ".mts"}) script = script || (name.ends_with(ext) && !name.ends_with(".d.ts"));
    if (name == ".sequelizerc") return "sequelize-cli";
    if (!script || name.find(".test.") != std::string_view::npos || name.find(".spec.") != std::string_view::npos) return {};
    if (graphile_settings_name(name)) return "graphile-migrate";
    if (orm::runs_in_tool_process(path)) return name.starts_with("knexfile.") ? "knex" : "sequelize-cli";
    const std::string tool = tool_of(path, text);
    if (tool == "knex") return {};  // knexfile.test.ts and the like: not the name knex's CLI looks for
    if (tool == "Sequelize") return "sequelize-cli";
    if (tool == "node-config's migration tool") return name.starts_with("default.") ? "node-config" : std::string();
    return tool;
}

std::vector<NamedModule> named_settings_modules(std::string_view path, std::string_view text) {
    std::vector<NamedModule> out;
    if (path_name(path) != "package.json" && !command_file(path)) return out;
    const std::string_view folder = path_folder(path);
    std::vector<NamedFile> named = named_settings_files(path, text, folder);
    if (runs_from_top(path) && !folder.empty()) {
        for (auto& f : named_settings_files(path, text, "")) named.push_back(std::move(f));
    }
    for (auto& f : named) {
        const std::string_view n = path_name(f.path);
        const bool script = n.ends_with(".js") || n.ends_with(".ts") || n.ends_with(".cjs") || n.ends_with(".mjs") || n.ends_with(".cts") || n.ends_with(".mts");
        if (!script) continue;
        if (f.flag == "--knexfile") out.push_back(NamedModule{f.line, std::move(f.path), "knex"});
        else if (f.flag == "--config" || f.flag == "--options-path") out.push_back(NamedModule{f.line, std::move(f.path), "sequelize-cli"});
    }
    int line = 0;
    for (std::size_t start = 0; start <= text.size() && out.size() < 64;) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        ++line;
        if (auto d = typeorm_cli_data_source(path, line, text.substr(start, end - start)); d && !d->data_source.empty()) {
            out.push_back(NamedModule{line, d->data_source, "TypeORM"});
        }
        start = end + 1;
    }
    return out;
}

}  // namespace pgfence::analyze::tools
