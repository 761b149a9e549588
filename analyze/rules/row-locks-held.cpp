// SELECT ... FOR UPDATE | NO KEY UPDATE | SHARE | KEY SHARE on a table that existed before the
// migration: PostgreSQL locks each row the query returns, and keeps the row locks until the
// transaction ends (src/backend/executor/nodeLockRows.c; the table itself gets only ROW SHARE, which
// blocks no reads or writes, so the lock table shows nothing). Every UPDATE or DELETE of the
// application on those rows waits, and under FOR UPDATE so does each foreign-key check of an insert
// into a table that references them (its SELECT ... FOR KEY SHARE conflicts: "Row-Level Locks",
// PostgreSQL's explicit-locking docs; red team h1 T_FORUPDATE, PostgreSQL 15: the application's
// INSERT INTO orders and UPDATE users time out while the migration's transaction sleeps).
// HIGH when the query returns every row of the table (no WHERE, no LIMIT, or a WHERE that names no
// column and may be true) and the transaction runs more statements after it; MEDIUM when only the
// rows a WHERE or LIMIT selects are locked while later statements run, or when every row is locked
// only for the statement's own run. Quiet for a query whose rows are released at once (filtered,
// and nothing after it in the transaction) and for tables this migration made.
#include <algorithm>
#include <string>
#include <vector>

#include "analyze/parse/literal_truth.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_walk.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// What each strength makes wait (the conflict table of "Row-Level Locks").
std::string blocked_by(LockClauseStrength strength, const std::string& table) {
    switch (strength) {
        case LCS_FORUPDATE:
            return "every UPDATE and DELETE of those rows, and every foreign-key check of an INSERT or UPDATE into a table "
                   "that references " + table + " (its FOR KEY SHARE conflicts)";
        case LCS_FORNOKEYUPDATE: return "every UPDATE and DELETE of those rows (and other sessions' FOR SHARE of them)";
        case LCS_FORSHARE: return "every UPDATE and DELETE of those rows";
        case LCS_FORKEYSHARE: return "every DELETE of those rows and each UPDATE that changes their key";
        default: return "writes of those rows";
    }
}

const char* clause(LockClauseStrength strength) {
    switch (strength) {
        case LCS_FORUPDATE: return "FOR UPDATE";
        case LCS_FORNOKEYUPDATE: return "FOR NO KEY UPDATE";
        case LCS_FORSHARE: return "FOR SHARE";
        case LCS_FORKEYSHARE: return "FOR KEY SHARE";
        default: return "FOR ...";
    }
}

// The plain tables of the FROM list, through JOINs (a subquery's rows are its own).
void from_tables(const pg::Node* item, std::vector<const RangeVar*>& out) {
    if (const auto* rv = pg::as<RangeVar>(item)) out.push_back(rv);
    if (const auto* join = pg::as<JoinExpr>(item)) {
        from_tables(join->larg, out);
        from_tables(join->rarg, out);
    }
}

bool names_a_column(const pg::Node* node) {
    bool found = false;
    auto walk = [&](auto&& self, const pg::Node* n) -> void {
        if (n == nullptr || found) return;
        if (pg::is<ColumnRef>(n)) {
            found = true;
            return;
        }
        pg::each_child(n, [&](const pg::Node* child) { self(self, child); });
    };
    walk(walk, node);
    return found;
}

// For each statement, the line of the last statement after it in the same transaction (0: none
// follows it there), from one pass backwards over the file (linear however many there are).
std::vector<int> held_until(const FileContext& ctx) {
    const auto& st = ctx.file.statements;
    const std::size_t n = std::min(st.size(), ctx.stmts.size());
    std::vector<int> out(n, 0);
    int last = 0;  // the line of the last statement of the transaction open after index i
    for (std::size_t i = n; i-- > 0;) {
        out[i] = st[i].transaction == Transaction::None ? 0 : last;
        if (st[i].transaction == Transaction::None) {
            last = 0;
            continue;
        }
        if (const auto* tx = pg::as<TransactionStmt>(ctx.stmts[i])) {
            if (tx->kind == TRANS_STMT_COMMIT || tx->kind == TRANS_STMT_ROLLBACK || tx->kind == TRANS_STMT_PREPARE ||
                tx->kind == TRANS_STMT_COMMIT_PREPARED || tx->kind == TRANS_STMT_ROLLBACK_PREPARED) {
                last = 0;  // the statements before it end their transaction here
            }
            continue;
        }
        if (last == 0) last = st[i].span.start.line;
    }
    return out;
}

void check(const FileContext& ctx, Sink& sink) {
    std::vector<int> until_line;  // filled at the first locking SELECT
    for (std::size_t i = 0; i < ctx.file.statements.size() && i < ctx.stmts.size(); ++i) {
        const auto* select = pg::as<SelectStmt>(ctx.stmts[i]);
        if (select == nullptr || pg::length(select->lockingClause) == 0 || select->op != SETOP_NONE) continue;
        const StatementFacts& s = ctx.file.statements[i];
        std::vector<const RangeVar*> tables;
        for (const pg::Node* item : pg::each(select->fromClause)) from_tables(item, tables);
        const bool every_row = select->limitCount == nullptr &&
                               (select->whereClause == nullptr ||
                                (!names_a_column(select->whereClause) && could_be_true(select->whereClause)));
        if (until_line.empty()) until_line = held_until(ctx);
        const int until = until_line[i];
        if (!every_row && until == 0) continue;  // some rows, released when the statement ends
        for (const LockingClause* locking : pg::each<LockingClause>(select->lockingClause)) {
            for (const RangeVar* rv : tables) {
                // FOR UPDATE OF a, b: only the FROM items named (by alias, or by name without one).
                if (pg::length(locking->lockedRels) > 0) {
                    const std::string_view ref = rv->alias != nullptr ? pg::text(rv->alias->aliasname) : pg::relname(rv);
                    bool named = false;
                    for (const RangeVar* r : pg::each<RangeVar>(locking->lockedRels)) named = named || pg::relname(r) == ref;
                    if (!named) continue;
                }
                const std::string table = pg::display_name(rv);
                if (operation::existing(s, table) == nullptr) continue;  // made in this migration: nobody uses its rows
                const std::string rows = every_row ? "every row of " + table : "the rows of " + table + " its WHERE or LIMIT selects";
                std::string message = std::string("SELECT ... ") + clause(locking->strength) + " locks " + rows + " and " +
                                      (until != 0 ? "keeps the row locks while the rest of the transaction runs (to line " +
                                                        std::to_string(until) + ")"
                                                  : "holds each row's lock until the statement ends") +
                                      ": " + blocked_by(locking->strength, table) +
                                      " waits meanwhile, although the table's own lock (ROW SHARE) shows nothing";
                Finding& f = sink.add(s, message);
                if (!every_row || until == 0) f.risk = Risk::Medium;
                f.relation = table;
                f.fix = "lock only the rows the migration changes, in short transactions of their own, and commit before "
                        "any other work; or drop the locking clause where the rows are only read";
            }
        }
    }
}

}  // namespace

PGFENCE_RULE(row_locks_held) {
    return Rule{"row-locks-held", Risk::High,
                "SELECT ... FOR UPDATE / SHARE of an existing table's rows in a migration: the application's writes of those rows wait until the transaction ends",
                nullptr, check, true, "locking"};
}

}  // namespace pgfence::analyze::rules
