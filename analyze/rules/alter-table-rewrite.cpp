#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

void check(const StatementContext& ctx, Sink& sink) {
    // ADD COLUMN of a domain with constraints, no DEFAULT of its own: PostgreSQL checks every row's
    // value against the domain, rewriting the table (tablecmds.c ATExecAddColumn: DomainHasConstraints
    // forces the rewrite; red team h1 T_ADDDOMCOL, PG15: users' relfilenode changes). A DEFAULT of the
    // column's own is add-column-volatile-default's.
    each_added_column(ctx, TableEffectNeeded::none, [&](const AlteredTable& t, const AddedColumn& c) {
        if (real_default(c.def) != nullptr || c.rewrite == nullptr || !c.rewrite->certain) return;
        if (c.rewrite->reason.find("domain ") == std::string::npos ||
            (c.rewrite->reason.find("has constraints") == std::string::npos && c.rewrite->reason.find("has a volatile DEFAULT") == std::string::npos)) {
            return;
        }
        Finding& f = sink.add(ctx.statement, "ADD COLUMN " + c.col + " rewrites " + t.lock.kind + " " + t.table + " while holding " +
                                                 describe_lock(t.lock) + ": " + effect_detail(*c.rewrite));
        f.relation = t.table;
        f.fix = c.rewrite->reason.find("has a volatile DEFAULT") != std::string::npos
                    ? "add the column with the domain's base type and no default (instant), SET DEFAULT for new rows, then "
                      "backfill the existing rows in batches"
                    : "add the column with the domain's base type and its condition as a CHECK ... NOT VALID (instant), then VALIDATE "
                      "CONSTRAINT in a later migration; or add it while the table is small";
    });
    each_alter_cmd(ctx, TableEffectNeeded::none, [&](const AlteredTable& t, const AlterTableCmd* cmd) {
        AlterTableType sub = cmd->subtype;
        std::string what, target;
        if (sub == AT_SetTableSpace) {
            what = "SET TABLESPACE";
            target = " " + quote_ident(pg::text(cmd->name));
        } else if (sub == AT_SetAccessMethod) {
            what = "SET ACCESS METHOD";
            target = " " + quote_ident(pg::text(cmd->name));
        } else {
            return;
        }
        const TableEffect* rewrite = effect_for(ctx.statement.rewrites, t.table, what + ":");
        if (rewrite == nullptr) return;
        Finding& f = sink.add(ctx.statement, what + target + (sub == AT_SetTableSpace ? " copies " : " rewrites ") + t.lock.kind + " " + t.table + " while holding " +
                                                 describe_lock(t.lock) + ": " + effect_detail(*rewrite));
        f.relation = t.table;
        f.fix = sub == AT_SetTableSpace
                    ? "move it while it is small or in a maintenance window; for an index, build a copy with CREATE INDEX CONCURRENTLY ... TABLESPACE and drop the old one"
                    : "there is no online way: run it in a maintenance window, with a short lock_timeout";
    });
}

}  // namespace

PGFENCE_RULE(alter_table_rewrite) {
    return Rule{"alter-table-rewrite", Risk::High,
                "ALTER TABLE ... SET TABLESPACE / SET ACCESS METHOD, or ADD COLUMN of a domain with constraints or a volatile DEFAULT, copies the whole relation while reads and writes wait",
                check, nullptr, true, "locking", SizeWork::rewrite};
}

}  // namespace pgfence::analyze::rules
