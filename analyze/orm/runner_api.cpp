#include "analyze/orm/runner_api.hpp"

#include <algorithm>
#include <iterator>
#include <string_view>
#include <vector>

#include "analyze/orm/js_ast.hpp"

namespace pgfence::analyze::orm {

// Calls on the runner that read the catalog or build a value without sending SQL that changes
// anything: TypeORM's QueryRunner getters (typeorm/src/query-runner/QueryRunner.ts), Knex's
// schema checks and value helpers (knex/lib/schema/builder.js, knex/lib/functionhelper.js),
// Sequelize's QueryInterface readers (sequelize/src/dialects/abstract/query-interface.js).
// Knex's `commit`/`rollback` are a transaction's; on `knex.migrate` they are not, so a name
// is a read only on a receiver outside Knex's migrator and seeder (knex_migrator_call()).
bool reads_only(InputFormat format, const Node& callee) {
    if (callee.kind != NodeKind::Member) return false;
    if (format == InputFormat::Knex && knex_migrator_call(callee)) return false;
    const std::string& m = callee.name;
    static const std::string_view k_typeorm[] = {"hasTable", "hasColumn", "hasSchema", "hasDatabase", "getTable",
                                                 "getTables", "getView", "getViews", "getCurrentSchema",
                                                 "getCurrentDatabase", "getDatabases", "getSchemas", "hasEnumType"};
    static const std::string_view k_knex[] = {"hasTable", "hasColumn", "hasView", "now", "uuid", "uuidToBin", "binToUuid",
                                              "ref", "toSQL", "toQuery", "toString", "commit", "rollback",
                                              "isCompleted"};
    static const std::string_view k_sequelize[] = {"describeTable", "showAllTables", "showAllSchemas", "tableExists",
                                                   "transaction", "literal", "fn", "col", "where", "getQueryInterface",
                                                   "showIndex", "getForeignKeyReferencesForTable",
                                                   "getForeignKeysForTables", "quoteIdentifier", "escape",
                                                   // Sequelize#getDialect(): `return this.options.dialect` (lib/sequelize.js)
                                                   "getDialect"};
    auto in = [&](const auto& list) { return std::find(std::begin(list), std::end(list), m) != std::end(list); };
    switch (format) {
        case InputFormat::TypeOrm: return in(k_typeorm);
        case InputFormat::Knex: return in(k_knex);
        case InputFormat::Sequelize: return in(k_sequelize);
        default: return false;
    }
}

bool runner_constant(const Node& n) {
    std::vector<std::string_view> path;  // the members after the runner's name, last first
    const Node* at = &n;
    for (; at->kind == NodeKind::Member && !at->kids.empty() && path.size() < 5; at = &at->kids[0]) path.push_back(at->name);
    if (at->kind != NodeKind::Ident || path.empty()) return false;
    std::reverse(path.begin(), path.end());
    using Path = std::vector<std::string_view>;
    static const Path k_types[] = {{"connection", "driver", "options", "type"}, {"connection", "driver", "type"},
                                   {"connection", "options", "type"}, {"driver", "options", "type"}, {"driver", "type"}};
    if (std::find(std::begin(k_types), std::end(k_types), path) != std::end(k_types)) return true;
    // [sequelize.][Sequelize.]QueryTypes[.NAME], NAME in capitals (SELECT, BULKUPDATE, ...).
    std::size_t i = 0;
    if (i < path.size() && path[i] == "sequelize") ++i;
    if (i < path.size() && path[i] == "Sequelize") ++i;
    if (i >= path.size() || path[i] != "QueryTypes") return false;
    if (++i == path.size()) return true;
    auto capital = [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; };
    return i + 1 == path.size() && std::all_of(path[i].begin(), path[i].end(), capital) && !path[i].empty();
}

// knex.migrate and knex.seed are getters returning a new Migrator / Seeder on the same
// connection (knex/lib/knex-builder/make-knex.js); their methods run other migrations' up()
// or down() (Migrator.rollback(config, all), down, up, latest, to, before:
// knex/lib/migrations/migrate/Migrator.js), free the migration lock
// (forceFreeMigrationsLock) or run seed files (knex/lib/migrations/seed/Seeder.js run()).
// None is a read: a call anywhere under them is reported, not skipped.
bool knex_migrator_call(const Node& callee) {
    for (const Node* n = &callee; n != nullptr && !n->kids.empty();) {
        if (n != &callee && n->kind == NodeKind::Member && (n->name == "migrate" || n->name == "seed")) return true;
        bool chain = n->kind == NodeKind::Member || n->kind == NodeKind::Index || n->kind == NodeKind::Call;
        n = chain ? &n->kids[0] : nullptr;
    }
    return false;
}

// What a data API of the runner sends, for the unknown statement's note: TypeORM's
// EntityManager (typeorm/src/entity-manager/EntityManager.ts: clear() is
// queryRunner.clearTable(metadata.tablePath), TRUNCATE TABLE; delete()/update() build a
// DELETE/UPDATE on the entity's table, whose name pgfence does not map from the entity class).
std::string data_api_hint(const std::string& m) {
    if (m == "clear") return " (it sends TRUNCATE TABLE on the entity's table)";
    if (m == "delete" || m == "softDelete" || m == "remove" || m == "softRemove") return " (it sends a DELETE or UPDATE of the entity's rows)";
    if (m == "update" || m == "save" || m == "upsert" || m == "increment" || m == "decrement") return " (it writes the entity's rows)";
    if (m == "insert") return " (it sends an INSERT)";
    return "";
}

// Whether `parent` takes its kid `i` as a value: an object's property, an argument of a call
// that does not run promises (then, Promise.all, ...), the right side of an assignment.
bool takes_as_value(const Node& parent, std::size_t i) {
    switch (parent.kind) {
        case NodeKind::Object: return true;
        case NodeKind::Binary: return parent.name == "=" && i == 1;
        case NodeKind::Call:
        case NodeKind::New: {
            if (i == 0 || parent.kids[0].kind == NodeKind::Func) return false;
            const std::string& callee = parent.kids[0].kind == NodeKind::Member || parent.kids[0].kind == NodeKind::Ident
                                            ? parent.kids[0].name : std::string();
            static const std::string_view k_runs[] = {"then", "catch", "finally", "all", "allSettled", "race", "any",
                                                      "resolve", "push", "map", "forEach", "reduce"};
            return std::find(std::begin(k_runs), std::end(k_runs), callee) == std::end(k_runs);
        }
        default: return false;
    }
}

std::string shown(std::string s) {
    for (char& c : s) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    if (s.size() > 80) s = s.substr(0, 77) + "...";
    return s;
}

}  // namespace pgfence::analyze::orm
