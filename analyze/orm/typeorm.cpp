// TypeORM: queryRunner.query(sql, parameters?) and the common QueryRunner builder calls, as
// TypeORM's PostgreSQL driver writes them (double-quoted identifiers; parameters stay $n).
#include <algorithm>
#include <iterator>

#include "analyze/orm/emitter.hpp"
#include "analyze/orm/runner_api.hpp"

namespace pgfence::analyze::orm {
namespace {

// TypeORM quotes a name as `"${name}"` without doubling a double quote in it (PostgresQueryRunner
// escapePath(), buildCreateColumnSql(), typeorm 0.3.31): such a name ends the identifier, and
// pgfence's quote_ident would not render what TypeORM sends, so it is not read.
std::optional<std::string> name_of(const Node* n, const Emitter& e) {
    auto v = n ? e.string_of(*n) : std::nullopt;
    if (v && v->find('"') != std::string::npos) return std::nullopt;
    return v;
}

std::string column_list(const Node* list, const Emitter& e, bool& ok) {
    std::string out;
    if (list == nullptr || list->kind != NodeKind::Array) {
        ok = false;
        return out;
    }
    for (const Node& c : list->kids) {
        auto v = name_of(&c, e);
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
    auto name = name_of(property(opts, "name"), e);
    auto type = property(opts, "type") ? e.string_of(*property(opts, "type")) : std::nullopt;
    if (!name || !type) {
        ok = false;
        return {};
    }
    std::string sql = quote_ident(*name) + " " + (*type == "varchar" ? "character varying" : *type);
    // PostgresDriver createFullType(): `(${length})`, else `(${precision},${scale})`, as written.
    if (const Node* len = property(opts, "length")) {
        auto l = e.string_of(*len) ? e.string_of(*len) : e.number_of(*len);
        if (l) sql += "(" + *l + ")";
        else ok = false;
    }
    for (const char* key : {"precision", "scale"}) {
        const Node* v = property(opts, key);
        auto text = v ? e.string_of(*v) : std::nullopt;
        // A number is left out, as before (the time types write it elsewhere); any other text is not read.
        bool digits = text && !text->empty() && text->find_first_not_of("0123456789") == std::string::npos;
        if (v && !e.number_of(*v) && !digits && !(v->kind == NodeKind::Ident && (v->name == "null" || v->name == "undefined"))) ok = false;
    }
    if (flag(&opts, "isArray")) sql += " array";
    // PostgresQueryRunner buildCreateColumnSql() (typeorm 0.3.31): `GENERATED ALWAYS AS
    // (${asExpression}) STORED` when generatedType is "STORED", the expression as written.
    if (const Node* expr = property(opts, "asExpression")) {
        const Node* kind = property(opts, "generatedType");
        auto stored = kind ? e.string_of(*kind) : std::nullopt;
        auto text = e.string_of(*expr);
        if (kind && !stored) ok = false;
        else if (stored == "STORED" && !text) ok = false;
        else if (stored == "STORED") sql += " GENERATED ALWAYS AS (" + *text + ") STORED";
    }
    // ` COLLATE "${collation}"` (and CHARACTER SET), not escaped: one holding a double quote is unknown.
    for (const char* key : {"charset", "collation"}) {
        const Node* v = property(opts, key);
        if (v == nullptr) continue;
        auto text = e.string_of(*v);
        if (!text || text->find('"') != std::string::npos) ok = false;
        else sql += std::string(key[1] == 'h' ? " CHARACTER SET \"" : " COLLATE \"") + *text + "\"";
    }
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

bool has_spread(const Node& object) {
    return std::find(object.keys.begin(), object.keys.end(), "...") != object.keys.end() || object.keys.size() != object.kids.size();
}

// `[{...}, new TableColumn({...})]`, or a const of one: each element's options object; nullopt when
// it is no array literal of plain objects (a variable, a spread, a call, a computed key).
std::optional<std::vector<const Node*>> option_list(const Node* list, const Emitter& e) {
    if (list == nullptr) return std::vector<const Node*>{};
    const Node* l = e.literal_of(*list);
    if (l == nullptr) l = list;
    if (l->kind != NodeKind::Array) return std::nullopt;
    std::vector<const Node*> out;
    for (const Node& k : l->kids) {
        const Node* o = options_of(&k);
        if (o == nullptr || has_spread(*o)) return std::nullopt;
        out.push_back(o);
    }
    return out;
}

struct CreateTable {
    std::string sql;
    std::vector<std::string> notes;
    std::string unknown;  // why it is not read, "" when it is
};

// queryRunner.createTable(table, ifNotExists = false, createForeignKeys = true, createIndices = true)
// (typeorm/src/driver/postgres/PostgresQueryRunner.ts createTable(), createTableSql()): one CREATE
// TABLE holding the columns, the uniques, checks, exclusions, the foreign keys (unless
// createForeignKeys is false) and the primary key; then the indices (createIndexSql) and the
// comment, on the new table; enum columns first get a CREATE TYPE (new). Of all that only the
// foreign keys reach tables that exist (their referenced tables, whose lock a REFERENCES takes), so
// the table's name and every foreign key must be read; a column pgfence does not read (a type from a
// variable, grist-core's sqlUtils `datetime`) changes only the new table: left out, with a note
// naming it. Constraint names from TypeORM's naming strategy (hashes) are left out.
CreateTable create_table(const Node& call, const Emitter& e) {
    CreateTable out;
    const Node* opts = options_of(arg(call, 0));
    if (opts == nullptr || has_spread(*opts)) {
        out.unknown = "QueryRunner.createTable() of a table pgfence does not read (not a `new Table({...})` of literal options)";
        return out;
    }
    static const std::string_view k_keys[] = {"name", "schema", "database", "columns", "indices", "foreignKeys", "uniques",
                                              "checks", "exclusions", "justCreated", "withoutRowid", "engine", "comment"};
    for (const auto& k : opts->keys) {
        if (std::find(std::begin(k_keys), std::end(k_keys), k) == std::end(k_keys)) {
            out.unknown = "QueryRunner.createTable() with the option `" + shown(k) + "`, which pgfence does not read";
            return out;
        }
    }
    auto name = name_of(property(*opts, "name"), e);
    std::optional<std::string> schema;
    if (const Node* s = property(*opts, "schema")) schema = name_of(s, e);
    if (!name || (property(*opts, "schema") && !schema)) {
        out.unknown = "QueryRunner.createTable() of a table whose name pgfence does not read";
        return out;
    }
    std::string table = quote_qualified(schema ? *schema + "." + *name : *name);
    auto columns = option_list(property(*opts, "columns"), e);
    auto keys = option_list(property(*opts, "foreignKeys"), e);
    const Node* fk_flag = arg(call, 2);
    bool with_keys = !(fk_flag != nullptr && fk_flag->kind == NodeKind::Ident && fk_flag->name == "false");
    if (!columns) {
        out.unknown = "QueryRunner.createTable() with columns pgfence does not read (not an array of literal options)";
        return out;
    }
    if (with_keys && !keys) {
        out.unknown = "QueryRunner.createTable() with foreign keys pgfence does not read: which tables they lock is not known";
        return out;
    }
    std::string defs, primary;
    for (std::size_t i = 0; i < columns->size(); ++i) {
        const Node& c = *(*columns)[i];
        bool ok = true;
        std::string sql = column_sql(c, e, ok);
        auto column = property(c, "name") ? e.string_of(*property(c, "name")) : std::nullopt;
        bool shape_read = column && property(c, "type") && e.string_of(*property(c, "type"));
        if (!ok && shape_read) {
            // Its name and type are read, and still it is not: a default, a generated expression,
            // a collation TypeORM writes into the CREATE TABLE as it is (buildCreateColumnSql()),
            // SQL that runs, not only the new table's shape.
            out.unknown = "QueryRunner.createTable() with a column whose default or generated expression pgfence does not read (`" +
                          shown(e.source(c)) + "`)";
            return out;
        }
        if (!ok) {
            std::string which = column ? "`" + shown(*column) + "`" : "number " + std::to_string(i + 1);
            out.notes.push_back("column " + which + " of the new table " + table + ": its definition (`" + shown(e.source(c)) +
                                "`) is not known statically, so it is left out of the statement; a new table locks nothing that exists");
            continue;
        }
        defs += (defs.empty() ? "" : ", ") + sql;
        if (flag(&c, "isPrimary")) primary += (primary.empty() ? "" : ", ") + quote_ident(*column);
    }
    if (with_keys) {
        for (const Node* k : *keys) {
            bool ok = true;
            std::string cols = column_list(property(*k, "columnNames"), e, ok);
            std::string refs = column_list(property(*k, "referencedColumnNames"), e, ok);
            auto ref = property(*k, "referencedTableName") ? e.string_of(*property(*k, "referencedTableName")) : std::nullopt;
            // TypeORM's Table: a foreign key's referencedSchema defaults to the table's schema.
            std::optional<std::string> ref_schema = schema;
            if (const Node* s = property(*k, "referencedSchema")) ref_schema = e.string_of(*s);
            if (!ok || !ref || (property(*k, "referencedSchema") && !ref_schema)) {
                out.unknown = "QueryRunner.createTable() with a foreign key pgfence does not read (`" + shown(e.source(*k)) +
                              "`): which table it locks is not known";
                return out;
            }
            defs += (defs.empty() ? "" : ", ") + std::string("FOREIGN KEY (") + cols + ") REFERENCES " +
                    quote_qualified(ref_schema ? *ref_schema + "." + *ref : *ref) + " (" + refs + ")";
            for (const char* action : {"onDelete", "onUpdate"}) {
                if (const Node* a = property(*k, action)) {
                    if (auto v = e.string_of(*a)) defs += std::string(action[2] == 'D' ? " ON DELETE " : " ON UPDATE ") + *v;
                }
            }
        }
    }
    if (!primary.empty()) defs += (defs.empty() ? "" : ", ") + std::string("PRIMARY KEY (") + primary + ")";
    // The uniques, checks and exclusions, as createTableSql() writes them (typeorm 0.3.31
    // PostgresQueryRunner): `CONSTRAINT "${name}" UNIQUE ("a", "b")`, `CONSTRAINT "${name}" CHECK
    // (${expression})`, `CONSTRAINT "${name}" EXCLUDE ${expression}`, every text as written (a
    // CHECK's function runs on every INSERT: red team R87 F9). A name from the naming strategy
    // (a hash) is left out; one holding a double quote, which TypeORM does not escape, is unknown.
    auto constraint_name = [&](const Node& o, bool& ok) -> std::string {
        const Node* n = property(o, "name");
        if (n == nullptr) return {};
        auto v = e.string_of(*n);
        if (!v || v->find('"') != std::string::npos) ok = false;
        return "CONSTRAINT \"" + v.value_or("") + "\" ";
    };
    auto quoted_names = [&](const Node* list, bool& ok) {
        std::string cols;
        if (list == nullptr || list->kind != NodeKind::Array) ok = false;
        else for (const Node& c : list->kids) {
            auto v = e.string_of(c);
            if (!v || v->find('"') != std::string::npos) ok = false;
            cols += (cols.empty() ? "\"" : ", \"") + v.value_or("") + "\"";
        }
        return cols;
    };
    struct Part {
        const char* key;
        const char* what;
    };
    for (Part part : {Part{"uniques", "UNIQUE"}, Part{"checks", "CHECK"}, Part{"exclusions", "EXCLUDE"}}) {
        auto list = option_list(property(*opts, part.key), e);
        bool ok = list.has_value();
        std::string sql;
        for (const Node* o : list.value_or(std::vector<const Node*>{})) {
            std::string one = constraint_name(*o, ok) + part.what + " ";
            if (part.what[0] == 'U') {
                one += "(" + quoted_names(property(*o, "columnNames"), ok) + ")";
            } else {
                auto expr = property(*o, "expression") ? e.string_of(*property(*o, "expression")) : std::nullopt;
                if (!expr) ok = false;
                one += part.what[1] == 'H' ? "(" + expr.value_or("") + ")" : expr.value_or("");
            }
            sql += ", " + one;
        }
        if (!ok) {
            out.unknown = std::string("QueryRunner.createTable() with ") + part.key +
                          " pgfence does not read (TypeORM writes their text into the CREATE TABLE as it is)";
            return out;
        }
        defs += defs.empty() && !sql.empty() ? sql.substr(2) : sql;
    }
    const Node* if_not = arg(call, 1);
    bool if_not_exists = if_not != nullptr && !(if_not->kind == NodeKind::Ident && (if_not->name == "false" || if_not->name == "undefined"));
    if (if_not_exists) out.notes.push_back("ifNotExists: TypeORM asks hasTable() first and sends nothing when the table exists");
    out.sql = std::string("CREATE TABLE ") + (if_not_exists ? "IF NOT EXISTS " : "") + table + " (" + defs + ")";
    // Then each index, a query of its own (createIndexSql(): `CREATE [UNIQUE ]INDEX[ CONCURRENTLY]
    // "${name}" ON table [USING GiST ](cols) [WHERE ${where}]`), appended here after a `;`: the
    // rendered SQL is split into its statements (orm::split).
    const Node* index_flag = arg(call, 3);
    bool with_indices = !(index_flag != nullptr && index_flag->kind == NodeKind::Ident && index_flag->name == "false");
    auto indices = with_indices ? option_list(property(*opts, "indices"), e) : std::optional<std::vector<const Node*>>{std::vector<const Node*>{}};
    bool ok = indices.has_value();
    for (const Node* o : indices.value_or(std::vector<const Node*>{})) {
        std::string name;
        if (const Node* n = property(*o, "name")) {
            auto v = e.string_of(*n);
            if (!v || v->find('"') != std::string::npos) ok = false;
            name = "\"" + v.value_or("") + "\" ";
        }
        std::string sql = std::string("; CREATE ") + (flag(o, "isUnique") ? "UNIQUE " : "") + "INDEX " +
                          (flag(o, "isConcurrent") ? "CONCURRENTLY " : "") + name + "ON " + table + " " +
                          (flag(o, "isSpatial") ? "USING GiST " : "") + "(" + quoted_names(property(*o, "columnNames"), ok) + ")";
        if (const Node* w = property(*o, "where")) {
            auto v = e.string_of(*w);
            if (!v) ok = false;
            else if (!v->empty()) sql += " WHERE " + *v;
        }
        out.sql += sql;
    }
    if (!ok) {
        out.unknown = "QueryRunner.createTable() with indices pgfence does not read (TypeORM writes their text into CREATE INDEX as it is)";
        out.sql.clear();
    }
    return out;
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
    auto table = name_of(arg(call, 0), e);
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
    } else if (m == "createTable") {
        CreateTable t = create_table(call, e);
        if (!t.unknown.empty()) {
            e.unknown(call, index, t.unknown);
        } else {
            t.notes.insert(t.notes.begin(), "TypeORM QueryRunner.createTable(): the SQL its PostgreSQL driver sends, constraint names left out");
            e.generated(call, index, t.sql, t.notes);
        }
        return true;
    } else {
        ok = false;
    }
    if (ok) e.generated(call, index, sql, {"TypeORM QueryRunner." + m + "(): the SQL its PostgreSQL driver sends"});
    else e.unknown(call, index, "QueryRunner." + m + "() with arguments the extractor cannot read statically");
    return true;
}

}  // namespace pgfence::analyze::orm
