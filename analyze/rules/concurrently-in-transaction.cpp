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
