#pragma once
// UPDATE and DELETE that touch every row of their table (update-without-where,
// delete-without-where): one check, two rules, and the batched loop each recipe writes out.
// backfill-in-migration shares the batched forms of a statement with a WHERE.
#include <optional>
#include <string>

#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules::operation {

// Reports `kind` (T_UpdateStmt or T_DeleteStmt) statements that touch every row of a table
// that existed before the migration: no WHERE, or a WHERE that holds for every row
// (every_row_write, transaction_work.hpp).
void check_whole_table_dml(const StatementContext& ctx, Sink& sink, NodeTag kind);

// INSERT ... ON CONFLICT ... DO UPDATE into a table that existed before the migration: what its
// inserted rows can meet. `every` when they can meet every existing row (the target itself or a
// join with it, a table read whole, generate_series over 1,000 keys or more) and the DO UPDATE has
// no WHERE naming a column; otherwise the number of rows it updates is not known. nullopt for any
// other statement, for literal VALUES rows, and for a few generated keys.
struct UpsertReach {
    std::string table;   // the target
    std::string source;  // "users itself", "every row of legacy_users", ...; "" when not known
    bool every = false;
    const LockFact* lock = nullptr;
};
[[nodiscard]] std::optional<UpsertReach> upsert_reach(const StatementContext& ctx);

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
