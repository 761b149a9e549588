#include "stats/schema_ddl.hpp"

#include <map>
#include <set>

namespace pgfence::stats {
namespace {

// Schemas that hold nothing of the application's.
constexpr const char* k_user_schema =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'";

std::string strip_semicolon(std::string sql) {
    while (!sql.empty() && (sql.back() == ';' || sql.back() == ' ' || sql.back() == '\n')) sql.pop_back();
    return sql;
}

void schemas(const CatalogQuery& run, std::vector<std::string>& out) {
    trace::QueryResult rows = run(std::string(
        "SELECT format('CREATE SCHEMA IF NOT EXISTS %I', n.nspname) FROM pg_namespace n "
        "WHERE n.nspname <> 'public' AND ") + k_user_schema + " ORDER BY n.oid");
    for (int i = 0; i < rows.rows(); ++i) out.push_back(rows.value(i, 0));
}

// Sequences a column's default draws from (serial), before the tables; identity columns'
// own sequences come with the column.
void sequences(const CatalogQuery& run, std::vector<std::string>& out) {
    trace::QueryResult rows = run(std::string(
        "SELECT format('CREATE SEQUENCE %I.%I AS %s', n.nspname, c.relname, format_type(s.seqtypid, NULL)) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence s ON s.seqrelid = c.oid "
        "WHERE c.relkind = 'S' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid "
        "AND d.classid = 'pg_class'::regclass AND d.deptype = 'i') AND ") + k_user_schema + " ORDER BY c.oid");
    for (int i = 0; i < rows.rows(); ++i) out.push_back(rows.value(i, 0));
}

// Which column owns each serial sequence, once the tables exist.
void sequence_owners(const CatalogQuery& run, std::vector<std::string>& out) {
    trace::QueryResult rows = run(std::string(
        "SELECT format('ALTER SEQUENCE %I.%I OWNED BY %I.%I.%I', n.nspname, c.relname, tn.nspname, t.relname, a.attname) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass "
        "AND d.deptype = 'a' "
        "JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
        "WHERE c.relkind = 'S' AND ") + k_user_schema + " ORDER BY c.oid");
    for (int i = 0; i < rows.rows(); ++i) out.push_back(rows.value(i, 0));
}

void types(const CatalogQuery& run, std::vector<std::string>& out) {
    trace::QueryResult enums = run(std::string(
        "SELECT format('CREATE TYPE %I.%I AS ENUM (%s)', n.nspname, t.typname, "
        "coalesce((SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) "
        "FROM pg_enum e WHERE e.enumtypid = t.oid), '')) "
        "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'e' AND ") +
        k_user_schema + " ORDER BY t.oid");
    for (int i = 0; i < enums.rows(); ++i) out.push_back(enums.value(i, 0));
    trace::QueryResult domains = run(std::string(
        "SELECT format('CREATE DOMAIN %I.%I AS %s', n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod)) || "
        "CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END || "
        "coalesce((SELECT string_agg(format(' CONSTRAINT %I ', c.conname) || pg_get_constraintdef(c.oid), '' ORDER BY c.oid) "
        "FROM pg_constraint c WHERE c.contypid = t.oid), '') "
        "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'd' AND ") +
        k_user_schema + " ORDER BY t.oid");
    for (int i = 0; i < domains.rows(); ++i) out.push_back(domains.value(i, 0));
}

struct Table {
    std::string name;    // qualified and quoted
    std::string parent;  // oid of the first parent, or ""
    std::string bound;   // a partition's FOR VALUES ..., or ""
    std::string partition_key;
    bool unlogged = false;
    std::vector<std::string> columns;  // local column definitions
};

void tables(const CatalogQuery& run, int version, std::vector<std::string>& out) {
    trace::QueryResult rels = run(std::string(
        "SELECT c.oid, format('%I.%I', n.nspname, c.relname), c.relpersistence = 'u', "
        "(SELECT inhparent FROM pg_inherits WHERE inhrelid = c.oid ORDER BY inhseqno LIMIT 1), "
        "CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END, "
        "CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND ") +
        k_user_schema + " ORDER BY c.oid");
    std::map<std::string, Table> by_oid;
    std::vector<std::string> order;
    for (int i = 0; i < rels.rows(); ++i) {
        Table t;
        t.name = rels.value(i, 1);
        t.unlogged = rels.value(i, 2) == "t";
        t.parent = rels.value(i, 3);
        t.bound = rels.value(i, 4);
        t.partition_key = rels.value(i, 5);
        by_oid[rels.value(i, 0)] = std::move(t);
        order.push_back(rels.value(i, 0));
    }
    // Generated columns (attgenerated) exist from PostgreSQL 12.
    const std::string generated = version >= 120000 ? "a.attgenerated" : "''";
    trace::QueryResult cols = run(
        "SELECT a.attrelid, format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)) || "
        "CASE a.attidentity WHEN 'a' THEN ' GENERATED ALWAYS AS IDENTITY' WHEN 'd' THEN ' GENERATED BY DEFAULT AS IDENTITY' ELSE '' END || "
        "CASE WHEN " + generated + " = 's' THEN ' GENERATED ALWAYS AS (' || pg_get_expr(d.adbin, d.adrelid) || ') STORED' "
        "WHEN d.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END || "
        "CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attislocal AND c.relkind IN ('r', 'p') AND " +
        std::string(k_user_schema) + " ORDER BY a.attrelid, a.attnum");
    for (int i = 0; i < cols.rows(); ++i) {
        auto t = by_oid.find(cols.value(i, 0));
        if (t != by_oid.end()) t->second.columns.push_back(cols.value(i, 1));
    }
    // Parents before their children, whatever their oids.
    std::set<std::string> done;
    std::function<void(const std::string&)> emit = [&](const std::string& oid) {
        if (!done.insert(oid).second) return;
        Table& t = by_oid[oid];
        if (!t.parent.empty() && by_oid.count(t.parent)) emit(t.parent);
        std::string sql = std::string("CREATE ") + (t.unlogged ? "UNLOGGED " : "") + "TABLE " + t.name;
        std::string parent = t.parent.empty() || !by_oid.count(t.parent) ? "" : by_oid[t.parent].name;
        if (!t.bound.empty() && !parent.empty()) {
            sql += " PARTITION OF " + parent + " " + t.bound;
        } else {
            sql += " (";
            for (std::size_t i = 0; i < t.columns.size(); ++i) sql += (i ? ", " : "") + t.columns[i];
            sql += ")";
            if (!parent.empty()) sql += " INHERITS (" + parent + ")";
        }
        if (!t.partition_key.empty()) sql += " PARTITION BY " + t.partition_key;
        out.push_back(sql);
    };
    for (const auto& oid : order) emit(oid);
}

void constraints(const CatalogQuery& run, std::vector<std::string>& out) {
    // Keys and exclusions first (foreign keys need their referenced key), then checks, then
    // foreign keys. Only constraints defined on the table itself: inherited ones come with it.
    trace::QueryResult rows = run(std::string(
        "SELECT format('ALTER TABLE ONLY %I.%I ADD CONSTRAINT %I ', n.nspname, c.relname, k.conname) || pg_get_constraintdef(k.oid) "
        "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE k.contype IN ('p', 'u', 'x', 'c', 'f') AND k.conislocal AND ") +
        k_user_schema + " ORDER BY CASE k.contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'x' THEN 2 WHEN 'c' THEN 3 ELSE 4 END, k.oid");
    for (int i = 0; i < rows.rows(); ++i) out.push_back(rows.value(i, 0));
}

void indexes(const CatalogQuery& run, std::vector<std::string>& out) {
    // Indexes a constraint made come with the constraint.
    trace::QueryResult rows = run(std::string(
        "SELECT pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid) AND "
        "c.relkind IN ('r', 'p', 'm') AND ") +
        k_user_schema + " ORDER BY x.indexrelid");
    for (int i = 0; i < rows.rows(); ++i) out.push_back(rows.value(i, 0));
    // A partitioned table's index is read back ON ONLY the table: each partition's index is
    // attached to it, as the database has them.
    trace::QueryResult attached = run(std::string(
        "SELECT format('ALTER INDEX %I.%I ATTACH PARTITION %I.%I', pn.nspname, p.relname, n.nspname, c.relname) "
        "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace "
        "WHERE c.relkind IN ('i', 'I') AND ") + k_user_schema + " ORDER BY c.oid");
    for (int i = 0; i < attached.rows(); ++i) out.push_back(attached.value(i, 0));
}

void views(const CatalogQuery& run, std::vector<std::string>& out) {
    // In creation order, which is the order they depend on each other in unless one was
    // replaced later; a view that cannot be read back in that order is only a view less.
    trace::QueryResult rows = run(std::string(
        "SELECT CASE c.relkind WHEN 'v' THEN format('CREATE VIEW %I.%I AS ', n.nspname, c.relname) "
        "ELSE format('CREATE MATERIALIZED VIEW %I.%I AS ', n.nspname, c.relname) END || pg_get_viewdef(c.oid), c.relkind "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND ") +
        k_user_schema + " ORDER BY c.oid");
    for (int i = 0; i < rows.rows(); ++i) {
        std::string sql = strip_semicolon(rows.value(i, 0));
        if (rows.value(i, 1) == "m") sql += " WITH NO DATA";
        out.push_back(sql);
    }
}

void triggers(const CatalogQuery& run, std::vector<std::string>& out) {
    trace::QueryResult rows = run(std::string(
        "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND ") +
        k_user_schema + " ORDER BY t.oid");
    for (int i = 0; i < rows.rows(); ++i) out.push_back(rows.value(i, 0));
}

}  // namespace

std::vector<std::string> read_schema_ddl(const CatalogQuery& run, int server_version_num) {
    std::vector<std::string> out;
    schemas(run, out);
    types(run, out);
    sequences(run, out);
    tables(run, server_version_num, out);
    sequence_owners(run, out);
    constraints(run, out);
    views(run, out);
    indexes(run, out);  // materialized views have them too
    triggers(run, out);
    return out;
}

}  // namespace pgfence::stats
