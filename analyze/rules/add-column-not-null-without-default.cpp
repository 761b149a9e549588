#include "analyze/rules/common.hpp"
#include "analyze/json_access.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

bool fills_itself(const json& def) {
    return real_default(def) != nullptr || !serial_base_type(def).empty() ||
           column_constraint(def, "CONSTR_IDENTITY") != nullptr || column_constraint(def, "CONSTR_GENERATED") != nullptr;
}

Recipe make_recipe(const StatementContext& ctx, const json& cmd, const json& def, const std::string& table,
                   const std::string& relname) {
    ColumnText column = column_text(ctx.statement.sql, def);
    std::string col = quote_ident(column.name);
    std::vector<std::string> handled = {"CONSTR_NOTNULL", "CONSTR_DEFAULT"};
    Recipe recipe;
    recipe.summary = "Add the column nullable, backfill it, then make it NOT NULL through a validated CHECK";
    int number = 1;
    std::string first = others_note(ctx.body()) + "ALTER TABLE " + table + " ADD COLUMN " +
                        (cmd.value("missing_ok", false) ? "IF NOT EXISTS " : "") + column_sql(column, {}) + ";\n";
    std::string dropped = dropped_pieces(column, handled);
    if (!dropped.empty()) first += "-- Add the column's other constraints (" + dropped + ") separately, after the backfill.\n";
    first += "-- Then deploy code that writes " + col + " on every insert, so no new row is left NULL.";
    recipe.steps.push_back({migration_title(number), first, true});
    recipe.steps.push_back(backfill_step(table, column.name, "<value>"));
    add_not_null_steps(recipe, number, table, relname, {column.name}, ctx.options.pg_version);
    return recipe;
}

void check(const StatementContext& ctx, Sink& sink) {
    if (ctx.kind() != "AlterTableStmt") return;
    const json& stmt = ctx.body();
    const json& rv = member(stmt, "relation");
    std::string table = range_var_name(rv);
    const LockFact* lock = existing_table_lock(ctx.statement, table);
    if (lock == nullptr || effect_on(ctx.statement.scans, table) == nullptr) return;
    for (const json* cmd : alter_cmds(stmt)) {
        if (cmd->value("subtype", std::string()) != "AT_AddColumn") continue;
        const json& def = member(member(*cmd, "def"), "ColumnDef");
        if (column_constraint(def, "CONSTR_NOTNULL") == nullptr || fills_itself(def)) continue;
        std::string col = quote_ident(def.value("colname", std::string()));
        Finding& f = sink.add(ctx.statement, "ADD COLUMN " + col + " NOT NULL without a default fails as soon as " +
                                                 table + " has a row; it holds " + describe_lock(*lock) +
                                                 " while it checks");
        f.relation = table;
        f.fix = ctx.options.pg_version >= 11
                    ? "add " + col + " nullable, backfill it, then SET NOT NULL through a validated CHECK; or give it a constant DEFAULT (instant since PostgreSQL 11)"
                    : "add " + col + " nullable, backfill it, then enforce NOT NULL through a validated CHECK";
        f.recipe = make_recipe(ctx, *cmd, def, table, range_var_relname(rv));
    }
}

}  // namespace

Rule rule_add_column_not_null_without_default() {
    return Rule{"add-column-not-null-without-default", Risk::High,
                "ADD COLUMN ... NOT NULL without a default fails on a table that has rows", check, nullptr, true,
                "locking"};
}

}  // namespace pgfence::analyze::rules
