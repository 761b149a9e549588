#include <set>

#include "analyze/rules/common.hpp"
#include "analyze/rules/registry_transaction.hpp"

namespace pgfence::analyze::rules {
namespace {

struct Held {
    const LockFact* lock;
    const StatementFacts* by;
};

// The modes application traffic holds: reads (ACCESS SHARE), SELECT ... FOR UPDATE/SHARE
// (ROW SHARE), writes (ROW EXCLUSIVE).
constexpr LockMode k_traffic[] = {LockMode::AccessShare, LockMode::RowShare, LockMode::RowExclusive};

// Does `stronger` conflict with a mode the application holds that `held` does not conflict
// with? Then taking it waits for that traffic while this transaction keeps what it already has.
// ACCESS SHARE then ROW EXCLUSIVE (a read, then an UPDATE, of one table) waits for no reader or
// writer: only for a CREATE INDEX or an explicit LOCK, which is not a migration's traffic.
bool upgrade(LockMode held, LockMode stronger) {
    if (stronger <= held) return false;
    for (LockMode other : k_traffic) {
        if (conflicts(stronger, other) && !conflicts(held, other)) return true;
    }
    return false;
}

// Whose transactions the upgrade to `mode` queues behind.
std::string queued_behind(LockMode mode, const std::string& table) {
    if (conflicts(mode, LockMode::AccessShare)) return "every transaction using " + table;
    if (conflicts(mode, LockMode::RowShare)) return "every transaction writing or locking rows of " + table;
    return "every transaction writing " + table;
}

// Who can end up waiting for this transaction while this one waits for it.
std::string deadlock_partner(const LockFact& first, const std::string& line) {
    const std::string& t = first.relation;
    if (first.mode == LockMode::RowExclusive) {
        return "an application transaction that has written " + t + " and then updates one of the rows line " + line +
               " changed";
    }
    if (blocks_of(first.mode).writes) return "an application transaction that has read " + t + " and then writes it";
    return "an application transaction that has read " + t + " and then needs a lock this transaction holds";
}

void report(const Held& first, const StatementFacts& s, const LockFact& l, Sink& sink) {
    std::string line = std::to_string(first.by->span.start.line);
    std::string taker = first.by->tag.empty() ? std::string("a statement") : "the " + first.by->tag;
    std::string what = s.tag.empty() ? std::string("this statement") : "this " + s.tag;
    Finding& f = sink.add(s, l.relation + " is locked " + std::string(lock_mode_name(first.lock->mode)) + " by " + taker +
                                 " at line " + line + ", then " + std::string(lock_mode_name(l.mode)) + " by " + what +
                                 ": the upgrade queues behind " + queued_behind(l.mode, l.relation) +
                                 " while the first lock stays held, and " + deadlock_partner(*first.lock, line) +
                                 " waits for this transaction while this one waits for it: a deadlock, which "
                                 "PostgreSQL breaks by aborting one of them after deadlock_timeout");
    f.fold_note = "it upgrades the " + std::string(lock_mode_name(first.lock->mode)) + " lock " + taker + " at line " + line +
                  " took on " + l.relation + " to " + std::string(lock_mode_name(l.mode)) + ": it queues behind " +
                  queued_behind(l.mode, l.relation) + ", and can deadlock with " + deadlock_partner(*first.lock, line);
    // MEDIUM: PostgreSQL breaks the deadlock by aborting one side (a migration that set
    // lock_timeout, as lock-timeout-missing asks, gives up the wait sooner), and the blocking the
    // upgrade's own lock causes is that statement's finding. An outside DBA judged the HIGH of
    // this rule overstated on 9 of 9 sampled findings (a CREATE INDEX then DROP INDEX swap, a
    // DELETE or foreign key then ALTER TABLE).
    f.risk = Risk::Medium;
    f.relation = l.relation;
    // Committing in between is the fix: taking the strongest lock first (LOCK TABLE before line N)
    // ends the deadlock but blocks the table for the whole transaction, which lock-table reports
    // (a fix that only moves the finding: issue #34).
    f.fix = "commit after line " + line + " and run this in a migration of its own";
}

void check_scope(const FileContext& ctx, const TransactionScope& scope, Sink& sink) {
    static const std::set<std::string> k_not_tables = {"index", "sequence", "schema"};
    std::vector<Held> held;
    for (int i = scope.first; i <= scope.last; ++i) {
        const StatementFacts& s = ctx.file.statements[static_cast<std::size_t>(i)];
        std::vector<Held> taken;
        for (const auto& l : s.locks) {
            if (l.is_new || k_not_tables.count(l.kind) > 0) continue;
            bool found = false;
            for (const auto& h : held) {
                if (h.lock->relation != l.relation) continue;
                found = true;
                if (upgrade(h.lock->mode, l.mode)) report(h, s, l, sink);
            }
            if (!found) taken.push_back(Held{&l, &s});
        }
        for (auto& h : held) {
            const LockFact* now = lock_on(s, h.lock->relation);
            if (now != nullptr && now->mode > h.lock->mode) h = Held{now, &s};
        }
        held.insert(held.end(), taken.begin(), taken.end());
    }
}

void check(const FileContext& ctx, Sink& sink) {
    for (const auto& scope : transactions(ctx)) check_scope(ctx, scope, sink);
}

}  // namespace

PGFENCE_RULE(lock_upgrade_in_transaction) {
    return Rule{"lock-upgrade-in-transaction", Risk::Medium,
                "a transaction takes a weaker lock on a table, then a stronger one: a deadlock with concurrent writers",
                nullptr, check, true, "transactions"};
}

}  // namespace pgfence::analyze::rules
