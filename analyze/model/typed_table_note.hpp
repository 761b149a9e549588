#pragma once
// The reason the lock model gives the lock it takes on a typed table when ALTER TYPE ... CASCADE
// changes it (analyze/model/typed_tables.hpp); rename-column, drop-column and
// alter-column-type-rewrite find the typed tables of such a statement by it.
#include <string_view>

namespace pgfence::analyze {

inline constexpr std::string_view k_typed_table_reason = "ALTER TYPE ... CASCADE on the typed table's type ";

}  // namespace pgfence::analyze
