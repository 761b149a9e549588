// node-pg-migrate: `exports.up = (pgm) => { ... }`. pgm.sql(text) with no arguments is read: it
// sends `text` as written, with a ';' added when it does not end with one (salsita/node-pg-migrate
// src/operations/sql.ts; src/utils/createTransformer.ts replaces the `{name}` placeholders only of
// the keys its second argument maps, so a call with one is unknown). A few operations are read as
// the statement their src/operations/* builds, when every name and option is a literal:
// pgm.dropTable, pgm.dropColumns (and its alias dropColumn, src/migration-builder.ts) and
// pgm.renameColumn. Every other call on pgm (addColumns, createIndex, alterColumn, noTransaction,
// db.query, ...) returns false here and the walker reports it unknown at its line.
#include <cctype>

#include "analyze/orm/emitter.hpp"

namespace pgfence::analyze::orm {
namespace {

// mOptions.literal of a name given as a string literal (src/utils/createSchemalize.ts with
// shouldQuote; src/utils/quote.ts wraps it in double quotes). Not known: a name with a capital
// (the project's `decamelize` setting rewrites it), a double quote (quote.ts doubles it only since
// v7), an object {schema, name} or anything computed.
std::optional<std::string> literal_name(const Node* n, Emitter& e) {
    if (n == nullptr) return std::nullopt;
    auto s = e.string_of(*n);
    if (!s || s->empty()) return std::nullopt;
    for (char c : *s) {
        if (c == '"' || std::isupper(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) < 0x20) return std::nullopt;
    }
    return "\"" + *s + "\"";
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
    if (callee.name != "sql") {
        std::string sql = operation_sql(callee.name, call, e);
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
