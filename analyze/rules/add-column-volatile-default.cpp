#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

Recipe make_recipe(const StatementContext& ctx, const AlterTableCmd* cmd, const ColumnDef* def,
                   const std::string& table, const std::string& relname) {
    ColumnText column = column_text(ctx.statement.sql, def);
    std::string col = quote_ident(column.name);
    std::string value;
    for (const auto& p : column.pieces) {
        if (p.is(CONSTR_DEFAULT)) value = default_expression(p);
    }
    bool not_null = column_constraint(def, CONSTR_NOTNULL) != nullptr;
    ConstrTypes handled = {CONSTR_NOTNULL, CONSTR_DEFAULT};
    Recipe recipe;
    recipe.summary = "Add the column without a default, set the default for new rows, and backfill existing rows in batches" +
                     std::string(not_null ? ", then make it NOT NULL through a validated CHECK" : "");
    int number = 1;
    std::string first = others_note(ctx.as<AlterTableStmt>()) + add_column_sql(table, cmd, column_sql(column, {})) + ";\n" +
                        "ALTER TABLE " + table + " ALTER COLUMN " + col + " SET DEFAULT " + value + ";\n" +
                        "-- Both instant: the default applies to rows inserted from now on." +
                        later_constraints_note(column, handled, LaterConstraints::separately);
    recipe.steps.push_back({migration_title(number), first, true});
    recipe.steps.push_back(backfill_step(table, column.name, value));
    if (not_null) add_not_null_steps(recipe, number, table, relname, {column.name}, ctx.options.pg_version);
    return recipe;
}

void check(const StatementContext& ctx, Sink& sink) {
    each_added_column(ctx, TableEffectNeeded::none, [&](const AlteredTable& t, const AddedColumn& c) {
        if (real_default(c.def) == nullptr || !serial_base_type(c.def).empty() ||
            column_constraint(c.def, CONSTR_IDENTITY) != nullptr || column_constraint(c.def, CONSTR_GENERATED) != nullptr) {
            return;
        }
        if (c.rewrite == nullptr) return;  // a constant or STABLE default: stored once, no rewrite
        Finding& f = sink.add(ctx.statement, "ADD COLUMN " + c.col + (c.rewrite->certain ? " rewrites " : " may rewrite ") +
                                                 t.table + " while holding " + describe_lock(t.lock) + ": " +
                                                 effect_detail(*c.rewrite));
        if (!c.rewrite->certain) f.risk = Risk::Medium;
        f.relation = t.table;
        f.fix = "add " + c.col + " without the default, SET DEFAULT for new rows, then backfill existing rows in batches";
        f.recipe = make_recipe(ctx, c.cmd, c.def, t.table, std::string(pg::relname(t.relation)));
    });
}

}  // namespace

PGFENCE_RULE(add_column_volatile_default) {
    return Rule{"add-column-volatile-default", Risk::High,
                "ADD COLUMN with a volatile default rewrites every row while the table is locked", check, nullptr,
                true, "locking", SizeWork::rewrite};
}

}  // namespace pgfence::analyze::rules
