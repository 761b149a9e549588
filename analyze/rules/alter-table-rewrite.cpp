#include "analyze/rules/common.hpp"
#include "analyze/json_access.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

void check(const StatementContext& ctx, Sink& sink) {
    if (ctx.kind() != "AlterTableStmt") return;
    const json& stmt = ctx.body();
    std::string table = range_var_name(member(stmt, "relation"));
    const LockFact* lock = existing_table_lock(ctx.statement, table);
    if (lock == nullptr) return;
    for (const json* cmd : alter_cmds(stmt)) {
        std::string sub = cmd->value("subtype", std::string());
        std::string what, target;
        if (sub == "AT_SetTableSpace") {
            what = "SET TABLESPACE";
            target = " " + quote_ident(cmd->value("name", std::string()));
        } else if (sub == "AT_SetAccessMethod") {
            what = "SET ACCESS METHOD";
            target = " " + quote_ident(cmd->value("name", std::string()));
        } else {
            continue;
        }
        const TableEffect* rewrite = effect_for(ctx.statement.rewrites, table, what + ":");
        if (rewrite == nullptr) continue;
        Finding& f = sink.add(ctx.statement, what + target + (sub == "AT_SetTableSpace" ? " copies " : " rewrites ") + lock->kind + " " + table + " while holding " +
                                                 describe_lock(*lock) + ": " + effect_detail(*rewrite));
        f.relation = table;
        f.fix = sub == "AT_SetTableSpace"
                    ? "move it while it is small or in a maintenance window; for an index, build a copy with CREATE INDEX CONCURRENTLY ... TABLESPACE and drop the old one"
                    : "there is no online way: run it in a maintenance window, with a short lock_timeout";
    }
}

}  // namespace

Rule rule_alter_table_rewrite() {
    return Rule{"alter-table-rewrite", Risk::High,
                "ALTER TABLE ... SET TABLESPACE / SET ACCESS METHOD copies the whole relation while reads and writes wait",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
