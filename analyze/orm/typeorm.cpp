// TypeORM: queryRunner.query(sql, parameters?) and the common QueryRunner builder calls, as
// TypeORM's PostgreSQL driver writes them (double-quoted identifiers; parameters stay $n).
#include "analyze/orm/emitter.hpp"

namespace pgfence::analyze::orm {
namespace {

std::string column_list(const Node* list, const Emitter& e, bool& ok) {
    std::string out;
    if (list == nullptr || list->kind != NodeKind::Array) {
        ok = false;
        return out;
    }
    for (const Node& c : list->kids) {
        auto v = e.string_of(c);
        if (!v) ok = false;
        else out += (out.empty() ? "" : ", ") + quote_ident(*v);
    }
    return out;
}

// `new TableX({...})` or a plain object: the options object.
const Node* options_of(const Node* n) {
    if (n == nullptr) return nullptr;
    if (n->kind == NodeKind::New && n->kids.size() > 1) return &n->kids[1];
    return n->kind == NodeKind::Object ? n : nullptr;
}

bool flag(const Node* opts, std::string_view key) {
    const Node* v = opts ? property(*opts, key) : nullptr;
    return v && v->kind == NodeKind::Ident && v->name == "true";
}

std::string column_sql(const Node& opts, const Emitter& e, bool& ok) {
    auto name = property(opts, "name") ? e.string_of(*property(opts, "name")) : std::nullopt;
    auto type = property(opts, "type") ? e.string_of(*property(opts, "type")) : std::nullopt;
    if (!name || !type) {
        ok = false;
        return {};
    }
    std::string sql = quote_ident(*name) + " " + (*type == "varchar" ? "character varying" : *type);
    if (const Node* len = property(opts, "length")) {
        auto l = e.string_of(*len) ? e.string_of(*len) : e.number_of(*len);
        if (l) sql += "(" + *l + ")";
    }
    if (flag(&opts, "isArray")) sql += " array";
    if (!flag(&opts, "isNullable")) sql += " NOT NULL";
    if (const Node* d = property(opts, "default")) {
        auto v = e.string_of(*d);
        auto num = e.number_of(*d);
        if (v) sql += " DEFAULT " + *v;  // TypeORM inserts a column default verbatim
        else if (num) sql += " DEFAULT " + *num;
        else if (d->kind == NodeKind::Ident && (d->name == "true" || d->name == "false" || d->name == "null"))
            sql += " DEFAULT " + d->name;
        else ok = false;
    }
    return sql;
}

}  // namespace

bool typeorm_call(const Node& call, Emitter& e) {
    const Node& callee = call.kids[0];
    if (callee.kind != NodeKind::Member) return false;
    std::string name = dotted_name(callee);
    if (name.empty()) name = e.source(callee);
    const std::string& m = callee.name;
    if (m == "query") {
        SqlPiece& piece = e.raw(call, name, arg(call, 0));
        if (arg(call, 1) != nullptr) piece.notes.push_back("query parameters are analysed as $n placeholders");
        return true;
    }
    static const char* k_builders[] = {"clearTable", "createIndex", "dropIndex", "addColumn", "dropColumn", "renameColumn",
                                       "dropTable", "renameTable", "createForeignKey", "dropForeignKey",
                                       "changeColumn", "createTable", "addColumns", "dropColumns", "createIndices",
                                       "createUniqueConstraint", "createPrimaryKey", "dropPrimaryKey",
                                       "createCheckConstraint", "dropConstraint", "createSchema", "dropSchema"};
    bool builder = false;
    for (const char* b : k_builders) builder = builder || m == b;
    if (!builder) return false;
    int index = e.add_call(call, name, false);
    auto table = arg(call, 0) ? e.string_of(*arg(call, 0)) : std::nullopt;
    bool ok = table.has_value();
    std::string sql;
    if (m == "createIndex") {
        const Node* opts = options_of(arg(call, 1));
        auto idx = opts && property(*opts, "name") ? e.string_of(*property(*opts, "name")) : std::nullopt;
        std::string cols = column_list(opts ? property(*opts, "columnNames") : nullptr, e, ok);
        sql = std::string("CREATE ") + (flag(opts, "isUnique") ? "UNIQUE " : "") + "INDEX " +
              (flag(opts, "isConcurrent") ? "CONCURRENTLY " : "") + quote_ident(idx.value_or("IDX_" + table.value_or(""))) +
              " ON " + quote_qualified(table.value_or("")) + " (" + cols + ")";
        if (const Node* where = opts ? property(*opts, "where") : nullptr) {
            auto w = e.string_of(*where);
            if (w) sql += " WHERE " + *w;
            else ok = false;
        }
    } else if (m == "dropIndex") {
        auto idx = arg(call, 1) ? e.string_of(*arg(call, 1)) : std::nullopt;
        ok = ok && idx.has_value();
        sql = "DROP INDEX " + quote_ident(idx.value_or(""));
    } else if (m == "addColumn") {
        const Node* opts = options_of(arg(call, 1));
        if (opts == nullptr) ok = false;
        else sql = "ALTER TABLE " + quote_qualified(table.value_or("")) + " ADD " + column_sql(*opts, e, ok);
    } else if (m == "dropColumn") {
        auto col = arg(call, 1) ? e.string_of(*arg(call, 1)) : std::nullopt;
        ok = ok && col.has_value();
        sql = "ALTER TABLE " + quote_qualified(table.value_or("")) + " DROP COLUMN " + quote_ident(col.value_or(""));
    } else if (m == "renameColumn") {
        auto from = arg(call, 1) ? e.string_of(*arg(call, 1)) : std::nullopt;
        auto to = arg(call, 2) ? e.string_of(*arg(call, 2)) : std::nullopt;
        ok = ok && from && to;
        sql = "ALTER TABLE " + quote_qualified(table.value_or("")) + " RENAME COLUMN " + quote_ident(from.value_or("")) +
              " TO " + quote_ident(to.value_or(""));
    } else if (m == "clearTable") {
        // PostgresQueryRunner.clearTable: this.query(`TRUNCATE TABLE ${this.escapePath(tablePath)}`)
        // (typeorm/src/driver/postgres/PostgresQueryRunner.ts).
        sql = "TRUNCATE TABLE " + quote_qualified(table.value_or(""));
    } else if (m == "dropTable") {
        sql = "DROP TABLE " + quote_qualified(table.value_or(""));
    } else if (m == "renameTable") {
        auto to = arg(call, 1) ? e.string_of(*arg(call, 1)) : std::nullopt;
        ok = ok && to.has_value();
        sql = "ALTER TABLE " + quote_qualified(table.value_or("")) + " RENAME TO " + quote_ident(to.value_or(""));
    } else if (m == "createForeignKey") {
        const Node* opts = options_of(arg(call, 1));
        std::string cols = column_list(opts ? property(*opts, "columnNames") : nullptr, e, ok);
        std::string refs = column_list(opts ? property(*opts, "referencedColumnNames") : nullptr, e, ok);
        auto ref_table = opts && property(*opts, "referencedTableName") ? e.string_of(*property(*opts, "referencedTableName"))
                                                                        : std::nullopt;
        ok = ok && ref_table.has_value();
        sql = "ALTER TABLE " + quote_qualified(table.value_or("")) + " ADD CONSTRAINT " + quote_ident("FK_" + table.value_or("")) +
              " FOREIGN KEY (" + cols + ") REFERENCES " + quote_qualified(ref_table.value_or("")) + "(" + refs + ")";
        if (const Node* del = opts ? property(*opts, "onDelete") : nullptr) {
            if (auto d = e.string_of(*del)) sql += " ON DELETE " + *d;
        }
    } else {
        ok = false;
    }
    if (ok) e.generated(call, index, sql, {"TypeORM QueryRunner." + m + "(): the SQL its PostgreSQL driver sends"});
    else e.unknown(call, index, "QueryRunner." + m + "() with arguments the extractor cannot read statically");
    return true;
}

}  // namespace pgfence::analyze::orm
