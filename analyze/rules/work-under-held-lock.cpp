#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_dml.hpp"
#include "analyze/rules/registry_transaction.hpp"
#include "analyze/rules/transaction_work.hpp"

namespace pgfence::analyze::rules {
namespace {

void report(const FileContext& ctx, const TransactionScope& scope, const HeldWork& held, const ExclusiveTables& tables,
            Sink& sink) {
    const StatementFacts& s = ctx.file.statements[static_cast<std::size_t>(held.index)];
    const LockFact& lock = *held.lock;
    std::string line = std::to_string(held.by->span.start.line);
    std::string what = s.tag.empty() ? std::string("statement") : s.tag;
    std::vector<std::pair<const LockFact*, const StatementFacts*>> locks{{held.lock, held.by}};
    locks.insert(locks.end(), held.others.begin(), held.others.end());
    std::string holds = held_locks_clause(locks);
    std::string also;
    // Where a second table joins the exclusive locks, this finding also carries that cause
    // (multiple-access-exclusive-in-transaction stays silent on this statement).
    if (tables.second == held.index) {
        std::string list;
        for (std::size_t n = 0; n < tables.held.size(); ++n) {
            list += (n == 0 ? "" : n + 1 == tables.held.size() ? " and " : ", ") + tables.held[n].first->relation;
        }
        also = "; with this statement it holds ACCESS EXCLUSIVE on " + list +
               " together, and application transactions that lock them in another order can deadlock with it";
    }
    // A WHERE that matches every row: what proves it (the schema, a fill, a new column's NULLs).
    std::string proof;
    if (auto every = every_row_write(ctx.stmts, s, ctx.stmts[static_cast<std::size_t>(held.index)], ctx.memo);
        every && !every->joined && !every->why.empty()) {
        proof = " (WHERE " + operation::shortened(operation::split_where(s.sql).where, 60) + " matches every row: " + every->why + ")";
    }
    Finding& f = sink.add(s, "this " + what + " " + held.work.what + proof + " while " + holds + also);
    f.fold_note = holds + also;
    f.relation = lock.relation;
    // A whole-table write, or an UPDATE or DELETE that reads every row for the ones it changes.
    bool batch = backfill(ctx, s.index).has_value() || s.tag == "UPDATE" || s.tag == "DELETE";
    f.fix = "commit after line " + line + " and run this " + what + " in a migration of its own" +
            (batch ? ", in batches out of band for a backfill" : "");
    if (lock.mode == LockMode::AccessExclusive || tables.second == held.index) {
        if (auto recipe = split_after_exclusive_locks(ctx, scope)) f.recipe = std::move(*recipe);
    }
}

void check_scope(const FileContext& ctx, const TransactionScope& scope, Sink& sink) {
    ExclusiveTables tables = exclusive_tables(ctx, scope);
    for (const auto& held : work_under_held_locks(ctx, scope)) report(ctx, scope, held, tables, sink);
}

void check(const FileContext& ctx, Sink& sink) {
    for (const auto& scope : transactions(ctx)) check_scope(ctx, scope, sink);
}

}  // namespace

PGFENCE_RULE(work_under_held_lock) {
    return Rule{"work-under-held-lock", Risk::High,
                "a scan, rewrite, index build or backfill runs while an earlier statement of the transaction keeps a "
                "table blocked",
                nullptr, check, true, "transactions"};
}

}  // namespace pgfence::analyze::rules
