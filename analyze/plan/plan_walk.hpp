#pragma once
// The out-of-band walk a migration plan (plan.cpp) gives a batched UPDATE: one runnable DO block
// that keyset-paginates the table on its real primary key (from the catalog, any orderable
// type, composite keys compared as rows) and COMMITs after each batch, with the original
// UPDATE's SET and WHERE applied to the rows of each batch. No placeholder is left to fill in.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze::plan_walk {

struct KeyColumn {
    std::string name;  // as PostgreSQL stores it
    std::string type;  // canonical type text ("int8", "uuid", "varchar(255)")
};

// The DO block (with comments) for `update_sql` (the statement's text, as written) walking its
// table by `key`; "" when the text cannot be cut at its WHERE or holds a dollar quote.
[[nodiscard]] std::string keyset_walk(std::string_view update_sql, const UpdateStmt* update, const std::vector<KeyColumn>& key);

// How the walk's comment opens (the out-of-band form); in_prisma_folder rewrites it.
inline constexpr std::string_view k_out_of_band_opening =
    "-- Out of band, not in a migration: run it alone, outside a transaction block (psql -f, or\n"
    "-- autocommit), so that it commits after each batch.";

// The walk as a Prisma migration of its own (issue #54, the DBA review dba70's ghostfolio
// 20250401084916: a step by hand is never run where `prisma migrate deploy` runs at each start):
// its opening comment says how Prisma runs it and what a stop part-way means (P3009).
[[nodiscard]] std::string in_prisma_folder(std::string walk);

// `update_sql` again for the rows that fail `check` (a CHECK's expression, parentheses included):
// its SET and WHERE, and "AND (check) IS FALSE". "" when the text cannot be cut at its WHERE, or
// the UPDATE reads other tables (FROM, WITH), returns rows, or holds a dollar quote.
[[nodiscard]] std::string violators_only(std::string_view update_sql, const UpdateStmt* update, std::string_view check);

}  // namespace pgfence::analyze::plan_walk
