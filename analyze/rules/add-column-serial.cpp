#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

Recipe make_recipe(const StatementContext& ctx, const AlterTableCmd* cmd, const ColumnDef* def, const RangeVar* rv) {
    std::string table = pg::display_name(rv);
    std::string relname(pg::relname(rv));
    ColumnText column = column_text(ctx.statement.sql, def);
    std::string col = quote_ident(column.name);
    std::string type = serial_base_type(def);
    // The name PostgreSQL gives a serial column's sequence.
    std::string sequence = schema_prefix(rv) + quote_ident(object_name(relname, column.name, "seq"));
    std::string next = "nextval(" + regclass_literal(sequence) + ")";

    Recipe recipe;
    recipe.summary = "Create the sequence and add the column without filling it, backfill in batches, then make it NOT NULL through a validated CHECK";
    int number = 1;
    std::string first = others_note(ctx.as<AlterTableStmt>()) + "CREATE SEQUENCE " + sequence + " AS " + type + ";\n" +
                        add_column_sql(table, cmd, column_sql(column, {}, type)) + ";\n" +
                        "ALTER SEQUENCE " + sequence + " OWNED BY " + table + "." + col + ";\n" +
                        "ALTER TABLE " + table + " ALTER COLUMN " + col + " SET DEFAULT " + next + ";\n" +
                        "-- All instant: rows inserted from now on take the next value." +
                        later_constraints_note(column, {CONSTR_NOTNULL}, LaterConstraints::through_unique_index);
    recipe.steps.push_back({migration_title(number), first, true});
    recipe.steps.push_back(backfill_step(table, column.name, next));
    add_not_null_steps(recipe, number, table, relname, {column.name}, ctx.options.pg_version);
    return recipe;
}

void check(const StatementContext& ctx, Sink& sink) {
    each_added_column(ctx, TableEffectNeeded::rewrite, [&](const AlteredTable& t, const AddedColumn& c) {
        if (serial_base_type(c.def).empty()) return;
        Finding& f = sink.add(ctx.statement, "ADD COLUMN " + c.col + " " +
                                                 std::string(pg::text(pg::nth(c.def->typeName->names, 0))) +
                                                 " rewrites " + t.table + " while holding " + describe_lock(t.lock) + ": " +
                                                 (c.rewrite ? effect_detail(*c.rewrite) : "every row gets a value from the sequence"));
        f.relation = t.table;
        f.fix = "create the sequence, add " + c.col + " without filling it, SET DEFAULT nextval(...), backfill in batches, then NOT NULL through a validated CHECK";
        f.recipe = make_recipe(ctx, c.cmd, c.def, t.relation);
    });
}

}  // namespace

PGFENCE_RULE(add_column_serial) {
    return Rule{"add-column-serial", Risk::High,
                "Adding a serial column to an existing table rewrites every row while the table is locked", check,
                nullptr, true, "locking", SizeWork::rewrite};
}

}  // namespace pgfence::analyze::rules
