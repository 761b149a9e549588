#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

void check(const StatementContext& ctx, Sink& sink) {
    each_alter_cmd(ctx, TableEffectNeeded::none, [&](const AlteredTable& t, const AlterTableCmd* cmd) {
        AlterTableType sub = cmd->subtype;
        if (sub != AT_SetLogged && sub != AT_SetUnLogged) return;
        std::string what = sub == AT_SetLogged ? "SET LOGGED" : "SET UNLOGGED";
        const TableEffect* rewrite = effect_for(ctx.statement.rewrites, t.table, what + ":");
        if (rewrite == nullptr) return;
        Finding& f = sink.add(ctx.statement, what + " rewrites " + t.table + " while holding " + describe_lock(t.lock) + ": " +
                                                 effect_detail(*rewrite) +
                                                 (sub == AT_SetLogged ? ", and every page is written to the WAL" : ""));
        f.relation = t.table;
        f.fix = sub == AT_SetLogged
                    ? "there is no online way: run it while " + t.table + " is small or in a maintenance window, with a short lock_timeout"
                    : "there is no online way: run it in a maintenance window, with a short lock_timeout";
    });
}

}  // namespace

PGFENCE_RULE(set_logged_unlogged) {
    return Rule{"set-logged-unlogged", Risk::High,
                "ALTER TABLE ... SET LOGGED / SET UNLOGGED copies the whole table while reads and writes wait", check,
                nullptr, true, "locking", SizeWork::rewrite};
}

}  // namespace pgfence::analyze::rules
