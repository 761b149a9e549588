#include <algorithm>

#include "analyze/rules/common.hpp"
#include "analyze/rules/registry_transaction.hpp"
#include "analyze/rules/transaction_work.hpp"

namespace pgfence::analyze::rules {
namespace {

void check_scope(const FileContext& ctx, const TransactionScope& scope, Sink& sink) {
    ExclusiveTables tables = exclusive_tables(ctx, scope);
    if (tables.second < 0) return;
    // Work under the held locks at that statement: work-under-held-lock reports it, naming them all.
    if (has_held_work(work_under_held_locks(ctx, scope), tables.second)) return;
    struct Held {
        const LockFact* lock;
        const StatementFacts* statement;
    };
    std::vector<Held> held;
    for (const auto& [lock, by] : tables.held) held.push_back({lock, by});
    const StatementFacts* second = &ctx.file.statements[static_cast<std::size_t>(tables.second)];
    std::string list;
    for (std::size_t n = 0; n < held.size(); ++n) {
        std::string item = held[n].lock->relation + " (line " + std::to_string(held[n].statement->span.start.line) + ")";
        list += (n == 0 ? "" : n + 1 == held.size() ? " and " : ", ") + item;
    }
    Pace pace = pace_after(ctx, scope.first, held[0].statement->index, scope.last);
    // One statement locking two tables queues for the second while holding the first.
    if (pace.kind != Pace::Slow && held[1].statement == held[0].statement &&
        unbounded_wait(*held[0].statement, {held[0].lock->relation}) != nullptr) {
        pace = {Pace::Slow, "the " + held[0].statement->tag + " at line " + std::to_string(held[0].statement->span.start.line) +
                                " can queue for its lock on " + held[1].lock->relation + " with no lock_timeout"};
    }
    // Table-sized work under the held locks has a HIGH finding of its own at its line (its own
    // rule's, or work-under-held-lock's naming every lock it keeps held): this one names it, and
    // stays MEDIUM for what is its own, the locks held together. Before the second table is
    // locked, only the first one is held across it.
    const bool work = pace.kind == Pace::Slow && pace.work;
    std::string while_held = pace.at >= tables.second || !work ? " while they are held" : " while " + held[0].lock->relation + " is held";
    std::string how = pace.kind == Pace::Slow      ? "; " + pace.why + while_held + (work ? " (reported at its line)" : "")
                      : pace.kind == Pace::Instant ? "; " + instant_text(pace) + ", so the tables are blocked for moments"
                                                   : "";
    Finding& f = sink.add(*second, "this transaction holds " + std::string(lock_mode_name(held[0].lock->mode)) + " locks on " + list +
                                       " together until it ends: each table stays blocked for the whole transaction, "
                                       "and application transactions that lock them in another order can deadlock "
                                       "with it" + how);
    f.fold_note = "the transaction holds " + std::string(lock_mode_name(held[0].lock->mode)) + " on " + list +
                  " together until COMMIT, and application transactions that lock them in another order can deadlock with it" + how;
    if (pace.kind == Pace::Instant) f.risk = Risk::Low;
    // Only a wait for a lock without lock_timeout keeps them held (instant catalog changes
    // otherwise: atuin's three DROP DEFAULTs, hoppscotch's two nullable ADD COLUMNs): what
    // bounds it is the lock_timeout lock-timeout-missing asks for, not a split (the outside
    // DBA rated HIGH overstated there).
    if (pace.kind == Pace::Unknown || pace.kind == Pace::Slow) f.risk = Risk::Medium;
    f.relation = held[1].lock->relation;
    if (auto recipe = split_after_exclusive_locks(ctx, scope)) f.recipe = std::move(*recipe);
    // One statement that takes them all (DROP TABLE of a table with a foreign key, dropping the
    // foreign key itself: PostgreSQL locks the referenced table too) has nothing to split.
    // (DROP TABLE a, b names them both: that one splits.)
    const auto index = static_cast<std::size_t>(held[0].statement->index);
    const auto* drop = index < ctx.stmts.size() ? pg::as<DropStmt>(ctx.stmts[index]) : nullptr;
    const pg::Node* node = index < ctx.stmts.size() ? ctx.stmts[index] : nullptr;
    const bool one_statement = std::all_of(held.begin(), held.end(), [&](const Held& h) { return h.statement == held[0].statement; }) &&
                               ((drop != nullptr && drop->removeType == OBJECT_TABLE && pg::length(drop->objects) == 1) ||
                                pg::is<AlterTableStmt>(node));
    // Splitting a statement helps only where it names several tables (DROP TABLE a, b; TRUNCATE
    // a, b; LOCK a, b). Otherwise the second table's lock comes with the statement (a column type
    // change rebuilds the foreign keys that reference it: the outside DBA's vaultwarden
    // fix_attachments), and there is nothing to split.
    bool names_several = false;
    for (const Held& h : held) {
        const auto at = static_cast<std::size_t>(h.statement->index);
        const pg::Node* n = at < ctx.stmts.size() ? ctx.stmts[at] : nullptr;
        if (const auto* d = pg::as<DropStmt>(n)) names_several = names_several || pg::length(d->objects) > 1;
        if (const auto* t = pg::as<TruncateStmt>(n)) names_several = names_several || pg::length(t->relations) > 1;
        if (const auto* l = pg::as<LockStmt>(n)) names_several = names_several || pg::length(l->relations) > 1;
    }
    f.fix = f.recipe ? "split the transaction so each migration locks one table and ends right after that statement"
            : one_statement ? "nothing to split: the statement locks the tables its foreign keys join, together; set "
                              "lock_timeout before it so that it gives up rather than queue, and retry"
            : !names_several ? "nothing to split: each statement locks the tables its foreign keys join, together; set "
                               "lock_timeout before them so that the migration gives up rather than queue, and retry"
                : "split the statement that locks several tables into one statement per table, each in its own migration";
}

void check(const FileContext& ctx, Sink& sink) {
    for (const auto& scope : transactions(ctx)) check_scope(ctx, scope, sink);
}

}  // namespace

PGFENCE_RULE(multiple_access_exclusive_in_transaction) {
    return Rule{"multiple-access-exclusive-in-transaction", Risk::High,
                "one transaction holds ACCESS EXCLUSIVE locks on two or more existing tables", nullptr, check, true,
                "transactions"};
}

}  // namespace pgfence::analyze::rules
