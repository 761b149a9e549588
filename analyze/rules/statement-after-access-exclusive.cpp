#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/registry_transaction.hpp"
#include "analyze/rules/transaction_work.hpp"

namespace pgfence::analyze::rules {
namespace {

// A view swap: the table renamed away at `by` and a view made under its old name at a later
// statement of the scope (pgfence's own plan for a rename: ALTER TABLE t RENAME TO t_base, the
// column renamed, CREATE VIEW t). Between the two every query on the old name fails, so the
// statements up to the view are one step that must commit together: the index of that view,
// or -1 when there is none.
int view_in_place(const FileContext& ctx, const TransactionScope& scope, int by) {
    const auto at = static_cast<std::size_t>(by);
    const auto* rename = at < ctx.stmts.size() ? pg::as<RenameStmt>(ctx.stmts[at]) : nullptr;
    if (rename == nullptr || rename->renameType != OBJECT_TABLE || rename->relation == nullptr) return -1;
    const std::string old_name = pg::display_name(rename->relation);
    for (int i = by + 1; i <= scope.last && static_cast<std::size_t>(i) < ctx.stmts.size(); ++i) {
        const auto* view = pg::as<ViewStmt>(ctx.stmts[static_cast<std::size_t>(i)]);
        if (view != nullptr && view->view != nullptr && pg::display_name(view->view) == old_name) return i;
    }
    return -1;
}

void check_scope(const FileContext& ctx, const TransactionScope& scope, Sink& sink) {
    const StatementFacts* locker = nullptr;
    const LockFact* lock = nullptr;
    int swap_end = -1;
    for (int i = scope.first; i <= scope.last; ++i) {
        const StatementFacts& s = ctx.file.statements[static_cast<std::size_t>(i)];
        if (locker == nullptr) {
            auto locks = exclusive_existing_locks(s, false);
            if (!locks.empty()) {
                locker = &s;
                lock = locks.front();
                swap_end = view_in_place(ctx, scope, s.index);
            }
            continue;
        }
        if (is_session_statement(s)) continue;
        // Splitting a view swap would leave the old name missing in between (newcomer nw71 N3:
        // the fix broke pgfence's own plan): what runs up to the view is one step.
        if (i <= swap_end) continue;
        // The table made again under the name the lock's DROP removed: its other half, which a
        // new migration would leave missing in between (the newcomer's DROP TABLE events;
        // CREATE TABLE events, split by the plan and refused by the oracle). drop-table says it.
        const auto at = static_cast<std::size_t>(i), by = static_cast<std::size_t>(locker->index);
        const auto* create = at < ctx.stmts.size() ? pg::as<CreateStmt>(ctx.stmts[at]) : nullptr;
        const auto* drop = by < ctx.stmts.size() ? pg::as<DropStmt>(ctx.stmts[by]) : nullptr;
        if (create != nullptr && create->relation != nullptr && drop != nullptr && drop->removeType == OBJECT_TABLE &&
            pg::display_name(create->relation) == lock->relation) {
            return;
        }
        std::string line = std::to_string(locker->span.start.line);
        std::string what = s.tag.empty() ? std::string("this statement") : s.tag;
        Pace pace = pace_after(ctx, scope.first, locker->index, scope.last);
        // The long hold is work-under-held-lock's finding, at the statement that does the work
        // (naming this lock): one finding per cause.
        std::vector<HeldWork> work = work_under_held_locks(ctx, scope);
        if (has_held_work(work, i) || (pace.kind == Pace::Slow && pace.work && has_held_work(work, pace.at))) return;
        // This statement locks a second table: multiple-access-exclusive-in-transaction reports the
        // locks held together here, this one among them.
        if (exclusive_tables(ctx, scope).second == i) return;
        // What makes the hold long is that statement queueing for a second table's ACCESS
        // EXCLUSIVE lock (hatchet's DROP TABLE, DROP TYPE, DROP TABLE): the same finding, there.
        if (pace.kind == Pace::Slow && !pace.work && exclusive_tables(ctx, scope).second == pace.at) return;
        std::string how = pace.kind == Pace::Slow      ? "; " + pace.why + " while it is held"
                          : pace.kind == Pace::Instant ? "; " + instant_text(pace) + ", so this adds moments, not minutes"
                                                       : "";
        std::string holds = held_locks_clause({{lock, locker}});
        holds.replace(holds.find(" waits for all of it"), std::string(" waits for all of it").size(),
                      " waits for this statement and every one after it");
        Finding& f = sink.add(s, "this " + what + " runs while " + holds + how);
        f.fold_note = holds + how;
        // HIGH only when later work makes the hold long; a wait for another lock with no
        // lock_timeout is MEDIUM, as for multiple-access-exclusive-in-transaction, and
        // lock-timeout-missing names the fix.
        if (pace.kind == Pace::Slow && pace.work) f.risk = Risk::High;
        if (pace.kind == Pace::Instant) f.risk = Risk::Low;
        f.relation = lock->relation;
        // Folding it into the ALTER TABLE that took the lock is no fix: the work still runs
        // under that lock (issue #34).
        if (swap_end >= 0) {
            // Past a view swap: the transaction ends after the view, never between it and the
            // rename, and the recipe's split right after the lock would break the swap.
            const auto& view = ctx.file.statements[static_cast<std::size_t>(swap_end)];
            f.fix = "end the transaction after line " + std::to_string(view.span.start.line) + " (the view that replaces " +
                    lock->relation + ": the rename and the view commit together) and run this in a new migration";
            return;
        }
        f.fix = "end the transaction after line " + line + " and run this in a new migration, or move this "
                "statement before line " + line;
        if (auto recipe = split_after_exclusive_locks(ctx, scope)) f.recipe = std::move(*recipe);
        return;
    }
}

void check(const FileContext& ctx, Sink& sink) {
    for (const auto& scope : transactions(ctx)) check_scope(ctx, scope, sink);
}

}  // namespace

PGFENCE_RULE(statement_after_access_exclusive) {
    return Rule{"statement-after-access-exclusive", Risk::Medium,
                "statements after an ACCESS EXCLUSIVE lock in the same transaction extend the outage", nullptr, check,
                true, "transactions"};
}

}  // namespace pgfence::analyze::rules
