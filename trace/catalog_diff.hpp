#pragma once
// What a statement changed in the schema, read from the catalogs before and after it:
// columns (pg_attribute), constraints and whether they are validated (pg_constraint), and
// indexes and whether they are valid and ready (pg_index). Rewrites are lock_observer's.
#include <map>
#include <string>
#include <vector>

#include "trace/pq_connection.hpp"

namespace pgfence::trace {

// Object name ("public.orders.note", "public.orders.orders_user_fk") -> its state as a
// short text ("text NOT NULL DEFAULT", "FOREIGN KEY NOT VALID", "valid ready").
struct CatalogSnapshot {
    std::map<std::string, std::string> columns;
    std::map<std::string, std::string> constraints;
    std::map<std::string, std::string> indexes;
};

struct SchemaChange {
    std::string object;  // "column", "constraint", "index"
    std::string name;    // normalised, schema first
    std::string before;  // "" when it is new
    std::string after;   // "" when it is gone
    [[nodiscard]] std::string text() const;  // "constraint public.orders.fk: added (FOREIGN KEY NOT VALID)"
};

// Reads the user schema's columns, constraints and indexes through `conn` (inside its
// transaction, so its own uncommitted changes show).
[[nodiscard]] Result<CatalogSnapshot> snapshot_catalog(Connection& conn);

[[nodiscard]] std::vector<SchemaChange> diff_catalog(const CatalogSnapshot& before, const CatalogSnapshot& after);

}  // namespace pgfence::trace
