#include "analyze/json_access.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    if (ctx.kind() != "AlterTableStmt") return;
    const json& stmt = ctx.body();
    std::string table = range_var_name(member(stmt, "relation"));
    const LockFact* lock = lock_on(ctx.statement, table);
    if (lock == nullptr || lock->is_new) return;
    for (const auto& item : member(stmt, "cmds")) {
        const json& cmd = member(item, "AlterTableCmd");
        if (cmd.value("subtype", std::string()) != "AT_DropNotNull") continue;
        std::string column = cmd.value("name", std::string());
        Finding& f = sink.add(ctx.statement, "DROP NOT NULL on " + table + "." + quote_ident(column) +
                                                 " lets NULLs in, and the code that reads it may not expect them; it also takes " +
                                                 describe_lock(*lock));
        f.relation = table;
        f.fix = "deploy readers that handle NULL in " + quote_ident(column) + " before this migration";
    }
}

}  // namespace

Rule rule_drop_not_null() {
    return Rule{"drop-not-null", Risk::Low, "Dropping NOT NULL lets NULLs reach readers that do not expect them",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
