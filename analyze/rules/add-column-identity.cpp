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
    std::string type, identity;
    for (const auto& p : column.pieces) {
        if (p.kind == ColumnPiece::Kind::type) type = p.text;
        if (p.is(CONSTR_IDENTITY)) {
            std::size_t at = find_keyword(p.text, 0, p.text.size(), "GENERATED");  // past any CONSTRAINT name
            identity = at == std::string::npos ? p.text : p.text.substr(at);
        }
    }
    // A temporary sequence fills the column until it becomes an identity; it is not OWNED BY
    // the column, so pg_get_serial_sequence() finds the identity's own sequence at the end.
    std::string fill = schema_prefix(rv) + quote_ident(object_name(relname, column.name, "fill_seq"));
    std::string next = "nextval(" + regclass_literal(fill) + ")";

    Recipe recipe;
    recipe.summary = "Fill the column from a sequence without a rewrite, backfill in batches, make it NOT NULL through a validated CHECK, then turn it into an identity";
    int number = 1;
    std::string first = others_note(ctx.as<AlterTableStmt>()) + "CREATE SEQUENCE " + fill + " AS " + type + ";\n" +
                        add_column_sql(table, cmd, column_sql(column, {})) + ";\n" +
                        "ALTER TABLE " + table + " ALTER COLUMN " + col + " SET DEFAULT " + next + ";\n" +
                        "-- All instant: rows inserted from now on take the next value." +
                        later_constraints_note(column, {CONSTR_IDENTITY, CONSTR_NOTNULL},
                                               LaterConstraints::through_unique_index);
    recipe.steps.push_back({migration_title(number), first, true});
    recipe.steps.push_back(backfill_step(table, column.name, next));
    std::string finish = "-- Instant: the identity takes over where the temporary sequence stopped.\n"
                         "ALTER TABLE " + table + " ALTER COLUMN " + col + " DROP DEFAULT;\n" +
                         "ALTER TABLE " + table + " ALTER COLUMN " + col + " ADD " + identity + ";\n" +
                         "SELECT setval(pg_get_serial_sequence(" + quote_literal(table) + ", " +
                         quote_literal(column.name) + "), " + next + ");\n" +
                         "DROP SEQUENCE " + fill + ";";
    add_not_null_steps(recipe, number, table, relname, {column.name}, ctx.options.pg_version, finish);
    return recipe;
}

void check(const StatementContext& ctx, Sink& sink) {
    each_added_column(ctx, TableEffectNeeded::rewrite, [&](const AlteredTable& t, const AddedColumn& c) {
        if (column_constraint(c.def, CONSTR_IDENTITY) == nullptr) return;
        Finding& f = sink.add(ctx.statement, "ADD COLUMN " + c.col + " AS IDENTITY rewrites " + t.table + " while holding " +
                                                 describe_lock(t.lock) + ": " +
                                                 (c.rewrite ? effect_detail(*c.rewrite) : "every row gets a value from the sequence"));
        f.relation = t.table;
        f.fix = "fill " + c.col + " from a sequence default, backfill in batches, SET NOT NULL through a validated CHECK, then ADD GENERATED ... AS IDENTITY";
        f.recipe = make_recipe(ctx, c.cmd, c.def, t.relation);
    });
}

}  // namespace

PGFENCE_RULE(add_column_identity) {
    return Rule{"add-column-identity", Risk::High,
                "Adding an identity column to an existing table rewrites every row while the table is locked", check,
                nullptr, true, "locking", SizeWork::rewrite};
}

}  // namespace pgfence::analyze::rules
