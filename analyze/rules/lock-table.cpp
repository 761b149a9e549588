#include "analyze/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<LockStmt>();
    if (stmt == nullptr) return;
    for (const RangeVar* r : pg::each<RangeVar>(stmt->relations)) {
        std::string table = pg::display_name(r);
        const LockFact* lock = existing(ctx.statement, table);
        if (lock == nullptr || !blocks_reads_or_writes(*lock)) continue;  // new, or a mode that lets traffic through
        std::string tail = ctx.statement.transaction == Transaction::None
                               ? "; here it runs outside a transaction block, where PostgreSQL rejects LOCK TABLE"
                               : " and holds it until the transaction ends, through every statement after it";
        Finding& f = sink.add(ctx.statement, "LOCK TABLE " + table + " takes " + a_lock(*lock) + tail);
        f.relation = table;
        f.fix = "drop the explicit LOCK TABLE and let each statement take the lock it needs, or keep the transaction "
                "that holds it short and set lock_timeout before it";
    }
}

}  // namespace

PGFENCE_RULE(lock_table) {
    return Rule{"lock-table", Risk::High, "An explicit LOCK TABLE in a mode that blocks reads or writes", check,
                nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
