#pragma once
// A fill the migration plan (plan.cpp) must keep with its SET NOT NULL (issue #54, section 3).
// A file that adds a column without a default, fills it by something other than a plain UPDATE
// (a DO-block loop, an upsert, a data-modifying WITH, an INSERT ... SELECT) and then makes it
// NOT NULL holds all three in one transaction. Split into migrations, the old release's inserts
// between the fill and the SET NOT NULL leave NULLs (it does not know the column), the SET NOT
// NULL fails with "contains null values" and the deploy stops half-way, which the original cannot
// do. So the fill runs in the migration that adds the column, with the SET NOT NULL, or the
// plan is declined.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "analyze/model/facts.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze::plan_fills {

// The table (as pg::display_name prints it) whose rows statement `i` writes otherwise than by a
// plain UPDATE, after an earlier ALTER TABLE of the file added a column to it, when a later
// statement in `keep_not_null` (a SET NOT NULL kept as written) makes a column of that table NOT
// NULL; "" otherwise.
[[nodiscard]] std::string fills_kept_not_null(const std::vector<StatementFacts>& facts, const std::vector<const pg::Node*>& nodes,
                                              std::size_t i, const std::map<std::size_t, std::string>& keep_not_null);

}  // namespace pgfence::analyze::plan_fills
