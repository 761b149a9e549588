#pragma once
// The database's schema as the statements a migration would have run to build it: tables
// with their columns, partitions and inheritance, enum and domain types, constraints,
// indexes, views and triggers. Written from the catalog with PostgreSQL's own deparsers
// (pg_get_constraintdef, pg_get_indexdef, pg_get_viewdef, pg_get_triggerdef), so the
// analyzer reads a snapshot's schema exactly as it reads earlier migrations.
#include <functional>
#include <string>
#include <vector>

#include "trace/pq_connection.hpp"

namespace pgfence::stats {

// Runs one catalog query (throws on failure, like extract-stats' reader).
using CatalogQuery = std::function<trace::QueryResult(const std::string& sql)>;

// In an order they can be run in: schemas, types, sequences, tables (parents first), sequence
// owners, constraints (keys before foreign keys), views, indexes, triggers. `server_version_num` says which catalog columns exist.
[[nodiscard]] std::vector<std::string> read_schema_ddl(const CatalogQuery& run, int server_version_num);

}  // namespace pgfence::stats
