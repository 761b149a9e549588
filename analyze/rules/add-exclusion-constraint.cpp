#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

void check(const StatementContext& ctx, Sink& sink) {
    auto on_constraint = [&](const AlterTableStmt*, const Constraint* con, const std::string& table,
                             const LockFact& lock) {
        std::string name(pg::text(con->conname));
        Finding& f = sink.add(ctx.statement, "EXCLUDE constraint" + (name.empty() ? std::string() : " " + quote_ident(name)) +
                                                 " on " + table + " builds its index by reading every row while holding " +
                                                 describe_lock(lock) + "; PostgreSQL has no concurrent way to add one");
        f.relation = table;
        f.fix = "add it while " + table + " is small or idle, with a short lock_timeout and retries; or enforce the rule another way";
    };
    each_index_building_constraint(ctx, CONSTR_EXCLUSION, on_constraint);
}

}  // namespace

PGFENCE_RULE(add_exclusion_constraint) {
    return Rule{"add-exclusion-constraint", Risk::High,
                "ADD CONSTRAINT ... EXCLUDE builds its index while reads and writes wait, with no concurrent alternative",
                check, nullptr, true, "locking", SizeWork::index_build};
}

}  // namespace pgfence::analyze::rules
