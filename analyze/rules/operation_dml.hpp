#pragma once
// UPDATE and DELETE that touch every row of their table (update-without-where,
// delete-without-where): one check, two rules, and the batched loop each recipe writes out.
// backfill-in-migration shares the batched forms of a statement with a WHERE.
#include <string>

#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules::operation {

// Reports `kind` (T_UpdateStmt or T_DeleteStmt) statements that touch every row of a table
// that existed before the migration: no WHERE, or a WHERE that holds for every row
// (every_row_write, transaction_work.hpp).
void check_whole_table_dml(const StatementContext& ctx, Sink& sink, NodeTag kind);

// The statement's text up to its top-level WHERE and the WHERE's own text (to RETURNING).
struct Split {
    std::string head;
    std::string where;
    bool returning = false;
};
[[nodiscard]] Split split_where(const std::string& sql);

// `text` on one line, cut to about `width` characters.
[[nodiscard]] std::string shortened(const std::string& text, std::size_t width);

// The out-of-band batched form of an UPDATE (`update`) or DELETE with a WHERE, as comment lines.
// `ref`: the target as the statement names it (its alias, if any); `inner`: the target as the
// batch's subquery names it, so that the WHERE clause's references to the alias mean its rows.
[[nodiscard]] std::string batched(bool update, const Split& split, const std::string& table, const std::string& ref,
                                  const std::string& inner);

}  // namespace pgfence::analyze::rules::operation
