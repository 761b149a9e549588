#pragma once
// UPDATE and DELETE without WHERE (update-without-where, delete-without-where): one check,
// two rules, and the batched loop each recipe writes out.
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules::operation {

// Reports `kind` (T_UpdateStmt or T_DeleteStmt) statements that touch every row of a table
// that existed before the migration.
void check_whole_table_dml(const StatementContext& ctx, Sink& sink, NodeTag kind);

}  // namespace pgfence::analyze::rules::operation
