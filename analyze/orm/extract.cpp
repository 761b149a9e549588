#include "analyze/orm/extract.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

#include "analyze/parse/limits.hpp"
#include "analyze/orm/emitter.hpp"
#include "analyze/orm/load_unknowns.hpp"
#include "analyze/orm/node_pg_migrate.hpp"
#include "analyze/orm/export_writes.hpp"
#include "analyze/orm/js_dialects.hpp"
#include "analyze/orm/js_lexer.hpp"
#include "analyze/orm/module_writes.hpp"
#include "analyze/orm/project_tool.hpp"
#include "analyze/orm/reexports.hpp"
#include "analyze/orm/seeds.hpp"
#include "analyze/orm/tool_scripts.hpp"
#include "analyze/orm/walker.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_tree.hpp"
#include "analyze/parse/splitter.hpp"
#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze::orm {
namespace {

// Does the statement's text, whatever an interpolated identifier in it names, run only outside a
// transaction block (CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM)?
bool outside_transaction_block(const std::string& sql) {
    ParsedStatement parsed = parse_statement(sql);
    const pg::Node* node = parsed.failure ? nullptr : parsed.stmt;
    if (const auto* index = pg::as<IndexStmt>(node)) return index->concurrent;
    if (const auto* drop = pg::as<DropStmt>(node)) return drop->concurrent;
    if (const auto* reindex = pg::as<ReindexStmt>(node)) {
        for (const DefElem* d : pg::each<DefElem>(reindex->params)) {
            if (pg::text(d->defname) == "concurrently") return true;
        }
        return false;
    }
    return pg::is<VacuumStmt>(node) && pg::as<VacuumStmt>(node)->is_vacuumcmd;
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool contains(std::string_view text, std::string_view what) { return text.find(what) != std::string_view::npos; }

// TypeORM: `transaction = false` on the class; Knex: `config = { transaction: false }`.
bool transaction_disabled(const std::vector<Node>& nodes, const Emitter& e) {
    for (const Node& n : nodes) {
        if (n.kind == NodeKind::Binary && n.name == "=" && n.kids.size() == 2) {
            std::string target = dotted_name(n.kids[0]);
            const Node& value = n.kids[1];
            if ((target == "transaction" || ends_with(target, ".transaction")) && value.kind == NodeKind::Ident &&
                value.name == "false")
                return true;
            if (target == "config" || ends_with(target, ".config")) {
                const Node* t = property(value, "transaction");
                if (t && t->kind == NodeKind::Ident && t->name == "false") return true;
            }
        }
        if (transaction_disabled(n.kids, e)) return true;
    }
    return false;
}

// The `sequelize.transaction(async (t) => { ... })` calls (a managed transaction: the callback's
// calls that pass `t` run in one transaction, committed when the callback returns): their span
// and the callback's parameter.
struct Managed {
    std::size_t begin = 0, end = 0;
    std::string name;
};
void managed_transactions(const std::vector<Node>& nodes, std::vector<Managed>& out) {
    for (const Node& n : nodes) {
        if (n.kind == NodeKind::Call && !n.kids.empty() && n.kids[0].kind == NodeKind::Member && n.kids[0].name == "transaction") {
            for (std::size_t k = 1; k < n.kids.size(); ++k) {
                const Node& a = n.kids[k];
                if (a.kind == NodeKind::Func) out.push_back(Managed{n.begin, n.end, a.params.empty() ? std::string() : a.params[0]});
            }
        }
        managed_transactions(n.kids, out);
    }
}

// The call expression at [begin, end), if the tree has one.
const Node* call_at(const std::vector<Node>& nodes, std::size_t begin, std::size_t end) {
    for (const Node& n : nodes) {
        if (n.begin > end || n.end < begin) continue;
        if (n.kind == NodeKind::Call && n.begin == begin && n.end == end) return &n;
        if (const Node* found = call_at(n.kids, begin, end)) return found;
    }
    return nullptr;
}

// Does an argument of the call pass `name` as its options' transaction (`{ transaction }`,
// `{ transaction: t }`)?
bool passes_transaction(const Node& call, const std::string& name) {
    for (std::size_t k = 1; k < call.kids.size(); ++k) {
        const Node& a = call.kids[k];
        if (a.kind != NodeKind::Object) continue;
        for (std::size_t v = 0; v < a.keys.size() && v < a.kids.size(); ++v) {
            if (a.keys[v] == "transaction" && a.kids[v].kind == NodeKind::Ident && a.kids[v].name == name) return true;
        }
    }
    return false;
}

// Does the script call `.transaction(...)` anywhere (a managed or an unmanaged transaction)?
bool makes_transaction(const std::vector<Node>& nodes) {
    for (const Node& n : nodes) {
        if (n.kind == NodeKind::Call && !n.kids.empty() && n.kids[0].kind == NodeKind::Member && n.kids[0].name == "transaction") {
            return true;
        }
        if (makes_transaction(n.kids)) return true;
    }
    return false;
}

// Sequelize runs a migration without a transaction, but a script may make one: outline's
// `return queryInterface.sequelize.transaction(async (transaction) => { ... { transaction } ... })`.
// Only calls that pass it run in it (without CLS, a call that does not goes out on another
// connection): the file is one transaction when every up() call lies in the callback of the
// one that holds the first (down() may make its own) and passes it. Returns the callback's name for it, else "".
std::string sequelize_managed_transaction(const std::vector<Node>& nodes, const Extraction& out) {
    std::vector<Managed> spans;
    managed_transactions(nodes, spans);
    // The one that holds up()'s first call (down() may make its own): every up() call in it.
    auto first = std::find_if(out.calls.begin(), out.calls.end(), [](const CallRecord& c) { return !c.down; });
    if (first == out.calls.end()) return {};
    auto holds = [](const Managed& m, const CallRecord& c) { return c.begin > m.begin && c.end <= m.end; };
    auto span = std::find_if(spans.begin(), spans.end(), [&](const Managed& m) { return holds(m, *first); });
    if (span == spans.end() || span->name.empty()) return {};
    const Managed& m = *span;
    bool any = false;
    for (const CallRecord& c : out.calls) {
        if (c.down) continue;
        any = true;
        if (!holds(m, c)) return {};
        const Node* call = call_at(nodes, c.begin, c.end);
        if (call == nullptr || !passes_transaction(*call, m.name)) return {};
    }
    return any ? m.name : std::string();
}

// Byte offset within sql: inside a string ('...', $$...$$), a "..." identifier, a comment
// ('-'), or none of them (0).
char quote_state(std::string_view sql, std::size_t at) {
    analyze::Tokenizer tokens(sql);
    for (analyze::Token t; tokens.next(t) && t.begin <= at;) {
        if (at >= t.end) continue;
        if (t.kind == analyze::TokenKind::QuotedIdent) return '"';
        if (t.kind == analyze::TokenKind::String || t.kind == analyze::TokenKind::DollarString) return '\'';
        if (t.is_comment()) return '-';
        return 0;
    }
    return 0;
}

}  // namespace

std::string_view input_format_name(InputFormat format) {
    switch (format) {
        case InputFormat::Auto: return "auto";
        case InputFormat::Sql: return "sql";
        case InputFormat::TypeOrm: return "typeorm";
        case InputFormat::Knex: return "knex";
        case InputFormat::Sequelize: return "sequelize";
        case InputFormat::DbMigrate: return "db-migrate";
        case InputFormat::NodePgMigrate: return "node-pg-migrate";
    }
    return "auto";
}

std::optional<InputFormat> parse_input_format(std::string_view name) {
    for (InputFormat f : {InputFormat::Auto, InputFormat::Sql, InputFormat::TypeOrm, InputFormat::Knex,
                          InputFormat::Sequelize, InputFormat::DbMigrate, InputFormat::NodePgMigrate}) {
        if (name == input_format_name(f)) return f;
    }
    if (name == "dbmigrate") return InputFormat::DbMigrate;
    return std::nullopt;
}

bool is_script_path(std::string_view path) {
    if (ends_with(path, ".d.ts")) return false;
    for (std::string_view ext : {".ts", ".js", ".mjs", ".cjs", ".mts", ".cts"}) {
        if (ends_with(path, ext)) return true;
    }
    return false;
}

InputFormat detect_format(std::string_view text) {
    // node-pg-migrate's MigrationBuilder (its docs and templates name it `pgm`).
    if (contains(text, "node-pg-migrate") || contains(text, "MigrationBuilder")) return InputFormat::NodePgMigrate;
    if (contains(text, "queryRunner") || contains(text, "QueryRunner") || contains(text, "MigrationInterface"))
        return InputFormat::TypeOrm;
    if (contains(text, "queryInterface") || contains(text, "QueryInterface") || contains(text, "sequelize") ||
        contains(text, "Sequelize"))
        return InputFormat::Sequelize;
    if (contains(text, "knex") || contains(text, "Knex")) return InputFormat::Knex;
    if (contains(text, "runSql") || contains(text, "dbm") || contains(text, "db-migrate")) return InputFormat::DbMigrate;
    return InputFormat::Auto;
}

InputFormat resolve_format(std::string_view path, std::string_view text, InputFormat requested) {
    if (requested != InputFormat::Auto) return requested;
    if (!is_script_path(path) && !tool_runs_as_script(path)) return InputFormat::Sql;
    InputFormat by_words = detect_format(text);
    if (by_words != InputFormat::Auto) return by_words;
    // No tool's words in the script: a script that defines an up() is still a migration, its
    // tool decided by how up() uses its runner and by the project's own words (script_tools.cpp).
    return defines_up(text) ? decide_tool(path, text) : InputFormat::Auto;
}

// How much of a script tells whether it is a migration.
constexpr std::size_t k_head_bytes = 64 * 1024;

namespace {

// A script's name as a migration's: under a folder named like "migrations", not a test or a
// dependency.
bool migration_script_name(const std::string& path) {
    if (!is_script_path(path) && !tool_runs_as_script(path)) return false;
    std::string lower = path;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (contains(lower, "/node_modules/") || contains(lower, ".test.") || contains(lower, ".spec.")) return false;
    return contains(lower, "migration");
}

}  // namespace

bool looks_like_migration(const std::string& path) {
    if (!migration_script_name(path)) return false;  // before anything is read
    std::ifstream in(path, std::ios::binary);
    std::string head(k_head_bytes, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return looks_like_migration(path, head);
}

bool looks_like_migration(const std::string& path, std::string_view text) {
    if (!migration_script_name(path)) return false;
    std::string_view head = text.substr(0, k_head_bytes);
    // "migration" only in the file's own name (speckle's db/migrations.ts, the runner that calls
    // db.migrate.latest(); configs/knexMigrations.ts, its FsMigrations subclass;
    // scripts/duplicateUserMigration.ts: stranger review 87 F): no tool's default folder holds it,
    // and a folder a tool's settings name is handed over whole (tool_dir_inputs.cpp). Listed only
    // when it defines up() as a migration does; knex's FsMigrations loads every file of its folders
    // whatever its name (knex lib/migrations/migrate/sources/fs-migrations.js getMigrations).
    const std::string folder = std::filesystem::path(path).parent_path().generic_string();
    std::string lower_folder = folder;
    std::transform(lower_folder.begin(), lower_folder.end(), lower_folder.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!contains(lower_folder, "migration")) return defines_up(head);
    // A script under a migrations folder whose lexing stops before anything said whose it is:
    // listed, to be reported unknown (extract_script), not left out unseen.
    return (detect_format(head) != InputFormat::Auto && contains(head, "up")) || defines_up(head) ||
           lexing_stop(head, head.size() == text.size()).has_value();
}

namespace {

bool punct_is(const std::vector<Token>& tokens, std::size_t k, std::string_view text) {
    return k < tokens.size() && tokens[k].kind == TokenKind::Punct && tokens[k].text == text;
}

bool ident_is(const std::vector<Token>& tokens, std::size_t k, std::string_view text) {
    return k < tokens.size() && tokens[k].kind == TokenKind::Ident && tokens[k].text == text;
}

// The script's own functions: `function NAME`, `NAME = function`, `NAME = async ...`,
// `NAME = (...) =>`, `NAME = x =>`.
std::set<std::string, std::less<>> own_functions(const std::vector<Token>& tokens) {
    std::set<std::string, std::less<>> out;
    for (std::size_t k = 0; k + 1 < tokens.size(); ++k) {
        if (ident_is(tokens, k, "function") && tokens[k + 1].kind == TokenKind::Ident) out.insert(tokens[k + 1].text);
        if (tokens[k].kind != TokenKind::Ident || !punct_is(tokens, k + 1, "=")) continue;
        if (ident_is(tokens, k + 2, "function") || ident_is(tokens, k + 2, "async") || punct_is(tokens, k + 3, "=>") ||
            (punct_is(tokens, k + 2, "(") && [&] {
                for (std::size_t j = k + 3; j < tokens.size() && j < k + 64; ++j) {
                    if (punct_is(tokens, j, ")")) return punct_is(tokens, j + 1, "=>") || punct_is(tokens, j + 1, ":");
                }
                return false;
            }())) {
            out.insert(tokens[k].text);
        }
    }
    return out;
}

// Where the functions read (`spans`) decide at run time which of their statements run, or how
// often: the first branch (if, switch, catch; a conditional operator, &&, ||, ??), loop (for,
// while, do; forEach, map and the other array walks) or call of the script's own function or
// method (whose statements the extraction does not follow), npos: none. outline's
// add-user-role returns before its UPDATEs when DEPLOYMENT is "hosted". One pass over the
// tokens, the spans merged first.
std::size_t first_branch(const std::vector<Token>& tokens, std::vector<std::pair<std::size_t, std::size_t>> spans) {
    std::sort(spans.begin(), spans.end());
    std::vector<std::pair<std::size_t, std::size_t>> merged;
    for (const auto& span : spans) {
        if (!merged.empty() && span.first <= merged.back().second) {
            merged.back().second = std::max(merged.back().second, span.second);
        } else {
            merged.push_back(span);
        }
    }
    if (merged.empty()) return std::string_view::npos;
    const std::set<std::string, std::less<>> own = own_functions(tokens);
    static const std::set<std::string_view> k_keywords = {"if", "switch", "while", "for", "do", "catch"};
    static const std::set<std::string_view> k_operators = {"?", "&&", "||", "??", "?\?=", "||=", "&&="};
    static const std::set<std::string_view> k_walks = {"forEach", "map", "flatMap", "reduce", "reduceRight", "filter",
                                                       "some", "every", "find", "findIndex"};
    std::size_t span = 0;
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        const Token& t = tokens[k];
        while (span < merged.size() && merged[span].second <= t.begin) ++span;
        if (span == merged.size()) break;
        if (t.begin < merged[span].first) continue;
        bool member = k > 0 && (punct_is(tokens, k - 1, ".") || punct_is(tokens, k - 1, "?."));
        if (t.kind == TokenKind::Ident) {
            bool key = punct_is(tokens, k + 1, ":");  // { if: 1 }, a property named so
            if (!member && !key && k_keywords.count(t.text) > 0) return t.begin;
            if (member && k_walks.count(t.text) > 0 && punct_is(tokens, k + 1, "(")) return t.begin;
            bool called = punct_is(tokens, k + 1, "(");
            if (called && !member && own.count(t.text) > 0 && t.text != "up" && t.text != "down") return t.begin;
            if (called && member && k >= 2 && ident_is(tokens, k - 2, "this")) return t.begin;
        } else if (t.kind == TokenKind::Punct && k_operators.count(t.text) > 0) {
            // `name?: type` and `name?)` (TypeScript's optional parameters) are no branch.
            if (t.text == "?" && (punct_is(tokens, k + 1, ":") || punct_is(tokens, k + 1, ")") || punct_is(tokens, k + 1, ","))) continue;
            return t.begin;
        }
    }
    return std::string_view::npos;
}

// The module form of the script whose tokens these are (Extraction::form).
ScriptForm script_form(std::string_view path, const std::vector<Token>& tokens) {
    ScriptForm form;
    auto is = [&](std::size_t i, std::string_view s) {
        return i < tokens.size() && (tokens[i].kind == TokenKind::Ident || tokens[i].kind == TokenKind::Punct) && tokens[i].text == s;
    };
    bool esm = path.ends_with(".mjs") || path.ends_with(".mts");
    bool default_export = false;
    bool commonjs = false;
    int depth = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (is(i, "{") || is(i, "(") || is(i, "[")) ++depth;
        if (is(i, "}") || is(i, ")") || is(i, "]")) --depth;
        if (depth == 0 && is(i, "export")) {
            esm = true;
            default_export = default_export || is(i + 1, "default");
        }
        // import x from '...', import { x } from '...', import '...'; not import('...').
        if (depth == 0 && is(i, "import") && !is(i + 1, "(") && !is(i + 1, ".")) esm = true;
        // module.exports = ..., exports.up = ...: CommonJS, whatever it imports (TypeScript and
        // Babel compile `import` into require()).
        if (depth == 0 && ((is(i, "module") && is(i + 1, ".") && is(i + 2, "exports")) ||
                           (is(i, "exports") && is(i + 1, ".") && (i == 0 || !is(i - 1, "."))))) {
            commonjs = true;
        }
        // up: async ({ context ...  /  async up({ context })  /  function up({ context })  /  up = ({ context }) =>
        if (tokens[i].kind == TokenKind::Ident && tokens[i].text == "up" && form.receiver.empty()) {
            std::size_t j = i + 1;
            while (is(j, ":") || is(j, "=") || is(j, "async") || is(j, "function")) ++j;
            if (is(j, "(") && is(j + 1, "{") && is(j + 2, "context")) {
                form.context_parameter = true;
                form.receiver = is(j + 3, ":") && j + 4 < tokens.size() && tokens[j + 4].kind == TokenKind::Ident ? tokens[j + 4].text : "context";
            } else if (is(j, "(") && j + 1 < tokens.size() && tokens[j + 1].kind == TokenKind::Ident) {
                form.receiver = tokens[j + 1].text;
            }
        }
    }
    if (path.ends_with(".cjs") || path.ends_with(".cts") || (commonjs && !path.ends_with(".mjs") && !path.ends_with(".mts"))) esm = false;
    // What up() is handed, as the script uses it: params.context (umzug's params object under a
    // name), or a context queried directly (a Sequelize instance, not the query interface).
    for (std::size_t i = 0; !form.receiver.empty() && i + 2 < tokens.size(); ++i) {
        if (tokens[i].kind != TokenKind::Ident || tokens[i].text != form.receiver || !is(i + 1, ".") || (i > 0 && is(i - 1, "."))) continue;
        if (!form.context_parameter && is(i + 2, "context")) {
            form.unsupported = "up() reads umzug's context as " + form.receiver + ".context";
        } else if (form.context_parameter && is(i + 2, "query")) {
            form.unsupported = "up()'s context " + form.receiver + " is queried directly (a Sequelize instance, not the query interface)";
        }
        if (!form.unsupported.empty()) break;
    }
    if (esm) form.module = default_export ? "esm-default" : "esm";
    return form;
}

}  // namespace

Extraction extract_script(std::string_view text, InputFormat format, Direction direction, std::string_view path);

Extraction extract(std::string_view text, InputFormat format, Direction direction, std::string_view path) {
    Extraction read = extract_script(text, format, direction, path);
    if (!read.skipped || path.empty() || is_script_path(path) || !tool_runs_as_script(path)) return read;
    return unread_tool_script(text, format == InputFormat::Sql ? InputFormat::Auto : format);
}

Extraction extract_script(std::string_view text, InputFormat format, Direction direction, std::string_view path) {
    FollowLimits limits;
    limits.work_left = 4 * text.size() + 65536;
    return extract_module(text, format, direction, path, {}, limits);
}

namespace {

// The class of a module whose migration `only` names (reexports.hpp): its name; "" for all of the
// module's (`*`, an anonymous default class); k_no_class when the module declares none by that name.
constexpr std::string_view k_no_class = "\x01";
std::string only_class(const std::vector<Token>& t, std::string_view only) {
    if (only.empty() || only == "*") return {};
    auto is = [&](std::size_t i, std::string_view s) {
        return i < t.size() && (t[i].kind == TokenKind::Ident || t[i].kind == TokenKind::Punct) && t[i].text == s;
    };
    auto ident = [&](std::size_t i) { return i < t.size() && t[i].kind == TokenKind::Ident; };
    int depth = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (is(i, "{") || is(i, "(") || is(i, "[")) ++depth;
        if (is(i, "}") || is(i, ")") || is(i, "]")) --depth;
        if (depth != 0 || (i > 0 && is(i - 1, "."))) continue;
        if (only != "default" && is(i, "class") && ident(i + 1) && t[i + 1].text == only) return std::string(only);
        if (only == "default" && is(i, "export") && is(i + 1, "default")) {
            bool named = is(i + 2, "class") && ident(i + 3) && !is(i + 3, "extends") && !is(i + 3, "implements");
            if (named) return t[i + 3].text;
            if (is(i + 2, "class")) return {};
            if (ident(i + 2) && t[i + 2].text != "default") return only_class(t, t[i + 2].text);  // export default Local
        }
    }
    return std::string(k_no_class);
}

// A script `tool` loads, calling its `function`, in which pgfence found none it reads: one unknown
// at its first statement (which the caller makes sure exists), never skipped (red team R74 F1).
void unknown_without_migration(const JsFile& file, Emitter& emitter, const std::string& tool, std::string_view function) {
    const Node& first = file.statements.front();
    int index = emitter.add_call(first, std::string(function), false);
    emitter.unknown(first, index, tool + " loads each file of its migrations folder and calls its " + std::string(function) +
                                      "(), which pgfence did not find in this one: it is set in a way pgfence does not read, and what "
                                      "it runs is not seen");
}

// The first class or function in `n`, or nullptr.
const Node* class_or_function(const Node& n) {
    if (n.kind == NodeKind::Func || (n.kind == NodeKind::Other && n.name == "class")) return &n;
    for (const Node& k : n.kids) {
        if (const Node* found = class_or_function(k)) return found;
    }
    return nullptr;
}

// A file TypeORM may run with no migration pgfence reads: unknown at a class method with a
// computed name (`computed`), else at the file's first class or function.
void unknown_typeorm_class(const Node& at, bool computed, Emitter& emitter) {
    int index = emitter.add_call(at, "up", false);
    emitter.unknown(at, index, computed
                                   ? "a class method here is named by a computed key, which may be the up() TypeORM calls: what it runs is not read"
                                   : "TypeORM may load this file as a migration (its data source's `migrations` can name any file) and "
                                     "run each class or function it exports; pgfence found no migration it reads in it, so what it runs is not seen");
}

}  // namespace

Extraction extract_module(std::string_view text, InputFormat format, Direction direction, std::string_view path, std::string_view only,
                          FollowLimits& limits) {
    Extraction out;
    out.format = format;
    std::vector<ReExport> re;  // exports of classes from other modules (reexports.hpp)
    if (format == InputFormat::Auto && defines_up(text)) {
        // A script that defines an up() whose tool neither its words, nor its runner's uses,
        // nor the project's settings decide: a migration pgfence cannot read, unknown at its up().
        JsFile file = parse_js(text);
        Emitter emitter(file, text, out);
        const Node* at = file.statements.empty() ? nullptr : &file.statements.front();
        std::size_t up = text.find("up");
        for (const Node& n : file.statements) {
            if (n.begin <= up && up < n.end) at = &n;
        }
        if (at != nullptr) {
            int index = emitter.add_call(*at, "up", false);
            emitter.unknown(*at, index, "this script defines an up() but pgfence cannot tell which migration tool runs it "
                                        "(no TypeORM, Knex, Sequelize, db-migrate or node-pg-migrate use or setting decides it): "
                                        "what it runs is not read");
            return out;
        }
    }
    if (format == InputFormat::Auto) {
        // A module that only exports classes of others: read as the tool of the first it takes
        // one from; unknown at each export when none names a tool, never skipped.
        re = reexports(lex_js(text));
        std::erase_if(re, [&](const ReExport& r) { return r.beside && limits.depth == 0; });
        if (!re.empty()) format = out.format = reexported_format(re, path);
        if (!re.empty() && format == InputFormat::Auto) {
            JsFile file = parse_js(text);
            Emitter emitter(file, text, out);
            follow_reexports(re, text, emitter, format, direction, path, limits, out.imported_files);
            mark_hidden_uses(file, text, emitter);
            return out;
        }
    }
    if (format == InputFormat::Auto) {
        // No tool's words and no up(), but exports that may be a class of another module pgfence
        // does not follow (borrowed_up.hpp unfollowed_exports): where TypeORM may run the file,
        // which runs every class it exports, unknown at each (red team R72 F1), never skipped.
        auto unfollowed = unfollowed_exports(lex_js(text));
        if (!unfollowed.empty() && typeorm_may_run(path)) {
            JsFile file = parse_js(text);
            Emitter emitter(file, text, out);
            mark_unknown_at(file, unfollowed, "exports", emitter);
            mark_hidden_uses(file, text, emitter);
            return out;
        }
    }
    if (format == InputFormat::Auto) {
        // No up() read, but the module's exports are written in a way pgfence does not read (an
        // alias's computed key, a call or an import as the exports): unknown there, not skipped.
        if (const auto hidden = hidden_export_writes(lex_js(text)); !hidden.empty()) {
            JsFile file = parse_js(text);  // the same text, so the same tokens and offsets
            Emitter emitter(file, text, out);
            mark_hidden_uses(file, text, emitter, hidden);
            return out;
        }
    }
    if (format == InputFormat::Auto) {
        if (auto stop = lexing_stop(text, true)) {
            // The lexer stopped before any tool's words or an up() were seen (an HTML-like comment
            // on the first line, a '/' after '}', a template or comment left open): what follows
            // may be any tool's migration. Unknown at its first line, never skipped as no migration.
            JsFile file = parse_js(text);
            Emitter emitter(file, text, out);
            Node first;
            first.begin = 0;
            first.end = std::min(text.size(), text.find('\n') == std::string_view::npos ? text.size() : text.find('\n'));
            int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(stop->at), '\n'));
            int index = emitter.add_call(first, "script", false);
            emitter.unknown(first, index, "pgfence stopped reading this script at line " + std::to_string(line) + " (" + stop->why +
                                              ") before anything told which migration tool runs it: whether it is a migration, "
                                              "and what it runs, is not known");
            return out;
        }
    }
    if (format == InputFormat::Auto) {
        // No tool's words, but a project whose tool loads each file of its migrations folder and
        // calls its up(): a file with code sets it in a way pgfence does not read (`require(x)(exports)`,
        // `exports.__proto__ = ...`; red team R74 F1). Unknown at its first statement, never skipped.
        if (const std::string loaders = folder_loaders(path); !loaders.empty()) {
            JsFile file = parse_js(text);
            if (!file.statements.empty()) {
                Emitter emitter(file, text, out);
                unknown_without_migration(file, emitter, "the project's " + loaders, "up");
                mark_hidden_uses(file, text, emitter);
                return out;
            }
        }
    }
    if (format == InputFormat::Auto && typeorm_may_run(path)) {
        // TypeORM runs every class or function a file its data source's `migrations` names exports,
        // by calling up() (typeorm src/util/DirectoryExportedClassesLoader.ts, src/migration/
        // MigrationExecutor.ts): one in which pgfence found no migration may set its up() in a way
        // pgfence does not read (`async [u](qr)`, red team R81b B3). Unknown at the computed method,
        // or at its first class or function; never skipped.
        JsFile file = parse_js(text);
        const Node* computed = computed_method(file);
        const Node* code = computed;
        for (std::size_t i = 0; code == nullptr && i < file.statements.size(); ++i) code = class_or_function(file.statements[i]);
        if (code != nullptr) {
            Emitter emitter(file, text, out);
            unknown_typeorm_class(*code, computed != nullptr, emitter);
            mark_hidden_uses(file, text, emitter);
            return out;
        }
    }
    if (format == InputFormat::Auto || format == InputFormat::Sql) {
        out.skipped = true;
        out.skip_reason = "no TypeORM, Knex, Sequelize or db-migrate migration recognised in this script";
        return out;
    }
    JsFile file = parse_js(text, path);
    const bool seed = format == InputFormat::Knex && seed_as_up(file);
    out.too_deep = file.too_deep;
    out.unreadable = file.unreadable;
    for (auto& note : dialect_notes(file.dialect_skipped, text)) out.notes.push_back(std::move(note));
    out.form = script_form(path, file.tokens);
    Emitter emitter(file, text, out);
    if (format == InputFormat::NodePgMigrate) emitter.npgm_types_as_written = npgm_folder_without_shorthands(path);
    // A branch left unread for another database's that drops, truncates or deletes: the dialect
    // value is assumed, not known, so a person confirms it (js_dialects.hpp may_run_on_postgres).
    std::vector<std::pair<std::size_t, std::size_t>> other_half;  // the function not read (down() when reading up)
    const std::string_view other_name = direction == Direction::Up ? "down" : "up";
    std::vector<const Node*> stack;
    for (const Node& n : file.statements) stack.push_back(&n);
    while (!file.dialect_skipped.empty() && !stack.empty()) {
        const Node* n = stack.back();
        stack.pop_back();
        if (n->kind == NodeKind::Func && n->name == other_name) {
            other_half.emplace_back(n->begin, n->end);
            continue;
        }
        for (const Node& k : n->kids) stack.push_back(&k);
    }
    for (const auto& skip : file.dialect_skipped) {
        if (!skip.may_run) continue;
        if (std::any_of(other_half.begin(), other_half.end(), [&](const auto& s) { return skip.at >= s.first && skip.at < s.second; })) continue;
        Node at;
        at.begin = skip.at;
        at.end = std::max(skip.end, skip.at);
        const int index = emitter.add_call(at, "branch", false);
        emitter.unknown(at, index, "this branch is left unread as another database's (`" + dialect_shown(skip.subject, 80) + "`: " +
                                       dialect_shown(skip.databases, 80) + "), an assumption pgfence cannot check; what it "
                                       "runs is not read, so a person must confirm it never runs on PostgreSQL");
    }
    const std::string only_cls = only_class(file.tokens, only);
    WalkResult walked = walk_migration(file, text, emitter, format, direction, out.form, path, only_cls);
    out.branch = std::min(first_branch(file.tokens, walked.read_spans), walked.first_import);
    out.imported_files = std::move(walked.imported_files);
    re = reexports(file.tokens);
    std::erase_if(re, [&](const ReExport& r) { return r.beside && limits.depth == 0; });
    if (!only.empty() && only != "*") {
        // One export wanted: a class of this module, or the re-export of that name.
        std::erase_if(re, [&](const ReExport& r) { return only_cls != k_no_class || r.exported != only; });
    }
    follow_reexports(re, text, emitter, format, direction, path, limits, out.imported_files);
    // TypeORM runs every class the file exports: those pgfence does not follow are unknown.
    const auto unfollowed = format == InputFormat::TypeOrm ? unfollowed_exports(file.tokens) : decltype(unfollowed_exports(file.tokens)){};
    mark_unknown_at(file, unfollowed, "exports", emitter);
    const auto hidden = hidden_export_writes(file.tokens);
    // Writes to other modules' values, here or in the local modules this one loads (module_writes.hpp):
    // the helpers and the tool's code pgfence reads may not be what runs. Once per place.
    auto writes = module_writes(file.tokens);
    for (auto& w : loaded_module_writes(path, file.tokens, out.imported_files)) writes.push_back(std::move(w));
    std::erase_if(writes, [&](const auto& w) {
        return std::any_of(hidden.begin(), hidden.end(), [&](const auto& h) { return h.first == w.first; });
    });
    mark_unknown_at(file, writes, "module", emitter);
    fold_load_unknowns(out, text);
    const bool none_found = !walked.found_function && re.empty() && out.too_deep.empty() && out.unreadable.empty() &&
                            hidden.empty() && unfollowed.empty() && writes.empty();
    // TypeORM runs the classes a file exports and passes over a file with none. The other tools
    // load every file of their folder and call its up() (knex's Migrator refuses a module without
    // up and down functions; umzug, db-migrate and node-pg-migrate call it): a file with code in
    // which pgfence found none sets its up() in a way pgfence does not read (a helper given the
    // exports, a write through an expression; red team R74 F1), so it is unknown, never skipped.
    // Only a file of comments alone, where nothing runs, is.
    // A class method named by a computed key may be the up() TypeORM calls, even after an up()
    // pgfence read (the later one of a name wins; red team R81b B3). (With a down() read and no
    // up(), the up() not found is unknown below.)
    const Node* computed = format == InputFormat::TypeOrm && (none_found || walked.found_up) ? computed_method(file) : nullptr;
    // A class (or function) TypeORM loads from the file with no up() pgfence reads: TypeORM calls
    // the up() of what `new` yields, which may be set where pgfence does not read it (red team
    // R82b B6). Unknown at it; only a file with none is passed over, as TypeORM does.
    const Node* loaded = nullptr;
    for (std::size_t i = 0; format == InputFormat::TypeOrm && none_found && computed == nullptr && loaded == nullptr && i < file.statements.size(); ++i) {
        loaded = class_or_function(file.statements[i]);
    }
    if (computed != nullptr || loaded != nullptr) {
        unknown_typeorm_class(computed != nullptr ? *computed : *loaded, computed != nullptr, emitter);
    } else if (none_found && (format == InputFormat::TypeOrm || file.statements.empty())) {
        out.skipped = true;
        out.skip_reason = "no up() or down() migration function found";
        return out;
    }
    if (none_found) {
        if (computed == nullptr && loaded == nullptr) {
            unknown_without_migration(file, emitter, std::string(input_format_name(format)), direction == Direction::Down ? "down" : "up");
        }
    } else if (!walked.found_up && (walked.found_function || (re.empty() && unfollowed.empty())) && direction != Direction::Down &&
        !file.statements.empty()) {
        // A down() was read but no up(): the tool runs an up pgfence did not find (a computed
        // key, a function defined elsewhere and assigned, a base class in another file).
        const Node& first = file.statements.front();
        int index = emitter.add_call(first, "up", false);
        emitter.unknown(first, index, "this script's up() was not found where pgfence reads it (a down() was): "
                                      "what it runs on up is not seen");
    }
    mark_hidden_uses(file, text, emitter, hidden);
    bool disabled = transaction_disabled(file.statements, emitter);
    switch (format) {
        case InputFormat::TypeOrm:
            out.wrapped_in_transaction = !disabled;
            out.notes.push_back(disabled ? "typeorm: transaction = false, statements run one by one"
                                         : "typeorm: runs the migration in a transaction (migrationsTransactionMode all/each)");
            break;
        case InputFormat::Knex:
            if (seed) {
                // knex/knex lib/migrations/seed/Seeder.js _waterfallBatch: seed(knex) on the knex
                // instance itself, in no transaction.
                out.notes.push_back("knex: a seed file, whose seed() knex seed:run calls outside a transaction");
                break;
            }
            out.wrapped_in_transaction = !disabled;
            out.notes.push_back(disabled ? "knex: config.transaction = false, statements run one by one"
                                         : "knex: runs each migration in a transaction");
            break;
        case InputFormat::NodePgMigrate: {
            // node-pg-migrate runs each migration in a transaction unless its up() calls
            // pgm.noTransaction() (dist/migration.js _apply: BEGIN/COMMIT around the steps only
            // while the builder uses a transaction). A call after the first branch of up() may
            // not run: whether the steps are wrapped is then unknown at it.
            const auto off = std::find_if(out.calls.begin(), out.calls.end(), [](const CallRecord& c) {
                return !c.down && ends_with(c.name, ".noTransaction");
            });
            if (off == out.calls.end()) {
                out.wrapped_in_transaction = true;
                out.notes.push_back("node-pg-migrate: runs each migration in a transaction unless pgm.noTransaction()");
            } else if (out.branch == std::string_view::npos || off->begin < out.branch) {
                out.wrapped_in_transaction = false;
                out.notes.push_back("node-pg-migrate: pgm.noTransaction(), statements run one by one");
            } else {
                out.wrapped_in_transaction = true;
                mark_unknown_at(file, {{off->begin, "pgm.noTransaction() after a branch of up(): whether the migration runs in a "
                                                    "transaction depends on it"}},
                                "pgm.noTransaction", emitter);
            }
            break;
        }
        case InputFormat::DbMigrate:
            out.wrapped_in_transaction = true;
            out.notes.push_back("db-migrate: runs each migration in a transaction unless --non-transactional");
            break;
        case InputFormat::Sequelize:
            // sequelize-cli (umzug) runs migrations without a transaction, unless the script
            // makes one and passes it to every call.
            out.transaction_name = sequelize_managed_transaction(file.statements, out);
            if (out.transaction_name.empty() && makes_transaction(file.statements)) {
                // A transaction pgfence does not follow (`const t = await sequelize.transaction()`,
                // two of them, a call that does not pass it): statements are read one by one,
                // and a fix's query is told to pass it.
                out.transaction_name = "?";
            } else if (!out.transaction_name.empty()) {
                out.wrapped_in_transaction = true;
                out.notes.push_back("sequelize: every call passes the transaction of sequelize.transaction(), so they run in one");
            }
            break;
        default: break;
    }
    return out;
}

std::vector<OrmStatement> split(const Extraction& extraction) {
    std::vector<OrmStatement> out;
    for (const SqlPiece& piece : extraction.pieces) {
        // A call whose arguments nest too deeply to read is reported once, as that error.
        bool unread = std::any_of(extraction.too_deep.begin(), extraction.too_deep.end(),
                                  [&](std::size_t at) { return at >= piece.begin && at < piece.end; });
        if (unread) continue;
        auto base = [&](OrmStatement& s) {
            s.call = piece.call;
            if (piece.call >= 0) {
                s.call_name = extraction.calls[static_cast<std::size_t>(piece.call)].name;
                s.down = extraction.calls[static_cast<std::size_t>(piece.call)].down;
            }
            s.notes = piece.notes;
            s.raw = piece.literal;
        };
        // A builder's SQL is split as literal SQL is: the ORMs splice text into it as written
        // (knex's table comment and specificType, Sequelize's type strings, node-pg-migrate's
        // pgm.func, TypeORM's default and CHECK), and send it as one query, which PostgreSQL runs
        // statement by statement (red team R87 F7): what follows a `;` is a statement of its own.
        std::vector<RawStatement> rendered;
        if (piece.unknown.empty() && !piece.literal) rendered = split_statements(piece.sql.value, Region{0, piece.sql.value.size(), false});
        if (rendered.size() > 1) {
            for (const RawStatement& raw : rendered) {
                OrmStatement s;
                base(s);
                s.sql = piece.sql.value.substr(raw.begin, raw.end - raw.begin);
                s.offsets.assign(piece.sql.offsets.begin() + static_cast<long>(raw.begin),
                                 piece.sql.offsets.begin() + static_cast<long>(raw.end));
                s.begin = piece.begin;
                s.end = piece.end;
                s.last = piece.end > piece.begin ? piece.end - 1 : piece.begin;
                s.notes.push_back("the text this call splices into its SQL holds more than one statement: each is analysed");
                out.push_back(std::move(s));
            }
            continue;
        }
        if (!piece.unknown.empty() || !piece.literal) {
            OrmStatement s;
            base(s);
            s.sql = piece.sql.value;
            s.offsets = piece.sql.offsets;
            s.begin = piece.begin;
            s.end = piece.end;
            s.last = piece.end > piece.begin ? piece.end - 1 : piece.begin;
            s.unknown = piece.unknown;
            out.push_back(std::move(s));
            continue;
        }
        const std::string& sql = piece.sql.value;
        // The script offsets of the expressions JavaScript splices into this text, sorted; each
        // makes the statement holding it unknown, and one that none holds (between statements,
        // in a comment after the last) the call.
        std::vector<std::pair<std::size_t, std::string>> spliced = piece.spliced;
        std::sort(spliced.begin(), spliced.end());
        std::vector<char> placed(spliced.size(), 0);
        for (const RawStatement& raw : split_statements(sql, Region{0, sql.size(), false})) {
            OrmStatement s;
            base(s);
            s.sql = sql.substr(raw.begin, raw.end - raw.begin);
            s.offsets.assign(piece.sql.offsets.begin() + static_cast<long>(raw.begin),
                             piece.sql.offsets.begin() + static_cast<long>(raw.end));
            s.begin = s.offsets.front();
            s.last = s.offsets.back();
            s.end = s.last + 1;
            std::vector<std::string> bare, quoted;
            for (const auto& [at, expr] : piece.holes) {
                if (at < raw.begin || at >= raw.end) continue;
                char state = quote_state(sql.substr(raw.begin), at - raw.begin);
                if (state == '"') quoted.push_back(expr);
                else if (state == 0) bare.push_back(expr);
            }
            // JavaScript's text of an expression pgfence cannot evaluate is SQL, not a bound
            // value: `"SELECT " + String("1; DROP TABLE users")` runs the DROP (red team R71 F11).
            std::vector<std::string> spliced_quoted, spliced_bare;
            for (std::size_t k = raw.begin; !spliced.empty() && k < raw.end; ++k) {
                auto it = std::lower_bound(spliced.begin(), spliced.end(), piece.sql.offsets[k],
                                           [](const std::pair<std::size_t, std::string>& h, std::size_t v) { return h.first < v; });
                if (it == spliced.end() || it->first != piece.sql.offsets[k] || (k > raw.begin && piece.sql.offsets[k - 1] == it->first)) continue;
                placed[static_cast<std::size_t>(it - spliced.begin())] = 1;
                // Where it stands decides only the reason given: read for the first few (each
                // read is the statement's length, so a statement of many stays linear).
                bool few = spliced_quoted.size() + spliced_bare.size() < 4;
                char state = few ? quote_state(std::string_view(sql).substr(raw.begin, raw.end - raw.begin), k - raw.begin) : 0;
                (state == '"' ? spliced_quoted : spliced_bare).push_back(it->second);
            }
            if (!quoted.empty() || !spliced_quoted.empty()) {
                s.unknown = "identifier interpolated from `" + (quoted.empty() ? spliced_quoted.front() : quoted.front()) + "`";
                s.no_transaction_block = outside_transaction_block(s.sql);
            } else if (!spliced_bare.empty()) {
                ParsedStatement parsed = parse_statement(s.sql);
                s.unknown = parsed.failure ? "interpolated `" + spliced_bare.front() + "` is not a value the SQL can be read without"
                                           : "interpolated `" + spliced_bare.front() +
                                                 "` is JavaScript text spliced into the SQL, not a bound parameter: what it adds to "
                                                 "the statement is not known";
                s.no_transaction_block = outside_transaction_block(s.sql);
            } else if (!bare.empty()) {
                ParsedStatement parsed = parse_statement(s.sql);
                if (parsed.failure) s.unknown = "interpolated `" + bare.front() + "` is not a value the SQL can be read without";
                else s.notes.push_back("interpolated `" + bare.front() + "` analysed as a parameter value");
            }
            if (!s.unknown.empty()) s.sql.clear();  // shown as written in the script
            out.push_back(std::move(s));
        }
        for (std::size_t k = 0; k < spliced.size(); ++k) {
            if (placed[k]) continue;
            OrmStatement s;  // outside every statement: it may start one of its own
            base(s);
            s.begin = piece.begin;
            s.end = piece.end;
            s.last = piece.end > piece.begin ? piece.end - 1 : piece.begin;
            s.unknown = "interpolated `" + spliced[k].second + "` is JavaScript text spliced into the SQL outside its statements: "
                        "what it adds is not known";
            out.push_back(std::move(s));
            break;
        }
    }
    for (std::size_t at : extraction.too_deep) {
        OrmStatement s;
        s.begin = s.last = at;
        s.end = at + 1;
        s.error = "too deeply nested: more than " + std::to_string(k_max_js_nesting) +
                  " levels of brackets, blocks, functions or chained operators (pgfence's limit); not read";
        out.push_back(std::move(s));
    }
    for (const auto& [at, why] : extraction.unreadable) {
        OrmStatement s;
        s.begin = s.last = at;
        s.end = at + 1;
        s.unknown = "the script is not read from here: pgfence cannot tell how JavaScript reads " + why;
        out.push_back(std::move(s));
    }
    std::stable_sort(out.begin(), out.end(), [](const OrmStatement& a, const OrmStatement& b) { return a.begin < b.begin; });
    return out;
}

void count_coverage(FileReport& report, const Extraction& extraction, const std::vector<OrmStatement>& statements) {
    Coverage& c = report.coverage;
    c = Coverage{};
    c.found = static_cast<int>(report.statements.size());
    for (std::size_t i = 0; i < report.statements.size(); ++i) {
        bool unknown = i < statements.size() && !statements[i].unknown.empty();
        if (unknown) ++c.unknown;
        else if (report.statements[i].status == StatementStatus::Unparsable) ++c.unparsable;
    }
    c.analysed = c.found - c.unknown - c.unparsable;
    c.calls = static_cast<int>(extraction.calls.size());
    // One pass over the statements (a loop over them per call was quadratic in the script).
    std::vector<char> any(extraction.calls.size(), 0), ok(extraction.calls.size(), 1);
    for (std::size_t i = 0; i < statements.size() && i < report.statements.size(); ++i) {
        if (statements[i].call < 0 || static_cast<std::size_t>(statements[i].call) >= extraction.calls.size()) continue;
        auto call = static_cast<std::size_t>(statements[i].call);
        any[call] = 1;
        if (!statements[i].unknown.empty() || report.statements[i].status == StatementStatus::Unparsable) ok[call] = 0;
    }
    for (std::size_t call = 0; call < extraction.calls.size(); ++call) {
        if (!extraction.calls[call].holds_literal) continue;
        ++c.literal_calls;
        if (any[call] && ok[call]) ++c.literal_parsed;
    }
}

std::string suppression_text(std::string_view text) {
    std::string out(text);
    std::size_t pos = 0;
    while (pos < out.size()) {
        std::size_t eol = out.find('\n', pos);
        if (eol == std::string::npos) eol = out.size();
        std::size_t first = out.find_first_not_of(" \t\r", pos);
        if (first < eol && out.compare(first, 2, "//") == 0) out.replace(first, 2, "--");
        pos = eol + 1;
    }
    return out;
}

}  // namespace pgfence::analyze::orm
