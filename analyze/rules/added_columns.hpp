#pragma once
// Columns a file adds to a table before a statement: no index can serve a test of one unless the
// file builds one on it in between, so a WHERE that pins such a column to a constant still reads
// every row of the table to find the rows it picks.
#include <string_view>
#include <vector>

#include "analyze/parse/pg_tree.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

// Whether `where` (an UPDATE's or DELETE's, on `table`, whose rows are qualified by `own`) is
// pinned to constants only by `c = constant` / `c IN (constants)` conjuncts on columns that an
// ALTER TABLE ... ADD COLUMN among stmts[0, index) added to `table`, with no CREATE INDEX on
// `table` after it. With `memo`, the statements are read once per file whatever the number of
// statements asking (a 4 MB script of UPDATEs asked for each one), else from the start each time.
[[nodiscard]] bool pinned_only_by_added_columns(const pg::Node* where, const std::vector<const pg::Node*>& stmts, int index,
                                                std::string_view table, std::string_view own, FileMemo* memo);

}  // namespace pgfence::analyze::rules
