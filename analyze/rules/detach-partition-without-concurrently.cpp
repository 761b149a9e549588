#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

// The parent's DEFAULT partition, when the facts lock one: besides the parent and the partition
// detached, DETACH locks only the default partition (its constraint changes). "" when none is known.
std::string default_partition(const StatementFacts& statement, const std::string& parent, const std::string& partition) {
    for (const LockFact& l : statement.locks) {
        if (l.is_new || l.kind != "table" || l.relation == parent || l.relation == partition) continue;
        return l.relation;
    }
    return {};
}

// DETACH ... CONCURRENTLY is refused while the parent has a DEFAULT partition: the plain DETACH with
// a short lock_timeout, retried, at a quiet moment.
Recipe plain_detach_recipe(const StatementContext& ctx, const std::string& parent, const std::string& partition,
                           const std::string& fallback) {
    Recipe recipe;
    recipe.summary = parent + " has a DEFAULT partition, so CONCURRENTLY is refused: detach with a short lock_timeout, at a quiet moment";
    recipe.steps.push_back(
        {"Migration",
         "-- DETACH PARTITION ... CONCURRENTLY is refused while " + parent + " has a DEFAULT partition (" + fallback +
             ").\n-- With a short lock_timeout the DETACH gives up, rather than queue the table's queries behind it,\n"
             "-- when it cannot have its locks at once: run it again until it succeeds.\n"
             "SET lock_timeout = '2s';\n"
             "-- pgfence-ignore: detach-partition-without-concurrently -- " + parent +
             " has a DEFAULT partition, CONCURRENTLY is refused\n" + ctx.statement.sql + ";",
         true, true});
    return recipe;
}

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
        if (std::string fallback = default_partition(ctx.statement, parent, partition); !fallback.empty()) {
            f.fix = "detach at a quiet moment with a short lock_timeout (" + parent +
                    " has a DEFAULT partition, which CONCURRENTLY refuses)";
            f.recipe = plain_detach_recipe(ctx, parent, partition, fallback);
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
