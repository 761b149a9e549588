#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<ClusterStmt>();
    if (stmt == nullptr) return;
    if (stmt->relation == nullptr) {
        Finding& f = sink.add(ctx.statement, "CLUSTER without a table rewrites every table that was clustered before, "
                                             "one at a time, each locked against reads and writes while it is copied");
        f.fix = "re-order the tables online with pg_repack out of band";
        Recipe recipe;
        recipe.summary = "Re-order the rows online with pg_repack, out of band";
        recipe.steps.push_back({"Out of band",
                                comment_lines("pg_repack orders each table by its clustered index while it stays readable\n"
                                              "and writable, and locks it exclusively only briefly at the start and the end:\n"
                                              "pg_repack --all"),
                                false});
        f.recipe = std::move(recipe);
        return;
    }
    const std::string& table = ctx.display_name(stmt->relation);
    const LockFact* lock = existing(ctx.statement, table);
    if (lock == nullptr || effect_on(ctx.statement.rewrites, table) == nullptr) return;
    std::string index(pg::text(stmt->indexname));
    Finding& f = sink.add(ctx.statement, "CLUSTER " + table + " copies " + table +
                                             " into new storage in index order, holding " + a_lock(*lock) +
                                             " for the whole copy");
    f.relation = table;
    f.fix = "re-order the table online with pg_repack out of band";
    Recipe recipe;
    recipe.summary = "Mark the index to cluster on, then let pg_repack re-order the rows online, out of band";
    if (!index.empty()) {
        recipe.steps.push_back({"Migration",
                                "ALTER TABLE " + table + " CLUSTER ON " + quote_ident(index) +
                                    ";\n-- Only records which index orders the table; no rows are read or moved.",
                                true});
    }
    recipe.steps.push_back({"Out of band",
                            comment_lines("pg_repack orders the table by its clustered index while it stays readable and\n"
                                          "writable, and locks it exclusively only briefly at the start and the end:\n"
                                          "pg_repack --table=" + table + " --dbname=<database>"),
                            false});
    f.recipe = std::move(recipe);
}

}  // namespace

PGFENCE_RULE(cluster) {
    return Rule{"cluster", Risk::High, "CLUSTER rewrites the table while it blocks reads and writes", check, nullptr,
                true, "locking", SizeWork::rewrite};
}

}  // namespace pgfence::analyze::rules
