#include "analyze/rules/common.hpp"
#include "analyze/json_access.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

Recipe make_recipe(const StatementContext& ctx, const json& cmd, const json& def, const std::string& table,
                   const std::string& relname) {
    ColumnText column = column_text(ctx.statement.sql, def);
    std::string col = quote_ident(column.name);
    std::string value;
    for (const auto& p : column.pieces) {
        if (p.contype == "CONSTR_DEFAULT") value = default_expression(p);
    }
    bool not_null = column_constraint(def, "CONSTR_NOTNULL") != nullptr;
    std::vector<std::string> handled = {"CONSTR_NOTNULL", "CONSTR_DEFAULT"};
    Recipe recipe;
    recipe.summary = "Add the column without a default, set the default for new rows, and backfill existing rows in batches" +
                     std::string(not_null ? ", then make it NOT NULL through a validated CHECK" : "");
    int number = 1;
    std::string first = others_note(ctx.body()) + "ALTER TABLE " + table + " ADD COLUMN " +
                        (cmd.value("missing_ok", false) ? "IF NOT EXISTS " : "") + column_sql(column, {}) + ";\n" +
                        "ALTER TABLE " + table + " ALTER COLUMN " + col + " SET DEFAULT " + value + ";\n" +
                        "-- Both instant: the default applies to rows inserted from now on.";
    std::string dropped = dropped_pieces(column, handled);
    if (!dropped.empty()) first += "\n-- Add the column's other constraints (" + dropped + ") separately, after the backfill.";
    recipe.steps.push_back({migration_title(number), first, true});
    recipe.steps.push_back(backfill_step(table, column.name, value));
    if (not_null) add_not_null_steps(recipe, number, table, relname, {column.name}, ctx.options.pg_version);
    return recipe;
}

void check(const StatementContext& ctx, Sink& sink) {
    if (ctx.kind() != "AlterTableStmt") return;
    const json& stmt = ctx.body();
    const json& rv = member(stmt, "relation");
    std::string table = range_var_name(rv);
    const LockFact* lock = existing_table_lock(ctx.statement, table);
    if (lock == nullptr) return;
    for (const json* cmd : alter_cmds(stmt)) {
        if (cmd->value("subtype", std::string()) != "AT_AddColumn") continue;
        const json& def = member(member(*cmd, "def"), "ColumnDef");
        if (real_default(def) == nullptr || !serial_base_type(def).empty() ||
            column_constraint(def, "CONSTR_IDENTITY") != nullptr || column_constraint(def, "CONSTR_GENERATED") != nullptr) {
            continue;
        }
        std::string col = quote_ident(def.value("colname", std::string()));
        const TableEffect* rewrite = effect_for(ctx.statement.rewrites, table, "ADD COLUMN " + col + ":");
        if (rewrite == nullptr) continue;  // a constant or STABLE default: stored once, no rewrite
        Finding& f = sink.add(ctx.statement, "ADD COLUMN " + col + (rewrite->certain ? " rewrites " : " may rewrite ") +
                                                 table + " while holding " + describe_lock(*lock) + ": " +
                                                 effect_detail(*rewrite));
        if (!rewrite->certain) f.risk = Risk::Medium;
        f.relation = table;
        f.fix = "add " + col + " without the default, SET DEFAULT for new rows, then backfill existing rows in batches";
        f.recipe = make_recipe(ctx, *cmd, def, table, range_var_relname(rv));
    }
}

}  // namespace

Rule rule_add_column_volatile_default() {
    return Rule{"add-column-volatile-default", Risk::High,
                "ADD COLUMN with a volatile default rewrites every row while the table is locked", check, nullptr,
                true, "locking"};
}

}  // namespace pgfence::analyze::rules
