#include "analyze/model/pk_using_index_note.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

void check(const StatementContext& ctx, Sink& sink) {
    for (const std::string& note : ctx.statement.notes) {
        if (!note.starts_with(k_pk_using_index_scan_note)) continue;
        Finding& f = sink.add(ctx.statement, note.substr(k_pk_using_index_scan_note.size()));
        f.fix = "make the key columns NOT NULL first through a CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, SET NOT NULL "
                "(no scan), then ADD CONSTRAINT ... PRIMARY KEY USING INDEX, which is then instant";
    }
    report_column_index_builds(ctx, sink, CONSTR_PRIMARY, "PRIMARY KEY");
    report_unique_index_builds(ctx, sink, CONSTR_PRIMARY, "PRIMARY KEY", [&](const UniqueIndexBuild& b) {
        b.finding.fix = "build the unique index with CREATE UNIQUE INDEX CONCURRENTLY, make the columns NOT NULL through validated CHECKs, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX";
        Recipe& recipe = *b.finding.recipe;
        recipe.summary = "Build the unique index concurrently, prove the key columns NOT NULL with validated CHECKs, then attach the index as the primary key in an instant step";
        std::vector<std::string> columns;
        for (const pg::Node* k : pg::each(b.con->keys)) columns.emplace_back(pg::text(k));
        int number = 2;
        add_not_null_steps(recipe, number, b.table, std::string(pg::relname(b.stmt->relation)), columns,
                           ctx.options.pg_version,
                           "-- Instant once the columns are NOT NULL (otherwise it would scan to set it):\n" +
                               others_note(b.stmt) + "ALTER TABLE " + b.table + " ADD CONSTRAINT " + b.index +
                               " PRIMARY KEY USING INDEX " + b.index + deferrable_clause(b.con) + ";");
        recipe.steps[1].sql = "-- Skip the CHECK steps for key columns that are already NOT NULL.\n" + recipe.steps[1].sql;
    });
}

}  // namespace

PGFENCE_RULE(add_primary_key_without_index) {
    return Rule{"add-primary-key-without-index", Risk::High,
                "ADD PRIMARY KEY builds its index while reads and writes wait; build it concurrently first", check,
                nullptr, true, "locking", SizeWork::index_build};
}

}  // namespace pgfence::analyze::rules
