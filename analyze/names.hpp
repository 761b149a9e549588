#pragma once
// Identifiers as PostgreSQL prints them: quoted only where it needs quotes.
#include <string>
#include <string_view>

#include "analyze/parse_tree.hpp"

namespace pgfence::analyze {

[[nodiscard]] std::string quote_ident(std::string_view name);
// A string literal: 'it''s' (standard_conforming_strings on, PostgreSQL's default since 9.1).
[[nodiscard]] std::string quote_literal(std::string_view text);
// "schema.name" (or "name") from a RangeVar node's fields.
[[nodiscard]] std::string range_var_name(const Node& range_var);
// The unqualified relation name of a RangeVar.
[[nodiscard]] std::string range_var_relname(const Node& range_var);
// Joins a list of {"String": {"sval": ...}} nodes with '.'.
[[nodiscard]] std::string qualified_name(const Node& names);

}  // namespace pgfence::analyze
