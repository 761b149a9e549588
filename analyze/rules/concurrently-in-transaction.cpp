#include <algorithm>

#include "analyze/migrations/flyway_transactions.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    const StatementFacts& s = ctx.statement;
    if (!s.no_transaction_block || s.transaction == Transaction::None) return;
    const std::string& deployment = ctx.file.deployment_transaction;
    std::string where = s.transaction == Transaction::Explicit ? "inside the BEGIN ... COMMIT block of this file"
                        : !deployment.empty() ? "in the one transaction the whole deployment runs in (" + deployment + ")"
                        : ctx.file.one_query
                            ? "in the implicit transaction PostgreSQL runs a query of several statements in (" +
                                  std::string(tool_name(ctx.file.tool)) + " sends this " +
                                  (ctx.file.tool == MigrationTool::Dbmate ? "section" : "file") + " as one query)"
                            : "in the transaction " + file_runner(ctx.file) + " wraps this file in";
    std::string what = s.tag.empty() ? std::string(s.kind) : s.tag;
    const bool refused = ctx.file.tool == MigrationTool::Flyway && !ctx.file.statements.empty() &&
                         std::any_of(ctx.file.statements.front().notes.begin(), ctx.file.statements.front().notes.end(),
                                     [](const std::string& n) { return n.starts_with(tools::k_flyway_refuses_note); });
    if (refused && s.transaction == Transaction::Implicit) {
        // Flyway refuses the script before it runs any of it (flyway-core ParserSqlScript.parse:
        // "Detected both transactional and non-transactional statements within the same migration
        // (even though mixed is false)"): the deploy stops at this migration.
        Finding& f = sink.add(s, what + " cannot run inside a transaction block, and the file also holds statements Flyway runs "
                                        "in one: Flyway refuses a migration mixing both unless flyway.mixed is true: the migration "
                                        "fails to deploy, and nothing of it runs");
        f.fix = "move this statement into a migration of its own (Flyway runs a migration whose every statement is one it cannot "
                "run in a transaction without one), or set flyway.mixed=true, which runs every statement of this migration on its "
                "own, committed as it ends (a failure half-way then leaves the first ones applied)";
        return;
    }
    Finding& f = sink.add(s, what + " cannot run inside a transaction block, and here it runs " + where +
                                 ": the migration fails");
    f.fix = deployment.empty() ? no_transaction_fix(ctx.file, s.transaction)
            : deployment == "pgmi"
                ? "execute this statement from deploy.sql after the deployment's COMMIT, as a statement of its own"
                : "deploy this statement on its own, outside the single transaction";
}

}  // namespace

PGFENCE_RULE(concurrently_in_transaction) {
    return Rule{"concurrently-in-transaction", Risk::Critical,
                "CONCURRENTLY, VACUUM and other statements that refuse to run inside a transaction block", check,
                nullptr, true, "transactions"};
}

}  // namespace pgfence::analyze::rules
