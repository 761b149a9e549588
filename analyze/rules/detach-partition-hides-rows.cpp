// ALTER TABLE parent DETACH PARTITION p [CONCURRENTLY | FINALIZE] on a partitioned table the
// migration did not create: from the moment it commits the partition's rows no longer belong to
// the parent. The application's queries of the parent stop seeing them, and its inserts for the
// partition's range fail "no partition of relation ... found for row" (or go to the DEFAULT
// partition, where there is one). Checked on PostgreSQL 15 (red team F1, G_DETACHCONC): after
// DETACH ... CONCURRENTLY `SELECT count(*) FROM events` went 2 -> 0 and an INSERT for 2026 failed.
// CONCURRENTLY only shortens the lock (detach-partition-without-concurrently); what the detach
// does to the rows is the same in every form, so every form is reported here.
#include <string>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<AlterTableStmt>();
    if (stmt == nullptr || stmt->relation == nullptr) return;
    const std::string& parent = ctx.display_name(stmt->relation);
    if (existing(ctx.statement, parent) == nullptr) return;  // a parent created in this migration
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        const auto* pc = pg::as<PartitionCmd>(cmd->def);
        if (cmd->subtype != AT_DetachPartition && cmd->subtype != AT_DetachPartitionFinalize) continue;
        if (pc == nullptr || pc->name == nullptr) continue;
        const std::string partition = pg::display_name(pc->name);
        const std::string form = cmd->subtype == AT_DetachPartitionFinalize ? " FINALIZE"
                                 : pc->concurrent                          ? " CONCURRENTLY"
                                                                           : "";
        Finding& f = sink.add(ctx.statement, "DETACH PARTITION " + partition + form + " takes " + partition + "'s rows out of " +
                                                 parent + ": from the moment it commits, the running release's queries of " +
                                                 parent + " no longer see them, and its inserts into " + parent +
                                                 " for that range fail \"no partition of relation found for row\" (or go to the "
                                                 "DEFAULT partition, where there is one), with no lock to show it");
        f.relation = parent;
        f.subcommand = pg::index_of(stmt->cmds, cmd);
        f.fix = "detach only a partition no deployed code reads or writes any more (an old range), after archiving its rows "
                "where the application expects them";
    }
}

}  // namespace

PGFENCE_RULE(detach_partition_hides_rows) {
    return Rule{"detach-partition-hides-rows", Risk::High,
                "DETACH PARTITION (CONCURRENTLY or not) of an existing partitioned table takes the partition's rows out of it",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
