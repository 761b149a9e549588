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
    const json& rv = member(stmt, "relation");
    std::string table = range_var_name(rv);
    const LockFact* lock = existing_table_lock(ctx.statement, table);
    if (lock == nullptr || effect_on(ctx.statement.scans, table) == nullptr) return;
    for (const json* cmd : alter_cmds(stmt)) {
        if (cmd->value("subtype", std::string()) != "AT_AddConstraint") continue;
        const json& con = member(member(*cmd, "def"), "Constraint");
        if (con.value("contype", std::string()) != "CONSTR_EXCLUSION") continue;
        std::string name = con.value("conname", std::string());
        Finding& f = sink.add(ctx.statement, "EXCLUDE constraint" + (name.empty() ? std::string() : " " + quote_ident(name)) +
                                                 " on " + table + " builds its index by reading every row while holding " +
                                                 describe_lock(*lock) + "; PostgreSQL has no concurrent way to add one");
        f.relation = table;
        f.fix = "add it while " + table + " is small or idle, with a short lock_timeout and retries; or enforce the rule another way";
    }
}

}  // namespace

Rule rule_add_exclusion_constraint() {
    return Rule{"add-exclusion-constraint", Risk::High,
                "ADD CONSTRAINT ... EXCLUDE builds its index while reads and writes wait, with no concurrent alternative",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
