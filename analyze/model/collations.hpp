#pragma once
// Column collations: which collation a column has, which collations the migrations create and
// whether each is deterministic. ALTER COLUMN ... TYPE that changes only the collation keeps the
// table's rows but builds the indexes on the column again (CheckIndexCompatible compares the
// index's collations; checked on PostgreSQL 15), and a change to or from a nondeterministic
// collation changes what equality, uniqueness and LIKE mean for the column.
#include <optional>
#include <string>

#include "analyze/model/model.hpp"

namespace pgfence::analyze::model {

// The last name of a COLLATE clause ("" when there is none).
[[nodiscard]] std::string collation_name(const CollateClause* clause);
// The collation a column of this definition gets: its COLLATE clause, else the collation of its
// type when that is a domain the migrations created with COLLATE, else "" (the type's default).
[[nodiscard]] std::string column_collation(const ColumnDef* def, const Catalog& catalog);
// CREATE COLLATION (deterministic or not; FROM copies it), CREATE DOMAIN ... COLLATE.
void record_collation(const pg::Node* stmt, Context& ctx);
// Whether a collation is deterministic: as CREATE COLLATION in the migrations said; true for
// "" (the default) and the collations PostgreSQL and initdb make (C, POSIX, ucs_basic,
// pg_c_utf8, unicode, libc locales such as en_US.utf8, ICU's "-x-icu" ones: initdb makes none
// nondeterministic); nothing when pgfence did not see it made.
[[nodiscard]] std::optional<bool> collation_deterministic(const std::string& name, const Catalog& catalog);

}  // namespace pgfence::analyze::model
