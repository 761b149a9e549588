#pragma once
// Whether a join-only WHERE keeps every row of an UPDATE's or DELETE's target: it does when what
// the target is joined to is whole tables, not rows a filter picked.
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze {

// Is each item of the FROM (UpdateStmt) or USING (DeleteStmt) list of `stmt` a table, or a
// subquery or CTE that reads whole tables (no WHERE, HAVING, LIMIT or VALUES)? False when the
// list is empty, or when any item is bounded (`FROM (SELECT ... WHERE ...) AS fix`, a CTE with a
// WHERE): then a WHERE joining the target to it selects only the rows the filter picked. Nor when
// the WHERE has more column = column equalities than the list has tables (one joins each table
// in; one more closes a cycle, which filters).
[[nodiscard]] bool joins_whole_tables(const pg::Node* stmt);

}  // namespace pgfence::analyze
