// node-pg-migrate: `exports.up = (pgm) => { ... }`. pgm.sql(text) with no arguments is read: it
// sends `text` as written, with a ';' added when it does not end with one (salsita/node-pg-migrate
// src/operations/sql.ts; src/utils/createTransformer.ts replaces the `{name}` placeholders only of
// the keys its second argument maps, so a call with one is unknown). Operations are read as the
// statement their src/operations/* builds, when every name and option is a literal:
// pgm.dropTable, pgm.dropColumns (and its alias dropColumn, src/migration-builder.ts),
// pgm.renameColumn, pgm.createIndex (and its alias addIndex) and pgm.dropIndex here; createTable,
// addColumns, alterColumn, addConstraint, dropConstraint and renameTable in
// node_pg_migrate_tables.cpp (an argument not read there: unknown at the call's line, saying what).
// Every other call on pgm (db.query, createFunction, ...) returns false here and the walker reports
// it unknown at its line; pgm.noTransaction() is recorded (extract.cpp: the migration is not
// wrapped) and pgm.func() sends nothing.
#include <cctype>

#include "analyze/orm/node_pg_migrate.hpp"

namespace pgfence::analyze::orm {
namespace {

// mOptions.literal of a name given as a string literal (npgm_quoted); not known: an object
// {schema, name} or anything computed.
std::optional<std::string> literal_name(const Node* n, Emitter& e) {
    if (n == nullptr) return std::nullopt;
    auto s = e.string_of(*n);
    return s ? npgm_quoted(*s) : std::nullopt;
}

// A DropOptions argument ({ ifExists, cascade }, src/operations/generalTypes.ts): absent or an
// object of literal booleans; nullopt otherwise.
std::optional<std::pair<bool, bool>> drop_options(const Node* opts) {
    if (opts != nullptr && opts->kind != NodeKind::Object) return std::nullopt;
    for (const char* key : {"ifExists", "cascade"}) {
        if (!literal_flag(opts, key)) return std::nullopt;
    }
    if (opts != nullptr) {
        for (const auto& k : opts->keys) {
            if (k != "ifExists" && k != "cascade") return std::nullopt;  // an option the statement would change with
        }
    }
    return std::pair{*literal_flag(opts, "ifExists"), *literal_flag(opts, "cascade")};
}

// A plain string option (`{method: 'gin'}`): the text, "" when absent; nullopt when not a literal.
std::optional<std::string> text_option(const Node* opts, std::string_view key, Emitter& e) {
    const Node* v = opts == nullptr ? nullptr : property(*opts, key);
    if (v == nullptr || (v->kind == NodeKind::Ident && v->name == "undefined")) return std::string();
    auto s = e.string_of(*v);
    if (!s || s->empty()) return std::nullopt;
    for (char c : *s) {
        if (std::isupper(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) < 0x20) return std::nullopt;
    }
    return s;
}

// Only these option keys, each a literal: nullopt otherwise (an option the statement would change with).
bool only_keys(const Node* opts, std::initializer_list<std::string_view> allowed) {
    if (opts == nullptr) return true;
    if (opts->kind != NodeKind::Object) return false;
    for (const auto& k : opts->keys) {
        bool known = false;
        for (auto a : allowed) known = known || k == a;
        if (!known) return false;
    }
    return true;
}

// Whether the capital at `i` of an expression column (written raw, below) means the same SQL
// whatever the decamelize setting, which pgfence does not read: decamelize 5.0.1 (node-pg-migrate
// 6.2.2's dist/utils.js createSchemalize) splits `[a-z0-9][A-Z]` and `[A-Z]+[A-Z][a-z]` with `_`
// and lowercases the rest, so a capital neither after a lowercase letter or digit nor starting
// `[A-Z][a-z]` after another capital is only lowercased; PostgreSQL folds an unquoted name or
// keyword to lower case, so `LOWER(name)` is `lower(name)`. Not where case is a value's: a string
// (') or dollar ($) quote, a non-ASCII byte. The index's default name keeps the capitals
// (decamelize off, node-pg-migrate's default).
bool case_folded_capital(const std::string& s, std::size_t i) {
    if (s.find_first_of("'$\\") != std::string::npos) return false;
    for (char ch : s) {
        if (static_cast<unsigned char>(ch) >= 0x80) return false;
    }
    const auto lower_or_digit = [&](std::size_t k) { return std::islower(static_cast<unsigned char>(s[k])) != 0 || std::isdigit(static_cast<unsigned char>(s[k])) != 0; };
    if (i > 0 && lower_or_digit(i - 1)) return false;
    const bool capital_before = i > 0 && std::isupper(static_cast<unsigned char>(s[i - 1])) != 0;
    return !(capital_before && i + 1 < s.size() && std::islower(static_cast<unsigned char>(s[i + 1])) != 0);
}

// An index's columns (src/operations/indexes/shared.ts): a string or an array of strings; the
// column as written when it has a space, a parenthesis or a dot (an expression, generateColumnString),
// else quoted. `names`: the part of the default index name (generateIndexName: the names joined
// by '_'). Objects ({name, opclass, sort}) and anything computed: nullopt.
std::optional<std::string> index_columns(const Node* given, std::string& names, Emitter& e) {
    if (given == nullptr) return std::nullopt;
    std::vector<const Node*> columns;
    if (given->kind == NodeKind::Array) {
        for (const Node& k : given->kids) columns.push_back(&k);
    } else {
        columns.push_back(given);
    }
    if (columns.empty()) return std::nullopt;
    std::string out;
    for (const Node* c : columns) {
        // An object {name, opclass, sort} (generateColumnsString): the column, the opclass quoted,
        // the sort as written, joined by spaces.
        const Node* o = e.literal_of(*c);
        std::string opclass, sort;
        if (o != nullptr && o->kind == NodeKind::Object) {
            if (!only_keys(o, {"name", "opclass", "sort"})) return std::nullopt;
            auto op = text_option(o, "opclass", e);
            const Node* by = property(*o, "sort");
            auto order = by == nullptr ? std::optional<std::string>("") : e.string_of(*by);
            if (!op || !order) return std::nullopt;
            if (!op->empty()) {
                auto q = npgm_quoted(*op);
                if (!q) return std::nullopt;
                opclass = " " + *q;
            }
            sort = order->empty() ? "" : " " + *order;
            c = property(*o, "name");
            if (c == nullptr) return std::nullopt;
        }
        auto s = e.string_of(*c);
        if (!s || s->empty()) return std::nullopt;
        const bool special = s->find_first_of(" ().") != std::string::npos;
        for (std::size_t i = 0; i < s->size(); ++i) {
            const auto ch = static_cast<unsigned char>((*s)[i]);
            if (ch == '"' || ch < 0x20) return std::nullopt;
            if (std::isupper(ch) && !(special && case_folded_capital(*s, i))) return std::nullopt;
        }
        out += (out.empty() ? "" : ", ") + (special ? *s : "\"" + *s + "\"") + opclass + sort;
        names += (names.empty() ? "" : "_") + *s;
    }
    return out;
}

// src/operations/indexes/createIndex.ts (its ';' left out: the statement is the same):
//   CREATE${unique} INDEX${concurrently}${ifNotExists} ${name} ON ${table}${method} (${columns})${include}${where};
// the name: options.name, else `${table}_${columns joined by _}${unique ? '_unique' : ''}_index`.
std::string create_index_sql(const Node& call, Emitter& e) {
    const std::size_t n = arg_count(call);
    if (n != 2 && n != 3) return {};
    const Node* opts = arg(call, 2);
    if (!only_keys(opts, {"name", "unique", "concurrently", "ifNotExists", "method", "where", "include"})) return {};
    auto table = literal_name(arg(call, 0), e);
    std::string names;
    auto columns = index_columns(arg(call, 1), names, e);
    auto unique = literal_flag(opts, "unique"), concurrently = literal_flag(opts, "concurrently"),
         if_not_exists = literal_flag(opts, "ifNotExists");
    auto method = text_option(opts, "method", e), name = text_option(opts, "name", e);
    if (!table || !columns || !unique || !concurrently || !if_not_exists || !method || !name) return {};
    std::string where;
    if (const Node* w = opts == nullptr ? nullptr : property(*opts, "where"); w != nullptr) {
        auto s = e.string_of(*w);
        if (!s || s->empty()) return {};
        where = " WHERE " + *s;
    }
    std::string include;
    if (const Node* i = opts == nullptr ? nullptr : property(*opts, "include"); i != nullptr) {
        std::vector<const Node*> cols;
        if (i->kind == NodeKind::Array) {
            for (const Node& k : i->kids) cols.push_back(&k);
        } else {
            cols.push_back(i);
        }
        for (const Node* c : cols) {
            auto col = literal_name(c, e);
            if (!col) return {};
            include += (include.empty() ? " INCLUDE (" : ", ") + *col;
        }
        if (include.empty()) return {};
        include += ")";
    }
    const std::string bare_table = table->substr(1, table->size() - 2);
    const std::string index = name->empty() ? bare_table + "_" + names + (*unique ? "_unique" : "") + "_index" : *name;
    if (index.find('"') != std::string::npos) return {};
    return std::string("CREATE") + (*unique ? " UNIQUE" : "") + " INDEX" + (*concurrently ? " CONCURRENTLY" : "") +
           (*if_not_exists ? " IF NOT EXISTS" : "") + " \"" + index + "\" ON " + *table + (method->empty() ? "" : " USING " + *method) +
           " (" + *columns + ")" + include + where;
}

// src/operations/indexes/dropIndex.ts: DROP INDEX${concurrently}${ifExists} ${name}${cascade};
std::string drop_index_sql(const Node& call, Emitter& e) {
    const std::size_t n = arg_count(call);
    if (n != 2 && n != 3) return {};
    const Node* opts = arg(call, 2);
    if (!only_keys(opts, {"name", "unique", "concurrently", "ifExists", "cascade"})) return {};
    auto table = literal_name(arg(call, 0), e);
    std::string names;
    auto columns = index_columns(arg(call, 1), names, e);
    auto unique = literal_flag(opts, "unique"), concurrently = literal_flag(opts, "concurrently"), if_exists = literal_flag(opts, "ifExists"),
         cascade = literal_flag(opts, "cascade");
    auto name = text_option(opts, "name", e);
    if (!table || !columns || !unique || !concurrently || !if_exists || !cascade || !name) return {};
    const std::string bare_table = table->substr(1, table->size() - 2);
    const std::string index = name->empty() ? bare_table + "_" + names + (*unique ? "_unique" : "") + "_index" : *name;
    if (index.find('"') != std::string::npos) return {};
    return std::string("DROP INDEX") + (*concurrently ? " CONCURRENTLY" : "") + (*if_exists ? " IF EXISTS" : "") + " \"" + index + "\"" +
           (*cascade ? " CASCADE" : "");
}

// The SQL of a pgm operation, "" when it is not one read here or an argument is not a literal.
std::string operation_sql(const std::string& op, const Node& call, Emitter& e) {
    const std::size_t n = arg_count(call);
    if (op == "dropTable" && (n == 1 || n == 2)) {
        // src/operations/tables/dropTable.ts: DROP TABLE${ifExists} ${table}${cascade};
        auto table = literal_name(arg(call, 0), e);
        auto opts = drop_options(arg(call, 1));
        if (!table || !opts) return {};
        return std::string("DROP TABLE") + (opts->first ? " IF EXISTS" : "") + " " + *table + (opts->second ? " CASCADE" : "") + ";";
    }
    if ((op == "dropColumns" || op == "dropColumn") && (n == 2 || n == 3)) {
        // src/operations/tables/dropColumns.ts: ALTER TABLE ${table}\n  DROP ${ifExists}${column}${cascade}, ...;
        // (a string, an array of strings; an object's keys are not read here).
        auto table = literal_name(arg(call, 0), e);
        auto opts = drop_options(arg(call, 2));
        if (!table || !opts) return {};
        std::vector<const Node*> columns;
        const Node* given = arg(call, 1);
        if (given->kind == NodeKind::Array) {
            for (const Node& k : given->kids) columns.push_back(&k);
        } else {
            columns.push_back(given);
        }
        if (columns.empty()) return {};
        std::string sql = "ALTER TABLE " + *table;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            auto column = literal_name(columns[i], e);
            if (!column) return {};
            sql += std::string(i == 0 ? "\n  " : ",\n  ") + "DROP " + (opts->first ? "IF EXISTS " : "") + *column + (opts->second ? " CASCADE" : "");
        }
        return sql + ";";
    }
    if (op == "createIndex" || op == "addIndex") return create_index_sql(call, e);
    if (op == "dropIndex") return drop_index_sql(call, e);
    if (op == "renameColumn" && n == 3) {
        // src/operations/tables/renameColumn.ts: ALTER TABLE ${table} RENAME ${column} TO ${newName};
        auto table = literal_name(arg(call, 0), e), from = literal_name(arg(call, 1), e), to = literal_name(arg(call, 2), e);
        if (!table || !from || !to) return {};
        return "ALTER TABLE " + *table + " RENAME " + *from + " TO " + *to + ";";
    }
    return {};
}

}  // namespace

bool node_pg_migrate_call(const Node& call, Emitter& e) {
    const Node& callee = call.kids[0];
    if (callee.kind != NodeKind::Member || callee.kids.empty() || callee.kids[0].kind != NodeKind::Ident) return false;
    std::string name = dotted_name(callee);
    if (name.empty()) name = e.source(callee);
    if (callee.name == "noTransaction" && arg_count(call) == 0) {
        // Sends nothing: the migration's steps are then run without BEGIN/COMMIT around them, in
        // --single-transaction runs too, which commit before it and begin again after it
        // (dist/migration.js _apply; dist/migrationBuilder.js noTransaction). Where it sits in up()
        // does not matter (the steps are collected first); extract.cpp reads the wrapping from it.
        e.add_call(call, name, false);
        return true;
    }
    if (callee.name == "func") return true;  // a PgLiteral (dist/utils/PgLiteral.js): sends nothing
    if (callee.name != "sql") {
        std::string sql, why;
        if (npgm_table_operation(callee.name, call, e, sql, why)) {
            int index = e.add_call(call, name, false);
            if (sql.empty()) e.unknown(call, index, "`" + name + "()`: " + why + ", so the SQL node-pg-migrate sends is not known");
            else e.generated(call, index, std::move(sql));
            return true;
        }
        sql = operation_sql(callee.name, call, e);
        if (sql.empty()) return false;  // unknown at its line (the walker)
        int index = e.add_call(call, name, false);
        e.generated(call, index, std::move(sql));
        return true;
    }
    if (arg_count(call) != 1) return false;  // placeholders substituted from an object: unknown
    e.raw(call, name, arg(call, 0));
    return true;
}

}  // namespace pgfence::analyze::orm
