#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<TruncateStmt>();
    if (stmt == nullptr || stmt->behavior == DROP_CASCADE) return;  // truncate-cascade
    for (const RangeVar* r : pg::each<RangeVar>(stmt->relations)) {
        std::string table = pg::display_name(r);
        const LockFact* lock = existing(ctx.statement, table);
        if (lock == nullptr) continue;  // created in this migration
        bool emptied = effect_on(ctx.statement.rewrites, table) != nullptr;
        Finding& f = sink.add(ctx.statement, "TRUNCATE " + table + (emptied ? " deletes every row of " : " empties ") +
                                                 table + " at once, under " + a_lock(*lock) +
                                                 " held until the transaction ends");
        f.relation = table;
        f.fix = "delete the rows in batches out of band, or truncate by hand when nothing uses " + table;
        Recipe recipe;
        recipe.summary = "Delete the rows in small batches out of band: the table stays readable and writable";
        recipe.steps.push_back({"Out of band", batched_delete_comment(table), false});
        f.recipe = std::move(recipe);
    }
}

}  // namespace

PGFENCE_RULE(truncate) {
    return Rule{"truncate", Risk::High, "TRUNCATE deletes every row under a lock that blocks reads and writes", check,
                nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
