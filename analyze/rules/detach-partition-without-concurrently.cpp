#include "analyze/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<AlterTableStmt>();
    if (stmt == nullptr) return;
    const std::string& parent = ctx.display_name(stmt->relation);
    const LockFact* lock = existing(ctx.statement, parent);
    if (lock == nullptr || !blocks_reads_or_writes(*lock)) return;  // a parent created in this migration
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        const auto* pc = pg::as<PartitionCmd>(cmd->def);
        if (cmd->subtype != AT_DetachPartition || pc == nullptr) continue;
        if (pc->concurrent || pc->name == nullptr) continue;
        std::string partition = pg::display_name(pc->name);
        Finding& f = sink.add(ctx.statement, "DETACH PARTITION " + partition + " takes " + a_lock(*lock) +
                                                 ": it waits for every running query on " + parent +
                                                 ", and every new query on " + parent + " waits behind it");
        f.relation = parent;
        f.subcommand = pg::index_of(stmt->cmds, cmd);
        if (ctx.options.pg_version < 14) {
            f.fix = "set a short lock_timeout and retry on timeout (DETACH PARTITION CONCURRENTLY needs PostgreSQL 14)";
            continue;
        }
        f.fix = outside_transaction_fix(ctx, "use DETACH PARTITION ... CONCURRENTLY");
        std::string sql = "ALTER TABLE " + parent + " DETACH PARTITION " + partition + " CONCURRENTLY;\n" +
                          comment_lines("Not allowed while " + parent + " has a DEFAULT partition. If it is interrupted,\n"
                                        "finish it with: ALTER TABLE " + parent + " DETACH PARTITION " + partition + " FINALIZE;");
        if (pg::length(stmt->cmds) > 1) sql += "\n-- CONCURRENTLY cannot be combined with other subcommands: run those separately.";
        Recipe recipe;
        recipe.summary = "Detach with CONCURRENTLY, outside a transaction: queries on the parent keep running";
        recipe.steps.push_back({"Migration (no transaction)", sql, false});
        f.recipe = std::move(recipe);
    }
}

}  // namespace

PGFENCE_RULE(detach_partition_without_concurrently) {
    return Rule{"detach-partition-without-concurrently", Risk::High,
                "DETACH PARTITION without CONCURRENTLY blocks reads and writes of the partitioned table", check,
                nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
