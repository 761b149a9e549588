#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

Recipe make_recipe(const StatementContext& ctx, const AlterTableCmd* cmd, const ColumnDef* def,
                   const Constraint* generated, const RangeVar* rv) {
    const std::string& sql = ctx.statement.sql;
    std::string table = pg::display_name(rv);
    std::string relname(pg::relname(rv));
    ColumnText column = column_text(sql, def);
    std::string col = quote_ident(column.name);
    std::size_t open = sql.find('(', static_cast<std::size_t>(std::max(0, generated->location)));
    std::string expr = parenthesised(sql, open == std::string::npos ? sql.size() : open);
    std::string row_expr = prefix_columns(expr, open, generated->raw_expr, "NEW.");
    std::string plain_expr = prefix_columns(expr, open, generated->raw_expr, "");  // for UPDATE users SET ...
    std::string name = object_name(relname, column.name, "fill");
    std::string function = schema_prefix(rv) + quote_ident(name);
    std::string tag = dollar_tag(row_expr);
    bool not_null = column_constraint(def, CONSTR_NOTNULL) != nullptr;

    Recipe recipe;
    recipe.summary = "Add a plain column kept up to date by a trigger, and backfill existing rows in batches";
    int number = 1;
    std::string first =
        others_note(ctx.as<AlterTableStmt>()) + add_column_sql(table, cmd, column_sql(column, {})) + ";\n" +
        "CREATE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql AS " + tag + "\nBEGIN\n  NEW." + col +
        " := " + row_expr + ";\n  RETURN NEW;\nEND\n" + tag + ";\n" +
        "CREATE TRIGGER " + quote_ident(name) + " BEFORE INSERT OR UPDATE ON " + table +
        "\n  FOR EACH ROW EXECUTE FUNCTION " + function + "();\n" +
        "-- The trigger overwrites whatever is written to " + col + ", as a generated column would.\n" +
        // Each line a comment: the expression may span lines.
        comment_lines("A view or an expression index on " + plain_expr + " may serve instead, storing nothing.") +
        later_constraints_note(column, {CONSTR_GENERATED, CONSTR_NOTNULL}, LaterConstraints::separately);
    recipe.steps.push_back({migration_title(number), first, true});
    recipe.steps.push_back(backfill_step(table, column.name, plain_expr, col + " IS DISTINCT FROM " + plain_expr));
    if (not_null) add_not_null_steps(recipe, number, table, relname, {column.name}, ctx.options.pg_version);
    return recipe;
}

void check(const StatementContext& ctx, Sink& sink) {
    each_added_column(ctx, TableEffectNeeded::rewrite, [&](const AlteredTable& t, const AddedColumn& c) {
        const Constraint* generated = column_constraint(c.def, CONSTR_GENERATED);
        // From 18 a generated column may be virtual: the model then finds no rewrite for it.
        if (generated == nullptr || (ctx.options.pg_version >= 18 && c.rewrite == nullptr)) return;
        Finding& f = sink.add(ctx.statement, "ADD COLUMN " + c.col + " GENERATED ALWAYS AS (...) STORED rewrites " + t.table +
                                                 " while holding " + describe_lock(t.lock) + ": " +
                                                 (c.rewrite ? effect_detail(*c.rewrite) : "every row gets the computed value"));
        f.relation = t.table;
        f.fix = "add " + c.col + " as a plain column filled by a trigger, and backfill existing rows in batches";
        f.recipe = make_recipe(ctx, c.cmd, c.def, generated, t.relation);
    });
}

}  // namespace

PGFENCE_RULE(add_column_stored_generated) {
    return Rule{"add-column-stored-generated", Risk::High,
                "Adding a stored generated column rewrites every row while the table is locked", check, nullptr, true,
                "locking", SizeWork::rewrite};
}

}  // namespace pgfence::analyze::rules
