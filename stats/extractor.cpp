#include "stats/extractor.hpp"

#include <cstdlib>
#include <map>

#include "analyze/parse/source_text.hpp"
#include "stats/conninfo.hpp"
#include "stats/schema_ddl.hpp"
#include "trace/pq_connection.hpp"

namespace pgfence::stats {
namespace {

using analyze::Error;
using trace::Connection;
using trace::QueryResult;

// Schemas that hold no user tables.
constexpr const char* k_user_relations =
    "c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'";

std::string one_line(const std::string& text) { return analyze::fold_whitespace(text); }

// libpq's connection failure turned into what the user should check.
std::string connect_failure(std::string message) {
    const std::string prefix = "cannot connect: ";
    if (message.starts_with(prefix)) message = message.substr(prefix.size());
    message = one_line(message);
    for (const char* marker : {"invalid response to SSL negotiation", "expected authentication request",
                               "received invalid response", "unsupported frontend protocol",
                               "server closed the connection unexpectedly"}) {
        if (message.find(marker) != std::string::npos) return "the server does not speak the PostgreSQL protocol (" + message + ")";
    }
    if (message.find("timeout expired") != std::string::npos) {
        return "the server did not answer within the connect timeout: is it PostgreSQL, on that port? (" + message + ")";
    }
    for (const char* marker : {"invalid URI", "invalid connection option", "missing \"=\"", "invalid percent-encoded",
                               "unterminated quoted string", "invalid integer value", "invalid port number",
                               "end of string reached", "invalid sslmode", "unexpected spaces"}) {
        if (message.find(marker) != std::string::npos) return "invalid connection string: " + message;
    }
    return "cannot connect: " + message;
}

double number(const QueryResult& r, int row, int col) { return r.is_null(row, col) ? 0.0 : std::strtod(r.value(row, col).c_str(), nullptr); }
std::int64_t whole(const QueryResult& r, int row, int col) { return r.is_null(row, col) ? 0 : std::strtoll(r.value(row, col).c_str(), nullptr, 10); }

std::string kind_name(const std::string& relkind) {
    if (relkind == "p") return "partitioned table";
    if (relkind == "m") return "materialized view";
    return "table";
}

// The planner's own estimate: the density reltuples/relpages from the last VACUUM or ANALYZE,
// times the pages the table has now. Counters only when the catalog has nothing.
void estimate_rows(TableStats& t, double reltuples, double relpages, double live_counter, bool counter_known,
                   int block_size) {
    double pages_now = static_cast<double>(t.table_bytes) / block_size;
    if (reltuples >= 0 && relpages > 0) {
        t.rows = reltuples / relpages * pages_now;
        t.rows_source = "catalog";
    } else if (reltuples >= 0 && pages_now == 0) {
        t.rows = 0;
        t.rows_source = "catalog";
    } else if (counter_known && live_counter > 0) {
        t.rows = live_counter;
        t.rows_source = "counters";
    } else if (pages_now == 0) {
        t.rows = 0;
        t.rows_source = "catalog";
    } else {
        t.rows_source = "none";
    }
}

class Reader {
public:
    explicit Reader(Connection& c, std::vector<std::string> secrets) : m_conn(c), m_secrets(std::move(secrets)) {}
    QueryResult run(const std::string& sql) {
        auto r = m_conn.query(sql);
        if (!r) throw Error{"query failed: " + scrub(one_line(r.error().message), m_secrets), "", std::nullopt};
        return std::move(*r);
    }

private:
    Connection& m_conn;
    std::vector<std::string> m_secrets;
};

Snapshot read_snapshot(Reader& db, const ExtractOptions& options) {
    Snapshot s;
    QueryResult info = db.run(
        "SELECT current_setting('server_version'), current_setting('server_version_num')::int, pg_is_in_recovery(), "
        "current_database(), to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
        "to_char(pg_last_xact_replay_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
        "current_setting('block_size')::int");
    s.server_version = info.value(0, 0);
    s.server_version_num = static_cast<int>(whole(info, 0, 1));
    if (s.server_version_num < 100000) {
        throw Error{"PostgreSQL " + s.server_version + " is too old: extract-stats reads version 10 or later", "", std::nullopt};
    }
    s.in_recovery = info.value(0, 2) == "t";
    s.database = info.value(0, 3);
    s.taken_at = info.value(0, 4);
    if (!info.is_null(0, 5)) s.replayed_at = info.value(0, 5);
    int block_size = static_cast<int>(whole(info, 0, 6));
    if (block_size <= 0) block_size = 8192;

    QueryResult path = db.run("SELECT unnest(current_schemas(false))");
    for (int i = 0; i < path.rows(); ++i) s.search_path.push_back(path.value(i, 0));

    QueryResult tables = db.run(std::string(
        "SELECT c.oid, n.nspname, c.relname, c.relkind, c.reltuples::float8, c.relpages, "
        "coalesce(pg_relation_size(c.oid), 0), coalesce(pg_total_relation_size(c.oid), 0), "
        "st.n_live_tup, pn.nspname, p.relname "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_stat_all_tables st ON st.relid = c.oid "
        "LEFT JOIN LATERAL (SELECT inhparent FROM pg_inherits WHERE inhrelid = c.oid ORDER BY inhseqno LIMIT 1) i ON true "
        "LEFT JOIN pg_class p ON p.oid = i.inhparent "
        "LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace "
        "WHERE ") + k_user_relations + " ORDER BY n.nspname, c.relname");
    std::map<std::string, std::size_t> by_oid;
    for (int i = 0; i < tables.rows(); ++i) {
        TableStats t;
        t.schema = tables.value(i, 1);
        t.name = tables.value(i, 2);
        t.kind = kind_name(tables.value(i, 3));
        t.table_bytes = whole(tables, i, 6);
        t.total_bytes = whole(tables, i, 7);
        estimate_rows(t, number(tables, i, 4), number(tables, i, 5), number(tables, i, 8), !tables.is_null(i, 8), block_size);
        if (!tables.is_null(i, 10)) t.parent = tables.value(i, 9) + "." + tables.value(i, 10);
        by_oid[tables.value(i, 0)] = s.tables.size();
        s.tables.push_back(std::move(t));
    }

    QueryResult indexes = db.run(std::string(
        "SELECT x.indrelid, ic.relname, coalesce(pg_relation_size(ic.oid), 0) "
        "FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ") + k_user_relations + " ORDER BY ic.relname");
    for (int i = 0; i < indexes.rows(); ++i) {
        auto owner = by_oid.find(indexes.value(i, 0));
        if (owner != by_oid.end()) s.tables[owner->second].indexes.push_back({indexes.value(i, 1), whole(indexes, i, 2)});
    }

    if (options.columns) {
        s.has_columns = true;
        QueryResult columns = db.run(std::string(
            "SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE a.attnum > 0 AND NOT a.attisdropped AND ") + k_user_relations + " ORDER BY a.attrelid, a.attnum");
        for (int i = 0; i < columns.rows(); ++i) {
            auto owner = by_oid.find(columns.value(i, 0));
            if (owner != by_oid.end()) {
                s.tables[owner->second].columns.push_back({columns.value(i, 1), columns.value(i, 2), columns.value(i, 3) == "t"});
            }
        }
        s.schema_sql = read_schema_ddl([&](const std::string& sql) { return db.run(sql); }, s.server_version_num);
    }
    return s;
}

}  // namespace

analyze::Result<Snapshot> extract_snapshot(const std::string& conninfo, const ExtractOptions& options) {
    std::vector<std::string> secrets = passwords_in(conninfo);
    if (!is_url(conninfo) && conninfo.find('=') == std::string::npos) {
        return Error{"invalid connection string: expected postgresql://user@host:port/dbname or key=value pairs",
                     "", std::nullopt};
    }
    auto conn = Connection::open(conninfo);
    if (!conn) return Error{scrub(connect_failure(conn.error().message), secrets), "", std::nullopt};
    Reader db(*conn, secrets);
    try {
        // Read-only whatever the server's defaults, bounded, named in pg_stat_activity; one
        // REPEATABLE READ transaction so every query sees the same catalog.
        db.run("SET application_name = 'pgfence'; SET default_transaction_read_only = on; "
               "SET statement_timeout = " + std::to_string(options.statement_timeout_ms) + "; "
               "SET lock_timeout = " + std::to_string(options.statement_timeout_ms) + "; "
               "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        Snapshot s = read_snapshot(db, options);
        db.run("COMMIT");
        return s;
    } catch (const Error& e) {
        return e;
    }
}

}  // namespace pgfence::stats
