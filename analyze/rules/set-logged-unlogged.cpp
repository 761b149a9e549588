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
        if (sub != "AT_SetLogged" && sub != "AT_SetUnLogged") continue;
        std::string what = sub == "AT_SetLogged" ? "SET LOGGED" : "SET UNLOGGED";
        const TableEffect* rewrite = effect_for(ctx.statement.rewrites, table, what + ":");
        if (rewrite == nullptr) continue;
        Finding& f = sink.add(ctx.statement, what + " rewrites " + table + " while holding " + describe_lock(*lock) + ": " +
                                                 effect_detail(*rewrite) +
                                                 (sub == "AT_SetLogged" ? ", and every page is written to the WAL" : ""));
        f.relation = table;
        f.fix = sub == "AT_SetLogged"
                    ? "there is no online way: run it while " + table + " is small or in a maintenance window, with a short lock_timeout"
                    : "there is no online way: run it in a maintenance window, with a short lock_timeout";
    }
}

}  // namespace

Rule rule_set_logged_unlogged() {
    return Rule{"set-logged-unlogged", Risk::High,
                "ALTER TABLE ... SET LOGGED / SET UNLOGGED copies the whole table while reads and writes wait", check,
                nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
