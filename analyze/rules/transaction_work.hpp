#pragma once
// What the transaction rules weigh a held lock against: statements whose run time grows with a
// table's size (a rewrite, a full scan, an index build, a whole-table backfill), statements that
// may queue for another table's lock, and the instant catalog changes that do neither.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analyze/rules/registry_transaction.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

// The first note of a statement an earlier file of the set ran in the transaction this file runs
// in (analyzer_set_transaction.cpp): "<this prefix><its file>". held_locks_clause names its file.
inline constexpr std::string_view k_held_from = "held from an earlier file of the same transaction: ";

// Work proportional to a table's size, done by one statement.
struct TableWork {
    std::string relation;  // the table it reads or writes, as the facts name it
    std::string what;      // "rewrites every row of users", "builds an index on users", ...
};

// An UPDATE or DELETE (`stmt`, its facts `s`; `stmts`: the trees of its file's statements) that writes
// every row of its target: no WHERE, a WHERE the schema proves true for every row (the lock
// model's scan fact says so: `c IS NOT NULL` on a NOT NULL column, a WHERE that only joins the
// target to FROM/USING items that are whole tables, ...), or `WHERE c IS NULL` on a column added earlier in the
// file without a default. `why` says what proves it (empty: no WHERE). A table created in this
// migration counts only when it was filled from a query; literal VALUES rows are no rewrite.
struct EveryRowWrite {
    TableWork work;
    std::string why;
    // Decided by a WHERE that only joins it to whole tables: every row is read, but a row
    // without a partner (a NULL or dangling key) is not written, so not "every row" is claimed.
    bool joined = false;
};
// `memo`: the file's, with `stmts` always the same statements, for linear time (or none).
[[nodiscard]] std::optional<EveryRowWrite> every_row_write(const std::vector<const pg::Node*>& stmts, const StatementFacts& s,
                                                           const pg::Node* stmt, FileMemo* memo = nullptr);

// An UPDATE or DELETE whose WHERE requires `c IS NULL` of a column the file added above with a
// constant, non-NULL DEFAULT (or as an identity), the table not written in between: no row that
// existed before the migration matches it.
[[nodiscard]] bool matches_no_existing_row(const std::vector<const pg::Node*>& stmts, int index, const pg::Node* stmt);

// The whole-table UPDATE or DELETE (a backfill) at statement `index` (every_row_write).
[[nodiscard]] std::optional<TableWork> backfill(const FileContext& ctx, int index);

// A statement that runs once for every row of a table that existed before the migration: the
// write of a PL/pgSQL FOR loop over all of its rows (TableEffect::per_row); nullptr when it is not one.
[[nodiscard]] const TableEffect* per_row_loop(const StatementFacts& s);

// The backfill, rewrite, certain scan or index build of statement `index` on a table that has
// rows (existing, or created here from a query); nullopt for everything else.
[[nodiscard]] std::optional<TableWork> table_work(const FileContext& ctx, int index);

// What work-under-held-lock reports: statement `index` does table-sized work while `lock`, taken
// by the earlier statement `by` and blocking more than the statement's own locks, stays held;
// `others` are the other such locks held then (one finding names them all).
struct HeldWork {
    int index;
    TableWork work;
    const LockFact* lock;
    const StatementFacts* by;
    std::vector<std::pair<const LockFact*, const StatementFacts*>> others;
};
// "the transaction holds ACCESS EXCLUSIVE on a (line 2) and b (line 5), and SHARE on c (line 9),
// until COMMIT: every query on a and b, and every write to c, waits for all of it": the locks a
// statement's work keeps held, each with the line that took it, in the order given.
[[nodiscard]] std::string held_locks_clause(const std::vector<std::pair<const LockFact*, const StatementFacts*>>& locks);
[[nodiscard]] std::vector<HeldWork> work_under_held_locks(const FileContext& ctx, const TransactionScope& scope);
[[nodiscard]] bool has_held_work(const std::vector<HeldWork>& work, int index);

// The existing tables a transaction locks ACCESS EXCLUSIVE, in the order it locks them, each with
// the statement that first does; `second` is where a second table joins (-1: at most one).
struct ExclusiveTables {
    std::vector<std::pair<const LockFact*, const StatementFacts*>> held;
    int second = -1;
};
[[nodiscard]] ExclusiveTables exclusive_tables(const FileContext& ctx, const TransactionScope& scope);

// An instant catalog change (rename, OWNER TO, COMMENT, GRANT, nullable ADD COLUMN, DROP, ...:
// an allow-list of statement kinds, with no rewrite or scan fact), a SET/SHOW/transaction
// statement, or a query of tables made or proven empty in this migration: no rows read or
// written, no user code run. A query, DO, CALL, REFRESH, ANALYZE and every kind not listed is not.
[[nodiscard]] bool instant_catalog_change(const FileContext& ctx, int index);

// A lock of statement `index` that blocks reads or writes on an existing relation other than
// those in `held`, taken with no lock_timeout in force: the statement can queue for it behind
// any long query while the transaction's earlier locks stay held. nullptr when there is none.
[[nodiscard]] const LockFact* unbounded_wait(const StatementFacts& statement, const std::set<std::string>& held);

// How long the statements after `after` (up to `last`) in the transaction that starts at `first` keep the transaction's locks held:
// Slow when one of them does table-sized work or may queue for another table's lock (`why`
// says which, with its line), Instant when each is an instant catalog change, else Unknown.
struct Pace {
    enum Kind { Instant, Unknown, Slow } kind = Instant;
    std::string why;
    int at = -1;        // Slow: the statement that makes it so
    bool work = false;  // Slow: by table-sized work (else by a wait for another table's lock)
    // Instant: the line of a statement whose table-sized work its own lock blocks as much as the
    // held ones (it would hold the table so by itself), or 0 when every statement is instant.
    int own_work_line = 0;
};
// "every later statement is instant (...)", or that only line N's work, under a lock of its own
// as strong, is not: what an Instant pace says.
[[nodiscard]] std::string instant_text(const Pace& pace);
[[nodiscard]] Pace pace_after(const FileContext& ctx, int first, int after, int last);

}  // namespace pgfence::analyze::rules
