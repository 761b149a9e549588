#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<AlterTableStmt>();
    if (stmt == nullptr) return;
    const std::string& table = ctx.display_name(stmt->relation);
    const LockFact* lock = lock_on(ctx.statement, table);
    if (lock == nullptr || lock->is_new) return;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        if (cmd->subtype != AT_DropNotNull) continue;
        std::string column(pg::text(cmd->name));
        Finding& f = sink.add(ctx.statement, "DROP NOT NULL on " + table + "." + quote_ident(column) +
                                                 " lets NULLs in, and the code that reads it may not expect them; it also takes " +
                                                 describe_lock(*lock));
        f.relation = table;
        f.subcommand = pg::index_of(stmt->cmds, cmd);
        f.fix = "deploy readers that handle NULL in " + quote_ident(column) + " before this migration";
    }
}

}  // namespace

PGFENCE_RULE(drop_not_null) {
    return Rule{"drop-not-null", Risk::Low, "Dropping NOT NULL lets NULLs reach readers that do not expect them",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
