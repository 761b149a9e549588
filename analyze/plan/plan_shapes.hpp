#pragma once
// What the migration plan (plan.cpp) may do with an UPDATE a rule would batch out of band. A
// plan must leave the end state the original leaves, with the old release writing throughout
// (docs/plans.md): a batched walk does so only when each row's new value does not depend on when
// or in which order the walk reaches it.
#include <set>
#include <string>
#include <string_view>

#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze::plan_shapes {

// Why the UPDATE's result depends on the order rows are visited or on what else it reads of its
// own table ("a window function (OVER)", "ORDER BY or LIMIT", "nextval()", "random()", "a
// self-join or subquery over <table>"); "" when nothing of that kind.
[[nodiscard]] std::string order_dependence(const UpdateStmt* update);

// The columns the UPDATE's SET values and WHERE read (their last names), and whether it reads
// anything else: another table (FROM, a subquery), a WITH query, a function that is not a plain
// computation of its arguments.
struct UpdateReads {
    std::set<std::string> columns;
    bool elsewhere = false;
};
[[nodiscard]] UpdateReads reads_of(const UpdateStmt* update);

// A literal or a parameter, maybe cast to a type.
[[nodiscard]] bool constant(const pg::Node* node);

// The value text `x` of "UPDATE t SET c = x" (one target, no WHERE, FROM or RETURNING), as
// written; "" when the text does not cut cleanly (a comment in it, say).
[[nodiscard]] std::string single_set_value(std::string_view sql);

// The ADD COLUMN clause at [begin, end) of `sql` (the statement the parser read; `def` its
// column) with its DEFAULT's expression replaced by `value`, or a DEFAULT added when it has none;
// "" when the expression cannot be cut from the text. The expression runs from the DEFAULT
// keyword to where the parser found the column's next constraint or COLLATE (a keyword inside
// the expression, as in CASE ... ELSE NULL END, is not a cut), and must parse back as one
// expression. `old` gets the expression it had ("" when none).
[[nodiscard]] std::string with_default(std::string_view sql, std::size_t begin, std::size_t end, const ColumnDef* def,
                                       std::string_view value, std::string& old);
// Does `text` parse as one expression, and nothing else ("1 +", "1 FROM t" do not)?
[[nodiscard]] bool is_expression(std::string_view text);

}  // namespace pgfence::analyze::plan_shapes
