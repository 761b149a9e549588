#pragma once
// Identifiers as PostgreSQL prints them: quoted only where it needs quotes.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pgfence::analyze {

[[nodiscard]] std::string quote_ident(std::string_view name);
// "schema.name" (or "name") from a RangeVar node's fields.
[[nodiscard]] std::string range_var_name(const nlohmann::json& range_var);
// The unqualified relation name of a RangeVar.
[[nodiscard]] std::string range_var_relname(const nlohmann::json& range_var);
// Joins a list of {"String": {"sval": ...}} nodes with '.'.
[[nodiscard]] std::string qualified_name(const nlohmann::json& names);

}  // namespace pgfence::analyze
