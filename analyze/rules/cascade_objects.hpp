#pragma once
// DROP ... CASCADE of objects whose dependents pgfence does not track (collations, functions,
// aggregates, operators, sequences, servers, text search objects ...), and CASCADE drops of
// constraints and unique indexes that take other tables' foreign keys with them: the part of
// drop-cascade-columns that is not about a type's columns.
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

void check_untracked_cascade(const StatementContext& ctx, Sink& sink);

}  // namespace pgfence::analyze::rules
