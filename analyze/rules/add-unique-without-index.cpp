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
        Finding& f = sink.add(ctx.statement, "UNIQUE constraint " + quoted + " on " + table +
                                                 " builds its index by reading every row while holding " +
                                                 describe_lock(lock));
        f.relation = table;
        f.fix = "build the unique index with CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX";
        Recipe recipe;
        recipe.summary = "Build the unique index concurrently (reads and writes continue), then attach it as the constraint in an instant step";
        recipe.steps.push_back({"Migration 1 (no transaction)",
                                unique_index_sql(ctx.statement.sql, con, name, table) +
                                    "\n-- If it fails (duplicates, a deadlock) it leaves an INVALID index: fix the cause,\n"
                                    "-- DROP INDEX CONCURRENTLY IF EXISTS " + quoted + "; and run it again.",
                                false});
        recipe.steps.push_back({"Migration 2", others_note(stmt) + "ALTER TABLE " + table + " ADD CONSTRAINT " + quoted +
                                                   " UNIQUE USING INDEX " + quoted + deferrable_clause(con) + ";",
                                true});
        f.recipe = std::move(recipe);
    };
    each_index_building_constraint(ctx, "CONSTR_UNIQUE", on_constraint);
}

}  // namespace

Rule rule_add_unique_without_index() {
    return Rule{"add-unique-without-index", Risk::High,
                "ADD CONSTRAINT ... UNIQUE builds its index while reads and writes wait; build it concurrently first",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
