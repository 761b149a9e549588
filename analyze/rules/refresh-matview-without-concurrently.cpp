#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<RefreshMatViewStmt>();
    if (stmt == nullptr || stmt->concurrent) return;
    const std::string& view = ctx.display_name(stmt->relation);
    const LockFact* lock = existing(ctx.statement, view);
    if (lock == nullptr || !blocks_reads_or_writes(*lock)) return;  // a view created in this migration
    bool no_data = stmt->skipData;
    Finding& f = sink.add(ctx.statement,
                          no_data ? "REFRESH MATERIALIZED VIEW " + view + " WITH NO DATA takes " + a_lock(*lock) +
                                        " and leaves " + view + " unreadable until it is refreshed again"
                                  : "REFRESH MATERIALIZED VIEW " + view + " takes " + a_lock(*lock) +
                                        " for as long as the view's query runs: reads of " + view + " wait");
    f.relation = view;
    if (no_data) {
        f.fix = "run it when nothing reads the view, with lock_timeout set (CONCURRENTLY cannot empty a view)";
        return;
    }
    f.fix = "use REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view)";
    Recipe recipe;
    recipe.summary = "Refresh with CONCURRENTLY: reads of the view continue while the query runs";
    recipe.steps.push_back(
        {"Migration",
         comment_lines("CONCURRENTLY needs a unique index on the view covering every row (plain columns, no WHERE);\n"
                       "create one first if it has none, e.g.\n"
                       "CREATE UNIQUE INDEX CONCURRENTLY ON " + view + " (<columns that identify a row>);\n"
                       "It also needs the view to be populated already.") +
             "\n" + insert_after_keyword(ctx.statement.sql, "VIEW", "CONCURRENTLY") + ";",
         true});
    f.recipe = std::move(recipe);
}

}  // namespace

PGFENCE_RULE(refresh_matview_without_concurrently) {
    return Rule{"refresh-matview-without-concurrently", Risk::High,
                "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks reads of the view while its query runs", check,
                nullptr, true, "locking", SizeWork::rewrite};
}

}  // namespace pgfence::analyze::rules
