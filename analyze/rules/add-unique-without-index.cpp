#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

void check(const StatementContext& ctx, Sink& sink) {
    report_column_index_builds(ctx, sink, CONSTR_UNIQUE, "UNIQUE constraint");
    report_unique_index_builds(ctx, sink, CONSTR_UNIQUE, "UNIQUE constraint", [&](const UniqueIndexBuild& b) {
        b.finding.fix = "build the unique index with CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX";
        Recipe& recipe = *b.finding.recipe;
        recipe.summary = "Build the unique index concurrently (reads and writes continue), then attach it as the constraint in an instant step";
        recipe.steps.push_back({"Migration 2", others_note(b.stmt) + "ALTER TABLE " + b.table + " ADD CONSTRAINT " + b.index +
                                                   " UNIQUE USING INDEX " + b.index + deferrable_clause(b.con) + ";",
                                true});
    });
}

}  // namespace

PGFENCE_RULE(add_unique_without_index) {
    return Rule{"add-unique-without-index", Risk::High,
                "ADD CONSTRAINT ... UNIQUE builds its index while reads and writes wait; build it concurrently first",
                check, nullptr, true, "locking", SizeWork::index_build};
}

}  // namespace pgfence::analyze::rules
