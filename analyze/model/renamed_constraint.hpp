#pragma once
// ALTER INDEX i RENAME TO j of the index of a PRIMARY KEY, UNIQUE or EXCLUDE constraint renames the
// constraint too (PostgreSQL's RenameRelationInternal calls RenameConstraintById for an index that
// backs one), so code naming it (ON CONFLICT ON CONSTRAINT i, SET CONSTRAINTS i) fails, as after
// ALTER TABLE ... RENAME CONSTRAINT (rule rename-constraint). The model notes it, read from the
// catalog before the rename; an index pgfence does not know whose name is one PostgreSQL gives a
// constraint's index (..._pkey, ..._key, ..._excl) is noted as maybe one. One note per statement:
//   "renames constraint: known <index> of <table>" or "renames constraint: maybe <index as written>";
// "known primary key <index> of <table>" for a PRIMARY KEY's (also on ALTER TABLE ... RENAME CONSTRAINT).
#include <string_view>

namespace pgfence::analyze::model {

inline constexpr std::string_view k_renamed_constraint_note = "renames constraint: ";
inline constexpr std::string_view k_primary_key = "primary key ";

}  // namespace pgfence::analyze::model
