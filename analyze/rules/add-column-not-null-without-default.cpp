#include <map>
#include <string>
#include <vector>

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

// "a", "a and b", "a, b and c".
std::string listed(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t k = 0; k < names.size(); ++k) out += (k == 0 ? "" : k + 1 == names.size() ? " and " : ", ") + names[k];
    return out;
}

void check(const StatementContext& ctx, Sink& sink) {
    // One finding per table for every such column of the statement (ADD COLUMN a ..., ADD COLUMN
    // b ...: one problem, the table's rows), at the first of them.
    std::map<std::string, std::vector<std::string>> columns;
    auto applies = [](const AddedColumn& c) { return column_constraint(c.def, CONSTR_NOTNULL) != nullptr && !fills_itself(c.def); };
    each_added_column(ctx, TableEffectNeeded::scan, [&](const AlteredTable& t, const AddedColumn& c) {
        if (applies(c)) columns[t.table].push_back(c.col);
    });
    each_added_column(ctx, TableEffectNeeded::scan, [&](const AlteredTable& t, const AddedColumn& c) {
        if (!applies(c)) return;
        const std::vector<std::string>& all = columns[t.table];
        if (all.empty() || all.front() != c.col) return;
        const bool one = all.size() == 1;
        std::string names = listed(all);
        Finding& f = sink.add(ctx.statement, "ADD COLUMN " + names + " NOT NULL without a default fails as soon as " +
                                                 t.table + " has a row; it holds " + describe_lock(t.lock) +
                                                 " while it checks");
        f.relation = t.table;
        std::string them = one ? "it" : "them";
        f.fix = ctx.options.pg_version >= 11
                    ? "add " + names + " nullable, backfill " + them + ", then SET NOT NULL through a validated CHECK; or give " +
                          (one ? "it a constant DEFAULT" : "each a constant DEFAULT") + " (instant since PostgreSQL 11)"
                    : "add " + names + " nullable, backfill " + them + ", then enforce NOT NULL through a validated CHECK";
        // The recipe is one column's; for several, the fix says what to do.
        if (one) f.recipe = make_recipe(ctx, c.cmd, c.def, t.table, std::string(pg::relname(t.relation)));
        columns[t.table].clear();
    });
}

}  // namespace

PGFENCE_RULE(add_column_not_null_without_default) {
    return Rule{"add-column-not-null-without-default", Risk::High,
                "ADD COLUMN ... NOT NULL without a default fails on a table that has rows", check, nullptr, true,
                "locking"};
}

}  // namespace pgfence::analyze::rules
