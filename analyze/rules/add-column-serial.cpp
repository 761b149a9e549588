#include "analyze/rules/common.hpp"
#include "analyze/json_access.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

Recipe make_recipe(const StatementContext& ctx, const json& cmd, const json& def, const json& rv) {
    std::string table = range_var_name(rv);
    std::string relname = range_var_relname(rv);
    ColumnText column = column_text(ctx.statement.sql, def);
    std::string col = quote_ident(column.name);
    std::string type = serial_base_type(def);
    // The name PostgreSQL gives a serial column's sequence.
    std::string sequence = schema_prefix(rv) + quote_ident(object_name(relname, column.name, "seq"));
    std::string next = "nextval(" + regclass_literal(sequence) + ")";

    Recipe recipe;
    recipe.summary = "Create the sequence and add the column without filling it, backfill in batches, then make it NOT NULL through a validated CHECK";
    int number = 1;
    std::string first = others_note(ctx.body()) + "CREATE SEQUENCE " + sequence + " AS " + type + ";\n" +
                        "ALTER TABLE " + table + " ADD COLUMN " + (cmd.value("missing_ok", false) ? "IF NOT EXISTS " : "") +
                        column_sql(column, {}, type) + ";\n" +
                        "ALTER SEQUENCE " + sequence + " OWNED BY " + table + "." + col + ";\n" +
                        "ALTER TABLE " + table + " ALTER COLUMN " + col + " SET DEFAULT " + next + ";\n" +
                        "-- All instant: rows inserted from now on take the next value.";
    std::string dropped = dropped_pieces(column, {"CONSTR_NOTNULL"});
    if (!dropped.empty()) {
        first += "\n-- Add the column's other constraints (" + dropped + ") after the backfill, without a long lock:\n"
                 "-- CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX.";
    }
    recipe.steps.push_back({migration_title(number), first, true});
    recipe.steps.push_back(backfill_step(table, column.name, next));
    add_not_null_steps(recipe, number, table, relname, {column.name}, ctx.options.pg_version);
    return recipe;
}

void check(const StatementContext& ctx, Sink& sink) {
    if (ctx.kind() != "AlterTableStmt") return;
    const json& stmt = ctx.body();
    const json& rv = member(stmt, "relation");
    std::string table = range_var_name(rv);
    const LockFact* lock = existing_table_lock(ctx.statement, table);
    if (lock == nullptr || effect_on(ctx.statement.rewrites, table) == nullptr) return;
    for (const json* cmd : alter_cmds(stmt)) {
        if (cmd->value("subtype", std::string()) != "AT_AddColumn") continue;
        const json& def = member(member(*cmd, "def"), "ColumnDef");
        if (serial_base_type(def).empty()) continue;
        std::string col = quote_ident(def.value("colname", std::string()));
        const TableEffect* rewrite = effect_for(ctx.statement.rewrites, table, "ADD COLUMN " + col + ":");
        Finding& f = sink.add(ctx.statement, "ADD COLUMN " + col + " " +
                                                 def["typeName"]["names"][0]["String"].value("sval", std::string()) +
                                                 " rewrites " + table + " while holding " + describe_lock(*lock) + ": " +
                                                 (rewrite ? effect_detail(*rewrite) : "every row gets a value from the sequence"));
        f.relation = table;
        f.fix = "create the sequence, add " + col + " without filling it, SET DEFAULT nextval(...), backfill in batches, then NOT NULL through a validated CHECK";
        f.recipe = make_recipe(ctx, *cmd, def, rv);
    }
}

}  // namespace

Rule rule_add_column_serial() {
    return Rule{"add-column-serial", Risk::High,
                "Adding a serial column to an existing table rewrites every row while the table is locked", check,
                nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
