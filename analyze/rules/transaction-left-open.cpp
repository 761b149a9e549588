#include "analyze/rules/registry_transaction.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const FileContext& ctx, Sink& sink) {
    // A tool that wraps the file commits its own transaction, and a BEGIN inside it changes
    // nothing; a file sent as one query (Prisma, golang-migrate) has only PostgreSQL's implicit
    // transaction, and a BEGIN in it opens a block that outlives the query.
    if (ctx.file.wrapped_in_transaction && !ctx.file.one_query) return;
    auto scopes = transactions(ctx);
    if (scopes.empty()) return;
    const TransactionScope& last = scopes.back();
    if (last.closed || !last.explicit_block) return;
    if (static_cast<std::size_t>(last.last) + 1 != ctx.file.statements.size()) return;
    int begin = -1;
    for (int i = last.first; i <= last.last && begin < 0; ++i) {
        if (opens_transaction(ctx.stmts[static_cast<std::size_t>(i)])) begin = i;
    }
    if (begin < 0) return;
    const auto& statements = ctx.file.statements;
    const StatementFacts& opener = statements[static_cast<std::size_t>(begin)];
    const StatementFacts& final_statement = statements.back();
    Finding& f = sink.add(opener, "the transaction opened here is never committed: the file ends on line " +
                                      std::to_string(final_statement.span.stop.line) +
                                      " with it still open, so every lock taken after this line is held until the "
                                      "runner's connection closes (which rolls the work back) or the runner commits "
                                      "on its own");
    f.fix = "add `COMMIT;` after line " + std::to_string(final_statement.span.stop.line);
    for (const auto& s : statements) {
        if (s.status == StatementStatus::Unparsable) return;  // a recipe must parse
    }
    Recipe recipe;
    recipe.summary = "End the transaction in the file itself";
    std::string sql;
    for (std::size_t i = 0; i < statements.size(); ++i) sql += statements[i].sql + ";\n";
    recipe.steps.push_back({"Migration", sql + "COMMIT;", true});
    f.recipe = std::move(recipe);
}

}  // namespace

PGFENCE_RULE(transaction_left_open) {
    return Rule{"transaction-left-open", Risk::High, "BEGIN without COMMIT or ROLLBACK before the end of the file",
                nullptr, check, true, "transactions"};
}

}  // namespace pgfence::analyze::rules
