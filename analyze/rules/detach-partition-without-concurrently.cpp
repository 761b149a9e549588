#include "analyze/names.hpp"
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
             "-- Governance: a suppression the pull request adds does not lift its policy; an exemption from the service does.\n"
             "-- pgfence-ignore: detach-partition-without-concurrently -- " + parent +
             " has a DEFAULT partition, CONCURRENTLY is refused\n" + ctx.statement.sql + ";",
         true});
    return recipe;
}

// The name of the CHECK the plan puts on a partition before DETACH ... CONCURRENTLY.
std::string detach_check_name(const std::string& relname) {
    std::string name = relname + "_detach_check";
    if (name.size() > 63) name.resize(63);  // NAMEDATALEN - 1
    return name;
}

// DETACH ... CONCURRENTLY leaves on the partition a CHECK copying its bound (the plain DETACH
// does not) unless a validated CHECK already implies the bound: the statements that put one of
// our own there first, from the server's own text of the bound (dropped after the DETACH), so
// that the end state is the plain DETACH's.
std::string bound_check_before(const std::string& partition, const std::string& relname) {
    std::string name = detach_check_name(relname);
    std::string body = "BEGIN EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I CHECK (%s) NOT VALID', " +
                       quote_literal(partition) + "::regclass, " + quote_literal(name) +
                       ", pg_get_partition_constraintdef(" + quote_literal(partition) + "::regclass)); END";
    std::string block = body.find('$') == std::string::npos ? "DO $pgfence$ " + body + " $pgfence$;"
                                                             : "DO " + quote_literal(body) + ";";
    return comment_lines("CONCURRENTLY leaves a CHECK copying the bound on " + partition + ", the plain DETACH does not:\n"
                         "a validated CHECK of the bound added first takes its place, and is dropped after.") +
           "\n" + block + "\nALTER TABLE " + partition + " VALIDATE CONSTRAINT " + quote_ident(name) + ";\n";
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
        std::string sql = bound_check_before(partition, std::string(pg::relname(pc->name))) +
                          "ALTER TABLE " + parent + " DETACH PARTITION " + partition + " CONCURRENTLY;\n" +
                          "ALTER TABLE " + partition + " DROP CONSTRAINT " +
                          quote_ident(detach_check_name(std::string(pg::relname(pc->name)))) + ";\n" +
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
