#include "trace/catalog_diff.hpp"

namespace pgfence::trace {
namespace {

constexpr const char* k_user_relations =
    "c.oid::int8 >= 16384 AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
    "AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'";

const std::string k_columns_sql =
    std::string("SELECT n.nspname || '.' || c.relname || '.' || a.attname, "
                "format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END "
                "|| CASE WHEN a.atthasdef THEN ' DEFAULT' ELSE '' END "
                "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ") +
    k_user_relations;

const std::string k_constraints_sql =
    "SELECT n.nspname || '.' || coalesce(c.relname, t.typname) || '.' || k.conname, "
    "CASE k.contype WHEN 'c' THEN 'CHECK' WHEN 'f' THEN 'FOREIGN KEY' WHEN 'p' THEN 'PRIMARY KEY' "
    "WHEN 'u' THEN 'UNIQUE' WHEN 'x' THEN 'EXCLUDE' ELSE k.contype::text END "
    "|| CASE WHEN k.convalidated THEN '' ELSE ' NOT VALID' END "
    "FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace "
    "LEFT JOIN pg_class c ON c.oid = k.conrelid LEFT JOIN pg_type t ON t.oid = k.contypid "
    "WHERE k.oid::int8 >= 16384 AND n.nspname NOT IN ('pg_catalog', 'information_schema')";

const std::string k_indexes_sql =
    std::string("SELECT n.nspname || '.' || c.relname, "
                "CASE WHEN i.indisvalid THEN 'valid' ELSE 'INVALID' END "
                "|| CASE WHEN i.indisready THEN ' ready' ELSE ' not ready' END "
                "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE ") +
    k_user_relations;

Result<std::map<std::string, std::string>> read_pairs(Connection& conn, const std::string& sql) {
    auto rows = conn.query(sql);
    if (!rows) return rows.error();
    std::map<std::string, std::string> out;
    for (int r = 0; r < rows->rows(); ++r) out[rows->value(r, 0)] = rows->value(r, 1);
    return out;
}

void diff_map(const char* object, const std::map<std::string, std::string>& before,
              const std::map<std::string, std::string>& after, std::vector<SchemaChange>& out) {
    for (const auto& [name, state] : after) {
        auto b = before.find(name);
        if (b == before.end()) out.push_back(SchemaChange{object, name, "", state});
        else if (b->second != state) out.push_back(SchemaChange{object, name, b->second, state});
    }
    for (const auto& [name, state] : before) {
        if (after.count(name) == 0) out.push_back(SchemaChange{object, name, state, ""});
    }
}

}  // namespace

std::string SchemaChange::text() const {
    std::string shown = name.starts_with("public.") ? name.substr(7) : name;
    if (before.empty()) return object + " " + shown + " added (" + after + ")";
    if (after.empty()) return object + " " + shown + " dropped";
    return object + " " + shown + ": " + before + " -> " + after;
}

Result<CatalogSnapshot> snapshot_catalog(Connection& conn) {
    CatalogSnapshot out;
    auto columns = read_pairs(conn, k_columns_sql);
    if (!columns) return columns.error();
    auto constraints = read_pairs(conn, k_constraints_sql);
    if (!constraints) return constraints.error();
    auto indexes = read_pairs(conn, k_indexes_sql);
    if (!indexes) return indexes.error();
    out.columns = std::move(*columns);
    out.constraints = std::move(*constraints);
    out.indexes = std::move(*indexes);
    return out;
}

std::vector<SchemaChange> diff_catalog(const CatalogSnapshot& before, const CatalogSnapshot& after) {
    std::vector<SchemaChange> out;
    diff_map("column", before.columns, after.columns, out);
    diff_map("constraint", before.constraints, after.constraints, out);
    diff_map("index", before.indexes, after.indexes, out);
    return out;
}

}  // namespace pgfence::trace
