#include "analyze/rules/common.hpp"
#include "analyze/json_access.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

void check(const StatementContext& ctx, Sink& sink) {
    auto on_constraint = [&](const json& stmt, const json& con, const std::string& table, const LockFact& lock) {
        const json& rv = member(stmt, "relation");
        std::string name = constraint_index_name(range_var_relname(rv), con);
        std::string quoted = quote_ident(name);
        Finding& f = sink.add(ctx.statement, "PRIMARY KEY " + quoted + " on " + table +
                                                 " builds its index by reading every row while holding " +
                                                 describe_lock(lock));
        f.relation = table;
        f.fix = "build the unique index with CREATE UNIQUE INDEX CONCURRENTLY, make the columns NOT NULL through validated CHECKs, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX";
        Recipe recipe;
        recipe.summary = "Build the unique index concurrently, prove the key columns NOT NULL with validated CHECKs, then attach the index as the primary key in an instant step";
        recipe.steps.push_back({"Migration 1 (no transaction)",
                                unique_index_sql(ctx.statement.sql, con, name, table) +
                                    "\n-- If it fails (duplicates, a deadlock) it leaves an INVALID index: fix the cause,\n"
                                    "-- DROP INDEX CONCURRENTLY IF EXISTS " + quoted + "; and run it again.",
                                false});
        std::vector<std::string> columns;
        for (const auto& k : member(con, "keys")) {
            columns.push_back(member(k, "String").value("sval", std::string()));
        }
        int number = 2;
        add_not_null_steps(recipe, number, table, range_var_relname(rv), columns, ctx.options.pg_version,
                           "-- Instant once the columns are NOT NULL (otherwise it would scan to set it):\n" +
                               others_note(stmt) + "ALTER TABLE " + table + " ADD CONSTRAINT " + quoted +
                               " PRIMARY KEY USING INDEX " + quoted + deferrable_clause(con) + ";");
        recipe.steps[1].sql = "-- Skip the CHECK steps for key columns that are already NOT NULL.\n" + recipe.steps[1].sql;
        f.recipe = std::move(recipe);
    };
    each_index_building_constraint(ctx, "CONSTR_PRIMARY", on_constraint);
}

}  // namespace

Rule rule_add_primary_key_without_index() {
    return Rule{"add-primary-key-without-index", Risk::High,
                "ADD PRIMARY KEY builds its index while reads and writes wait; build it concurrently first", check,
                nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
