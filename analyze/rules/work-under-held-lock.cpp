#include <set>

#include "analyze/rules/common.hpp"
#include "analyze/rules/registry_transaction.hpp"
#include "analyze/rules/transaction_work.hpp"

namespace pgfence::analyze::rules {
namespace {

// The strongest lock the transaction holds on a relation, and the statement that took it.
struct Held {
    const LockFact* lock;
    const StatementFacts* by;
};

bool blocks_more(LockMode held, const LockFact* own) {
    Blocks h = blocks_of(held);
    Blocks o = own != nullptr ? blocks_of(own->mode) : Blocks{};
    return (h.reads && !o.reads) || (h.writes && !o.writes);
}

void report(const FileContext& ctx, const TransactionScope& scope, const StatementFacts& s, const TableWork& work,
            const Held& held, Sink& sink) {
    const LockFact& lock = *held.lock;
    bool reads = blocks_of(lock.mode).reads;
    std::string line = std::to_string(held.by->span.start.line);
    std::string taker = held.by->tag.empty() ? std::string("the statement") : held.by->tag;
    std::string what = s.tag.empty() ? std::string("statement") : s.tag;
    Finding& f = sink.add(s, lock.relation + (reads ? " stays unreadable" : " stays read-only") + ": " +
                                 std::string(lock_mode_name(lock.mode)) + " taken by " + taker + " at line " + line +
                                 " is held until COMMIT while this " + what + " " + work.what + " (" +
                                 (reads ? "reads, writes and DDL" : "writes and DDL") + " on " + lock.relation +
                                 " wait for all of it)");
    f.relation = lock.relation;
    bool batch = backfill(ctx, s.index).has_value();
    f.fix = "commit after line " + line + " and run this " + what + " in a migration of its own" +
            (batch ? ", in batches out of band for a backfill" : "");
    if (lock.mode != LockMode::AccessExclusive) return;
    if (auto recipe = split_after_exclusive_locks(ctx, scope)) f.recipe = std::move(*recipe);
}

void check_scope(const FileContext& ctx, const TransactionScope& scope, Sink& sink) {
    static const std::set<std::string> k_not_tables = {"index", "sequence", "schema"};
    std::vector<Held> held;
    for (int i = scope.first; i <= scope.last; ++i) {
        const StatementFacts& s = ctx.file.statements[static_cast<std::size_t>(i)];
        if (auto work = table_work(ctx, i)) {
            const Held* worst = nullptr;
            for (const auto& h : held) {
                if (!blocks_more(h.lock->mode, lock_on(s, h.lock->relation))) continue;
                bool same = h.lock->relation == work->relation;
                bool worst_same = worst != nullptr && worst->lock->relation == work->relation;
                if (worst == nullptr || (same && !worst_same) ||
                    (same == worst_same && h.lock->mode > worst->lock->mode)) {
                    worst = &h;
                }
            }
            if (worst != nullptr) report(ctx, scope, s, *work, *worst, sink);
        }
        for (const auto& l : s.locks) {
            if (l.is_new || k_not_tables.count(l.kind) > 0) continue;
            bool found = false;
            for (auto& h : held) {
                if (h.lock->relation != l.relation) continue;
                found = true;
                if (l.mode > h.lock->mode) h = Held{&l, &s};
            }
            if (!found) held.push_back(Held{&l, &s});
        }
    }
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
