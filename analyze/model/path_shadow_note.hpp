#pragma once
// The note the lock model leaves on a CREATE TABLE that shadows an existing relation through a
// search_path the migrations set (analyze/model/search_paths.hpp); schema-shadows-role-path
// reports it, its message following the prefix.
#include <string_view>

namespace pgfence::analyze {

inline constexpr std::string_view k_path_shadow_note = "shadows an existing relation through a search_path: ";

}  // namespace pgfence::analyze
