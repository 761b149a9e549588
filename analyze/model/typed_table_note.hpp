#pragma once
// The reason the lock model gives the lock it takes on a typed table when ALTER TYPE ... CASCADE
// changes it (analyze/model/typed_tables.hpp); rename-column, drop-column and
// alter-column-type-rewrite find the typed tables of such a statement by it.
#include <string_view>

namespace pgfence::analyze {

inline constexpr std::string_view k_typed_table_reason = "ALTER TYPE ... CASCADE on the typed table's type ";

}  // namespace pgfence::analyze

namespace pgfence::analyze {

// The note the lock model leaves on ALTER TYPE t ADD | DROP ATTRIBUTE when columns of existing
// tables have composite type t (or an array of it; analyze/model/typed_tables.hpp
// note_composite_columns): "t.c, u.d" follows it. alter-type-attribute-in-use reports it.
inline constexpr std::string_view k_composite_columns_note = "columns of the composite type, as the migrations show them: ";
// The same statement on a composite type the migrations do not show: its columns are not known.
inline constexpr std::string_view k_composite_unknown_note = "a composite type the migrations do not show: which columns have it is not known";

}  // namespace pgfence::analyze
