#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

bool fills_itself(const ColumnDef* def) {
    return real_default(def) != nullptr || !serial_base_type(def).empty() ||
           column_constraint(def, CONSTR_IDENTITY) != nullptr || column_constraint(def, CONSTR_GENERATED) != nullptr;
}

Recipe make_recipe(const StatementContext& ctx, const AlterTableCmd* cmd, const ColumnDef* def,
                   const std::string& table, const std::string& relname) {
    ColumnText column = column_text(ctx.statement.sql, def);
    std::string col = quote_ident(column.name);
    ConstrTypes handled = {CONSTR_NOTNULL, CONSTR_DEFAULT};
    Recipe recipe;
    recipe.summary = "Add the column nullable, backfill it, then make it NOT NULL through a validated CHECK";
    int number = 1;
    std::string first = others_note(ctx.as<AlterTableStmt>()) + add_column_sql(table, cmd, column_sql(column, {})) + ";" +
                        later_constraints_note(column, handled, LaterConstraints::separately) +
                        "\n-- Then deploy code that writes " + col + " on every insert, so no new row is left NULL.";
    recipe.steps.push_back({migration_title(number), first, true});
    recipe.steps.push_back(backfill_step(table, column.name, "<value>"));
    add_not_null_steps(recipe, number, table, relname, {column.name}, ctx.options.pg_version);
    return recipe;
}

void check(const StatementContext& ctx, Sink& sink) {
    each_added_column(ctx, TableEffectNeeded::scan, [&](const AlteredTable& t, const AddedColumn& c) {
        if (column_constraint(c.def, CONSTR_NOTNULL) == nullptr || fills_itself(c.def)) return;
        Finding& f = sink.add(ctx.statement, "ADD COLUMN " + c.col + " NOT NULL without a default fails as soon as " +
                                                 t.table + " has a row; it holds " + describe_lock(t.lock) +
                                                 " while it checks");
        f.relation = t.table;
        f.fix = ctx.options.pg_version >= 11
                    ? "add " + c.col + " nullable, backfill it, then SET NOT NULL through a validated CHECK; or give it a constant DEFAULT (instant since PostgreSQL 11)"
                    : "add " + c.col + " nullable, backfill it, then enforce NOT NULL through a validated CHECK";
        f.recipe = make_recipe(ctx, c.cmd, c.def, t.table, std::string(pg::relname(t.relation)));
    });
}

}  // namespace

PGFENCE_RULE(add_column_not_null_without_default) {
    return Rule{"add-column-not-null-without-default", Risk::High,
                "ADD COLUMN ... NOT NULL without a default fails on a table that has rows", check, nullptr, true,
                "locking"};
}

}  // namespace pgfence::analyze::rules
