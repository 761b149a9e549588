#pragma once
// A table-size snapshot: what `pgfence extract-stats` reads from a database's catalog and
// `--stats-file` feeds to the size-aware risk pass. Plain data; the file format is
// docs/stats-format.md (JSON, with a version field).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analyze/base/error.hpp"

namespace pgfence::stats {

inline constexpr int k_snapshot_version = 1;

struct IndexStats {
    std::string name;
    std::int64_t bytes = 0;
};

struct ColumnStats {
    std::string name;
    std::string type;  // format_type() text, e.g. "character varying(50)"
    bool not_null = false;
};

struct TableStats {
    std::string schema;
    std::string name;  // as the catalog stores it (case preserved)
    std::string kind;  // "table", "partitioned table", "materialized view"
    // Estimated live rows; empty when the catalog has no estimate yet (never vacuumed or
    // analysed) and the cumulative counters have none either.
    std::optional<double> rows;
    std::string rows_source;  // "catalog", "counters" or "none"
    std::int64_t table_bytes = 0;  // the main fork: pg_relation_size
    std::int64_t total_bytes = 0;  // with TOAST and indexes: pg_total_relation_size
    std::vector<IndexStats> indexes;
    std::optional<std::string> parent;  // "schema.name" of the partitioned table it belongs to
    std::vector<ColumnStats> columns;   // only with extract-stats --schema

    [[nodiscard]] std::string qualified() const { return schema + "." + name; }
};

struct Snapshot {
    int version = k_snapshot_version;
    std::string taken_at;  // ISO 8601 UTC, the server's clock
    std::optional<std::string> replayed_at;  // on a standby: pg_last_xact_replay_timestamp()
    std::string server_version;  // "15.4"
    int server_version_num = 0;
    bool in_recovery = false;  // read on a standby
    std::string database;
    std::vector<std::string> search_path;  // schemas unqualified names resolve in, in order
    bool has_columns = false;
    std::vector<TableStats> tables;
    // extract-stats --schema: the schema as statements (stats/schema_ddl.hpp), which the
    // analysis reads like earlier migrations. Empty without --schema.
    std::vector<std::string> schema_sql;
};

// JSON load/save. A file with a version this build does not read is an error naming it.
[[nodiscard]] analyze::Result<Snapshot> load_snapshot(const std::string& path);
[[nodiscard]] analyze::Result<Snapshot> parse_snapshot(const std::string& text, const std::string& source);
[[nodiscard]] std::string snapshot_to_json(const Snapshot& snapshot);

}  // namespace pgfence::stats
