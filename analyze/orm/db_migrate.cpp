// db-migrate: db.runSql(sql, [params], callback) and its simplest builder calls, as the
// db-migrate-pg driver writes them.
#include "analyze/orm/emitter.hpp"

namespace pgfence::analyze::orm {
namespace {

std::string column_def(const Node& spec, Emitter& e, bool& ok) {
    if (auto s = e.string_of(spec)) return *s;  // a bare type: 'string', 'int'
    const Node* t = property(spec, "type");
    auto type = t ? e.string_of(*t) : std::nullopt;
    if (!type) {
        ok = false;
        return {};
    }
    std::string sql = *type == "string" ? "VARCHAR" : *type == "int" ? "INTEGER" : *type == "datetime" ? "TIMESTAMP" : *type;
    if (const Node* len = property(spec, "length")) {
        if (auto n = e.number_of(*len)) sql += "(" + *n + ")";
    }
    const Node* pk = property(spec, "primaryKey");
    const Node* ai = property(spec, "autoIncrement");
    if (ai && ai->name == "true") sql = "SERIAL";
    const Node* not_null = property(spec, "notNull");
    if (not_null && not_null->name == "true") sql += " NOT NULL";
    if (const Node* d = property(spec, "defaultValue")) {
        if (auto s = e.string_of(*d)) sql += " DEFAULT " + quote_literal(*s);
        else if (auto n = e.number_of(*d)) sql += " DEFAULT " + *n;
        else if (d->kind == NodeKind::Ident) sql += " DEFAULT " + d->name;
        else ok = false;
    }
    if (pk && pk->name == "true") sql += " PRIMARY KEY";
    const Node* unique = property(spec, "unique");
    if (unique && unique->name == "true") sql += " UNIQUE";
    return sql;
}

}  // namespace

bool db_migrate_call(const Node& call, Emitter& e) {
    const Node& callee = call.kids[0];
    if (callee.kind != NodeKind::Member) return false;
    std::string name = dotted_name(callee);
    if (name.empty()) name = e.source(callee);
    const std::string& m = callee.name;
    if (m == "runSql") {
        SqlPiece& piece = e.raw(call, name, arg(call, 0));
        if (piece.unknown.empty() && arg(call, 1) && arg(call, 1)->kind == NodeKind::Array) {
            replace_parameters(piece, *arg(call, 1), e);
            piece.notes.push_back("parameters substituted as the pg driver's values");
        }
        return true;
    }
    static const char* k_methods[] = {"addColumn", "removeColumn", "renameColumn", "createTable", "dropTable",
                                      "renameTable", "addIndex", "removeIndex", "changeColumn", "addForeignKey",
                                      "removeForeignKey"};
    bool known = false;
    for (const char* k : k_methods) known = known || m == k;
    if (!known) return false;
    int index = e.add_call(call, name, false);
    auto s = [&](std::size_t i) { return arg(call, i) ? e.string_of(*arg(call, i)) : std::nullopt; };
    auto table = s(0);
    bool ok = table.has_value();
    std::string t = quote_qualified(table.value_or("?"));
    std::string sql;
    if (m == "addColumn") {
        auto c = s(1);
        ok = ok && c && arg(call, 2);
        std::string def = arg(call, 2) ? column_def(*arg(call, 2), e, ok) : "";
        sql = "ALTER TABLE " + t + " ADD COLUMN " + quote_ident(c.value_or("?")) + " " + def;
    } else if (m == "removeColumn") {
        ok = ok && s(1);
        sql = "ALTER TABLE " + t + " DROP COLUMN " + quote_ident(s(1).value_or("?"));
    } else if (m == "renameColumn") {
        ok = ok && s(1) && s(2);
        sql = "ALTER TABLE " + t + " RENAME COLUMN " + quote_ident(s(1).value_or("?")) + " TO " + quote_ident(s(2).value_or("?"));
    } else if (m == "renameTable") {
        ok = ok && s(1);
        sql = "ALTER TABLE " + t + " RENAME TO " + quote_ident(s(1).value_or("?"));
    } else if (m == "dropTable") {
        sql = "DROP TABLE " + t;
    } else if (m == "createTable") {
        const Node* cols = arg(call, 1);
        if (cols && property(*cols, "columns")) cols = property(*cols, "columns");
        ok = ok && cols && cols->kind == NodeKind::Object;
        std::string list;
        for (std::size_t i = 0; ok && i < cols->keys.size(); ++i) {
            list += (list.empty() ? "" : ", ") + quote_ident(cols->keys[i]) + " " + column_def(cols->kids[i], e, ok);
        }
        sql = "CREATE TABLE " + t + " (" + list + ")";
    } else if (m == "addIndex") {
        auto idx = s(1);
        const Node* cols = arg(call, 2);
        ok = ok && idx && cols && cols->kind == NodeKind::Array;
        std::string list;
        for (std::size_t i = 0; ok && i < cols->kids.size(); ++i) {
            auto c = e.string_of(cols->kids[i]);
            ok = ok && c;
            list += (list.empty() ? "" : ", ") + quote_ident(c.value_or("?"));
        }
        const Node* unique = arg(call, 3);
        sql = std::string("CREATE ") + (unique && unique->name == "true" ? "UNIQUE " : "") + "INDEX " +
              quote_ident(idx.value_or("?")) + " ON " + t + " (" + list + ")";
    } else if (m == "removeIndex") {
        auto idx = arg_count(call) >= 2 && s(1) ? s(1) : s(0);
        ok = idx.has_value();
        sql = "DROP INDEX " + quote_ident(idx.value_or("?"));
    } else {
        ok = false;
    }
    if (ok) e.generated(call, index, sql, {"db-migrate " + m + "(): the SQL its PostgreSQL driver sends"});
    else e.unknown(call, index, "db." + m + "() with arguments the extractor cannot read statically");
    return true;
}

}  // namespace pgfence::analyze::orm
