#include "analyze/migrations/schema_sync.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <iterator>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analyze/migrations/spring_env.hpp"
#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::tools {
namespace {

int line_at(std::string_view text, std::size_t at) {
    int n = 1;
    for (std::size_t i = 0; i < at && i < text.size(); ++i) n += text[i] == '\n';
    return n;
}

bool word_before(std::string_view text, std::size_t at) {
    return at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '_' || text[at - 1] == '$');
}

// The value after `key:` at `at` (the key's offset), up to a comma, brace, newline or comment.
std::string_view value_after(std::string_view text, std::size_t at, std::size_t key_size) {
    std::size_t v = at + key_size;
    while (v < text.size() && (text[v] == ' ' || text[v] == '\t')) ++v;
    if (v >= text.size() || text[v] != ':') return {};
    ++v;
    while (v < text.size() && (text[v] == ' ' || text[v] == '\t')) ++v;
    std::size_t end = text.find_first_of(",}\n\r/", v);
    if (end == std::string_view::npos) end = text.size();
    std::string_view out = text.substr(v, end - v);
    while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.remove_suffix(1);
    return out;
}

std::string shown(std::string_view v) {
    std::string out;
    for (char c : v.substr(0, 60)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '`' ? '?' : c;
    return v.size() > 60 ? out + "..." : out;
}

// Each `key: value` of `text` whose value is not the literal false (nor 0, nor undefined).
template <typename F>
void each_on(std::string_view text, std::string_view key, F found) {
    for (std::size_t at = text.find(key); at != std::string_view::npos; at = text.find(key, at + key.size())) {
        std::size_t k = at;
        if (k > 0 && (text[k - 1] == '"' || text[k - 1] == '\'')) --k;
        if (word_before(text, k)) continue;
        std::size_t size = key.size() + (k < at ? 2 : 0);
        std::string_view value = value_after(text, k, size);
        if (value.empty() || value == "false" || value == "0" || value == "undefined" || value == "null") continue;
        found(line_at(text, at), value, at);
    }
}

// The offsets of the `synchronize`, `dropSchema` and `migrationsRun` keys of object literals whose
// `type` is a literal naming another database than PostgreSQL (jellyseerr's sqlite dev config
// beside its postgres ones): TypeORM picks its driver by `type` (typeorm src/driver/DriverFactory.ts),
// so those settings change no PostgreSQL schema. None when the file could give such an object
// another type: a spread (`{...dev, type: 'postgres'}`), Object.assign or a merge, or a write to a `type` member.
// Nor an object with a computed key at its top (`[TYPE]: 'postgres'`, `["ty" + "pe"]:`: a later key replaces
// `type`), or `type` there other than once as `type: '<literal>'` (`get type() {...}`).
std::set<std::size_t> other_dialect_keys(std::string_view text) {
    static const std::set<std::string_view> k_other = {"sqlite", "better-sqlite3", "sqljs", "capacitor", "cordova", "react-native", "nativescript",
                                                       "expo", "mysql", "mariadb", "mssql", "oracle", "mongodb", "sap", "spanner"};
    std::set<std::size_t> out;
    if (text.size() > (1u << 20)) return out;
    const std::vector<orm::Token> t = orm::lex_js(text);
    const std::size_t n = t.size();
    auto is = [&](std::size_t k, std::string_view w) { return k < n && t[k].kind != orm::TokenKind::String && t[k].text == w; };
    auto key = [&](std::size_t k, std::string_view w) {
        return k < n && is(k + 1, ":") && ((t[k].kind == orm::TokenKind::Ident && t[k].text == w) || (t[k].kind == orm::TokenKind::String && t[k].string.value == w));
    };
    struct Object {
        int type = 0;  // 0 none seen, 1 another database's, -1 any other value, a computed key or `type` twice
        std::vector<std::size_t> keys;
    };
    std::vector<Object> open;  // one per `{` still open (a block's too: it holds no `key:` at its top)
    std::vector<bool> brace;   // per open bracket: a `{`
    for (std::size_t k = 0; k < n; ++k) {
        if (!t[k].unreadable.empty() || t[k].unterminated) return {};
        if (is(k, "...") || is(k, "assign") || is(k, "merge") || is(k, "mergeWith") || is(k, "defaults") || is(k, "defaultsDeep") ||
            is(k, "extend") || is(k, "deepmerge") || (is(k, "type") && (is(k - 1, ".") || is(k + 1, "=")))) {
            return {};
        }
        if (t[k].kind == orm::TokenKind::String && t[k].string.value == "type" && k > 0 && is(k - 1, "[")) return {};
        const bool top = !brace.empty() && brace.back();
        if (top && is(k, "[") && (is(k - 1, "{") || is(k - 1, ","))) open.back().type = -1;
        if (is(k, "{") || is(k, "(") || is(k, "[")) {
            brace.push_back(is(k, "{"));
            if (is(k, "{")) open.emplace_back();
            continue;
        }
        if (is(k, "}") || is(k, ")") || is(k, "]")) {
            if (brace.empty()) return {};
            if (brace.back()) {
                if (open.back().type == 1) out.insert(open.back().keys.begin(), open.back().keys.end());
                open.pop_back();
            }
            brace.pop_back();
            continue;
        }
        // A key at the top of the innermost open `{` (not inside a bracket within it).
        if (!top) continue;
        const bool type_word = t[k].kind == orm::TokenKind::String ? t[k].string.value == "type" : t[k].text == "type";
        if (!(is(k - 1, "{") || is(k - 1, ","))) {
            if (type_word) open.back().type = -1;  // `get type()`, `async type()`, or a value naming it
            continue;
        }
        if (type_word && !key(k, "type")) open.back().type = -1;  // `type() {...}`, `type,`
        if (key(k, "type")) {
            const bool other = k + 2 < n && t[k + 2].kind == orm::TokenKind::String && k_other.contains(t[k + 2].string.value) &&
                               (is(k + 3, ",") || is(k + 3, "}"));
            open.back().type = open.back().type == 0 && other ? 1 : -1;
        }
        for (std::string_view w : {"synchronize", "dropSchema", "migrationsRun"}) {
            if (key(k, w)) open.back().keys.push_back(t[k].begin + (t[k].kind == orm::TokenKind::String ? 1 : 0));
        }
    }
    return out;
}

// The offsets a key of a script may start at as code: each identifier's, and each string's
// first character after its quote. A key inside a comment (`// migrationsRun: true,`, laudspeaker's
// typeorm.service.ts; review90 B) is none: the lexer skips comments as JavaScript does. Nothing
// (no filter) for a file that is no script, or one the lexer cannot read to its end.
std::optional<std::set<std::size_t>> code_offsets(std::string_view text, std::string_view path) {
    bool script = false;
    for (std::string_view e : {".ts", ".js", ".mts", ".cts", ".mjs", ".cjs"}) script = script || path.ends_with(e);
    if (!script || text.size() > (1u << 20)) return std::nullopt;
    std::set<std::size_t> out;
    for (const orm::Token& t : orm::lex_js(text)) {
        if (!t.unreadable.empty() || t.unterminated) return std::nullopt;
        if (t.kind == orm::TokenKind::Ident) out.insert(t.begin);
        if (t.kind == orm::TokenKind::String) out.insert(t.begin + 1);
    }
    return out;
}

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// At `at`: `words` one after another, separated by spaces or tabs (at least one), the last one
// ending the word (or followed by `:`, drizzle-kit's older `push:pg`); the end, or npos.
std::size_t words_at(std::string_view text, std::size_t at, std::initializer_list<std::string_view> words) {
    if (at > 0 && word_char(text[at - 1])) return std::string_view::npos;
    bool first = true;
    for (std::string_view w : words) {
        if (!first) {
            // Blanks, or an unquoted `${IFS}`/`$IFS` that bash splits at (bash manual, "Word Splitting"; R88b F5).
            std::size_t gap = at;
            while (at < text.size()) {
                if (text[at] == ' ' || text[at] == '\t') ++at;
                else if (text.substr(at).starts_with("${IFS}")) at += 6;
                else if (text.substr(at).starts_with("$IFS") && (at + 4 >= text.size() || !word_char(text[at + 4]))) at += 4;
                else break;
            }
            if (at == gap) return std::string_view::npos;
        }
        first = false;
        if (text.substr(at, w.size()) != w) return std::string_view::npos;
        at += w.size();
    }
    if (at < text.size() && word_char(text[at])) return std::string_view::npos;
    return at;
}

// The schema synchronisation commands each tool's CLI has: each computes DDL from the model files
// and runs it on the database, with no migration file (and drops what the models no longer have).
struct SyncCommand {
    std::string_view tool;
    std::initializer_list<std::string_view> words;  // the first one is searched for
    std::string_view what;
};
// - `prisma db push`: pushes the Prisma schema's state to the database without migrations
//   (prisma/prisma packages/migrate/src/commands/DbPush.ts; --accept-data-loss drops columns).
// - `drizzle-kit push` (`push:pg` before 0.21): "push your schema and subsequent schema changes
//   directly to the database while omitting SQL files generation" (drizzle-team/drizzle-orm-docs
//   src/content/docs/drizzle-kit-push.mdx; --force approves data-loss statements).
// - `typeorm schema:sync`: "Synchronizes your entities with database schema" (typeorm/typeorm
//   src/commands/SchemaSyncCommand.ts; the typeorm-ts-node-* launchers run the same command).
// Sequelize's CLI has no sync command (sequelize-cli lists db:migrate, db:seed...; sync is the
// Model.sync call read above), and knex's CLI only runs migration files.
const SyncCommand k_sync_commands[] = {
    {"prisma", {"prisma", "db", "push"}, "Prisma's `prisma db push` makes the database match schema.prisma"},
    {"drizzle", {"drizzle-kit", "push"}, "Drizzle's `drizzle-kit push` makes the database match the pgTable() schema files"},
    {"typeorm", {"schema:sync"}, "TypeORM's `schema:sync` makes the database match the entities"},
};

// Hibernate's schema management at start (red team R68 B2): `spring.jpa.hibernate.ddl-auto`
// (Spring Boot: none, validate, update, create, create-drop), `hibernate.hbm2ddl.auto` (also under
// spring.jpa.properties., in persistence.xml or hibernate.cfg.xml), `jakarta.persistence.
// schema-generation.database.action` (and javax.), Quarkus' `quarkus.hibernate-orm.database.
// generation`, `spring.jpa.generate-ddl=true`. create drops every entity's table and creates it
// empty (Hibernate ORM org.hibernate.tool.schema.Action: CREATE "Database dropping will be
// generated followed by database creation"), create-drop / drop drop them, update alters the
// tables to match the entities: DDL computed from the @Entity classes at every start.
// `shown_text` is the text whose lines the messages show: `text` itself, or the file whose
// environment variables spring_env_properties wrote as `text`'s property lines.
void read_hibernate(std::string_view text, std::vector<SchemaSync>& out, std::string_view shown_text) {
    static constexpr std::string_view k_keys[] = {"ddl-auto", "ddl_auto", "ddlAuto", "hbm2ddl.auto", "schema-generation.database.action",
                                                  "database.generation", "generate-ddl", "generate_ddl", "generateDdl"};
    std::size_t shown_at = 0;
    for (std::size_t at = 0; at <= text.size();) {
        const std::size_t nl = text.find('\n', at);
        const std::size_t start = at;
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        // This line of `shown_text` (the same line number).
        const std::size_t shown_nl = shown_at > shown_text.size() ? std::string_view::npos : shown_text.find('\n', shown_at);
        const std::string_view shown_line =
            shown_at > shown_text.size() ? std::string_view() : shown_text.substr(shown_at, shown_nl == std::string_view::npos ? std::string_view::npos : shown_nl - shown_at);
        shown_at = shown_nl == std::string_view::npos ? shown_text.size() + 1 : shown_nl + 1;
        std::string_view l = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        for (std::string_view key : k_keys) {
            const std::size_t k = l.find(key);
            if (k == std::string_view::npos) continue;
            // The value: after = or : (properties, YAML), or an XML property's value="...".
            std::string_view rest = l.substr(k + key.size());
            if (const std::size_t v = rest.find("value="); v != std::string_view::npos) rest = rest.substr(v + 6);
            const std::size_t b = rest.find_first_not_of(" \t\"'=:>");
            if (b == std::string_view::npos) break;
            rest = rest.substr(b);
            std::string value;
            for (char c : rest) {
                if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '$' || c == '{')) break;
                value += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            const bool generate = key.starts_with("generate");
            const bool on = generate ? value == "true" || value.starts_with("$")
                                     : value.starts_with("create") || value == "drop" || value == "update" || value.starts_with("drop-and") ||
                                           value.starts_with("$");
            if (on) {
                const std::size_t lead = shown_line.find_first_not_of(" \t");
                const std::string setting = shown(shown_line.substr(lead == std::string_view::npos ? 0 : lead)) +
                                            (shown_line == l ? std::string() : ", which is " + shown(l));
                out.push_back(SchemaSync{line_at(text, start + k),
                                         "Hibernate's schema management (" + setting + ") makes Hibernate " + (value.starts_with("$") ? std::string("possibly (the value is set at run time) ") : std::string()) +
                                             "drop, create or alter every @Entity class's table when the application starts (DDL computed "
                                             "at run time, dropped tables and columns included): pgfence does not see it",
                                         "hibernate"});
            }
            break;
        }
    }
}

// Whether `path` is a JavaScript or TypeScript source, where `//` starts a comment to the end of its line.
bool js_source(std::string_view path) {
    const std::size_t dot = path.rfind('.');
    if (dot == std::string_view::npos || path.find('/', dot) != std::string_view::npos) return false;
    const std::string_view ext = path.substr(dot);
    for (std::string_view e : {".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"}) {
        if (ext == e) return true;
    }
    return false;
}

// The lines of `text` that are comments naming no command (review87 C: a test file's `//   Runs
// \`prisma db push\``), as [start, end) spans in order. By the file's language (red team R88b F6):
// - JavaScript/TypeScript: a line whose first word is `//` alone, not inside a template literal a
//   line above opened (its text may be a shell command; the backquotes counted, escaped ones not).
// - any other file (a shell script, a workflow's run block, a Makefile, a Dockerfile): a line that
//   starts with `#` (not `#!`), a comment at a word's start (bash manual, "Comments"), unless the line
//   continues the one above: that ends in a backslash (bash manual, "Escape Character": a
//   backslash-newline joins the lines) or leaves a quote open (the `#` is then inside a word; the
//   quote state is the shell's over the whole file, an apostrophe in YAML text errs toward reading).
// There `//` is the root folder, a command that fails, so `// || npx drizzle-kit push` runs the push.
// A `/*` block's lines are never passed over: a shell line `* x` runs the first file the glob matches.
std::vector<std::pair<std::size_t, std::size_t>> comment_spans(std::string_view text, std::string_view path) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    const bool js = js_source(path);
    bool in_template = false;  // JS: inside a template literal
    char quote = 0;            // shell: the quote open at the line's start
    bool continued = false;    // shell: the line above ended in a backslash
    for (std::size_t start = 0; start <= text.size();) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (line.ends_with("\r")) line.remove_suffix(1);
        const std::size_t b = line.find_first_not_of(" \t");
        const std::string_view first = b == std::string_view::npos ? std::string_view() : line.substr(b);
        bool comment = false;
        if (js) {
            comment = !in_template && first.starts_with("//") && (first.size() == 2 || first[2] == ' ' || first[2] == '\t');
            if (!comment) {
                for (std::size_t i = 0; i < line.size(); ++i) {
                    if (line[i] == '\\') ++i;
                    else if (line[i] == '`') in_template = !in_template;
                }
            }
        } else {
            comment = quote == 0 && !continued && first.starts_with("#") && !first.starts_with("#!");
            if (!comment) {
                for (std::size_t i = 0; i < line.size(); ++i) {
                    const char c = line[i];
                    if (quote == '\'') {
                        if (c == '\'') quote = 0;
                    } else if (c == '\\') {
                        ++i;
                    } else if (quote == '"') {
                        if (c == '"') quote = 0;
                    } else if (c == '"' || c == '\'') {
                        quote = c;
                    } else if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
                        break;  // a comment to the end of the line
                    }
                }
            }
            continued = !comment && quote != '\'' && line.ends_with("\\");
        }
        if (comment) out.emplace_back(start, end);
        start = end + 1;
    }
    return out;
}

}  // namespace

std::vector<SchemaSync> schema_sync_commands(std::string_view text, std::string_view path) {
    std::vector<SchemaSync> out;
    const auto comments = comment_spans(text, path);
    for (const SyncCommand& c : k_sync_commands) {
        const std::string_view first = *c.words.begin();
        for (std::size_t at = text.find(first); at != std::string_view::npos; at = text.find(first, at + first.size())) {
            std::size_t end = words_at(text, at, c.words);
            if (end == std::string_view::npos) continue;
            const auto in = std::upper_bound(comments.begin(), comments.end(), std::pair<std::size_t, std::size_t>(at, SIZE_MAX));
            if (in != comments.begin() && std::prev(in)->first <= at && at < std::prev(in)->second) continue;
            out.push_back(SchemaSync{line_at(text, at),
                                     std::string(c.what) + " when this command runs (DDL computed from the models at run time, "
                                                           "dropped columns and tables included): pgfence does not see it",
                                     std::string(c.tool)});
        }
    }
    return out;
}

std::vector<SchemaSync> schema_sync_settings(std::string_view text, std::string_view path) {
    std::vector<SchemaSync> out = schema_sync_commands(text, path);
    // TypeORM: DataSource.initialize() runs synchronize() when options.synchronize is set and
    // dropDatabase() first when options.dropSchema is (typeorm/typeorm src/data-source/DataSource.ts
    // initialize; BaseDataSourceOptions.ts: "Indicates if database schema should be auto created on
    // every application launch"; dropSchema "Drops the schema each time connection is being established").
    if (text.find("synchronize") != std::string_view::npos || text.find("dropSchema") != std::string_view::npos ||
        text.find("migrationsRun") != std::string_view::npos) {
        const bool typeorm = text.find("DataSource") != std::string_view::npos || text.find("createConnection") != std::string_view::npos ||
                             text.find("typeorm") != std::string_view::npos || text.find("TypeOrm") != std::string_view::npos;
        if (typeorm) {
            std::set<std::size_t> elsewhere = other_dialect_keys(text);
            // A key in a comment is not set: counted as elsewhere.
            if (const auto code = code_offsets(text, path)) {
                for (std::string_view key : {"synchronize", "dropSchema", "migrationsRun"}) {
                    for (std::size_t at = text.find(key); at != std::string_view::npos; at = text.find(key, at + 1)) {
                        if (!code->contains(at)) elsewhere.insert(at);
                    }
                }
            }
            each_on(text, "synchronize", [&](int line, std::string_view v, std::size_t at) {
                if (elsewhere.contains(at)) return;
                out.push_back(SchemaSync{line, "TypeORM's synchronize: " + shown(v) + " makes TypeORM change the schema to match the entities "
                                               "at every start (DDL computed at run time, column drops included): pgfence does not see it", "typeorm"});
            });
            // Options written for a DataSource another module builds (a Nest TypeOrmOptionsFactory,
            // TypeOrmModule.forRoot): with migrationsRun, DataSource.initialize() runs the migrations
            // in the application (typeorm src/data-source/DataSource.ts: `if (this.options.migrationsRun)
            // await this.runMigrations(...)`), whose modules are not read as the tool's settings
            // (the Nest app module is not: typeorm_data_source.hpp nest_factory_data_source).
            const bool builds = text.find("DataSource(") != std::string_view::npos || text.find("createConnection(") != std::string_view::npos;
            if (!builds) {
                each_on(text, "migrationsRun", [&](int line, std::string_view v, std::size_t at) {
                    if (elsewhere.contains(at)) return;
                    out.push_back(SchemaSync{line, "TypeORM's migrationsRun: " + shown(v) + " has the application that builds its DataSource from "
                                                   "these options run the migrations when it starts, in its own process: the modules it loads "
                                                   "are not read as the migration tool's", "typeorm"});
                });
            }
            each_on(text, "dropSchema", [&](int line, std::string_view v, std::size_t at) {
                if (elsewhere.contains(at)) return;
                out.push_back(SchemaSync{line, "TypeORM's dropSchema: " + shown(v) + " drops the whole schema, every table and row, at every "
                                               "start: pgfence does not see it", "typeorm"});
            });
        }
    }
    // Sequelize: sequelize.sync({ alter: true }) alters each model's table to match it (dropping
    // columns it no longer has) and { force: true } drops and recreates it (sequelize/sequelize
    // src/model.js Model.sync: options.force -> drop(); options.alter -> changeColumn / removeColumn).
    for (std::size_t at = text.find(".sync("); at != std::string_view::npos; at = text.find(".sync(", at + 6)) {
        std::size_t close = text.find(')', at + 6);
        std::string_view args = text.substr(at + 6, close == std::string_view::npos ? 300 : std::min<std::size_t>(close - at - 6, 300));
        for (std::string_view key : {"alter", "force"}) {
            bool on = false;
            std::string_view shown_value;
            each_on(args, key, [&](int, std::string_view v, std::size_t) {
                on = true;
                shown_value = v;
            });
            if (!on) continue;
            out.push_back(SchemaSync{line_at(text, at), "Sequelize's sync({ " + std::string(key) + ": " + shown(shown_value) + " }) " +
                                                            (key == "alter" ? "alters every model's table to match the model (columns it no longer has dropped)"
                                                                            : "drops and recreates every model's table") +
                                                            " when the application starts (DDL computed at run time): pgfence does not see it", "sequelize"});
            break;
        }
    }
    read_hibernate(text, out, text);
    // The same settings as environment variables (SPRING_JPA_HIBERNATE_DDL_AUTO in a compose file,
    // a Kubernetes env list, a Dockerfile's ENV: red team R69 C7).
    if (const std::string env = spring_env_properties(text); !env.empty()) read_hibernate(env, out, text);
    return out;
}

ModelDecl model_declaration(std::string_view path, std::string_view text) {
    // A JPA entity (jakarta.persistence.Entity / javax.persistence.Entity) in Java or Kotlin.
    if (path.ends_with(".java") || path.ends_with(".kt")) {
        for (std::size_t at = text.find("@Entity"); at != std::string_view::npos; at = text.find("@Entity", at + 7)) {
            const std::size_t end = at + 7;
            if (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) continue;
            return {line_at(text, at), "hibernate"};
        }
        return {};
    }
    for (std::string_view mark : {"@Entity(", "@ViewEntity(", "@ChildEntity("}) {
        if (std::size_t at = text.find(mark); at != std::string_view::npos) return {line_at(text, at), "typeorm"};
    }
    // A Prisma schema (prisma/prisma: schema.prisma, or the .prisma files of prismaSchemaFolder):
    // everything in it, models, enums and the datasource, is what `prisma db push` applies.
    if (path.ends_with(".prisma")) {
        for (std::string_view mark : {"model ", "enum ", "view ", "type ", "datasource "}) {
            for (std::size_t at = text.find(mark); at != std::string_view::npos; at = text.find(mark, at + 1)) {
                if (at == 0 || text[at - 1] == '\n') return {line_at(text, at), "prisma"};
            }
        }
        return {1, "prisma"};
    }
    // A Drizzle schema file: pgTable() (and the enums, views and schemas of drizzle-orm/pg-core).
    if (text.find("drizzle-orm") != std::string_view::npos) {
        for (std::string_view mark : {"pgTable(", "pgEnum(", "pgView(", "pgSchema(", "pgMaterializedView(", "pgSequence("}) {
            if (std::size_t at = text.find(mark); at != std::string_view::npos) return {line_at(text, at), "drizzle"};
        }
    }
    if (text.find("sequelize") == std::string_view::npos && text.find("Sequelize") == std::string_view::npos) return {};
    for (std::string_view mark : {".define(", ".init("}) {
        if (std::size_t at = text.find(mark); at != std::string_view::npos) return {line_at(text, at), "sequelize"};
    }
    return {};
}

int model_line(std::string_view text) { return model_declaration("", text).line; }

}  // namespace pgfence::analyze::tools
