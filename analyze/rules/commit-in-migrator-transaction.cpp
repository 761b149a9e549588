// drizzle-orm's pg migrator runs every pending migration of a deploy in one transaction
// (drizzle-orm 0.44 pg-core/dialect.js migrate(): `await session.transaction(async (tx) => { for
// (const migration of migrations) { for (const stmt of migration.sql) await tx.execute(...);
// await tx.execute(sql\`insert into ... __drizzle_migrations ...\`) } })`). A COMMIT (or END,
// ROLLBACK) in a migration file ends that transaction on the session: PostgreSQL commits (or
// rolls back) all the deploy did so far, and every statement after it, the rest of the file,
// drizzle's record of the file and every later pending migration, runs in autocommit. A BEGIN
// inside the migrator's transaction only warns ("there is already a transaction in progress").
#include <string>

#include "analyze/parse/names.hpp"
#include "analyze/rules/registry_transaction.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const FileContext& ctx, Sink& sink) {
    if (ctx.file.tool != MigrationTool::Drizzle) return;
    const auto& statements = ctx.file.statements;
    for (std::size_t i = 0; i < ctx.stmts.size() && i < statements.size(); ++i) {
        const auto* t = pg::as<TransactionStmt>(ctx.stmts[i]);
        if (t == nullptr || (t->kind != TRANS_STMT_COMMIT && t->kind != TRANS_STMT_ROLLBACK)) continue;
        // (Statements lent from an earlier file of the set are never a COMMIT: hand_on_held.)
        const bool commit = t->kind == TRANS_STMT_COMMIT;
        std::string message =
            std::string(commit ? "COMMIT" : "ROLLBACK") +
            " ends the one transaction drizzle's migrator runs every pending migration of the deploy in (drizzle-orm "
            "pg-core/dialect.js migrate(): session.transaction): " +
            (commit ? "the migrations before this file and this file's statements up to here commit now, "
                    : "the migrations before this file and this file's statements up to here are undone, while drizzle then "
                      "records this file as applied; ") +
            "and every statement after it (the rest of this file, drizzle's insert of this file into "
            "__drizzle_migrations, every later pending migration) runs in autocommit: a failure there rolls nothing back, "
            "and leaves a migration half applied and not recorded, which the next deploy runs again from its first statement";
        Finding& f = sink.add(statements[i], message);
        f.fix = commit ? "remove the file's BEGIN and COMMIT: drizzle already runs it in its transaction; a statement that must "
                         "run outside a transaction cannot be a drizzle migration (run it by hand or from a script after "
                         "`drizzle-kit migrate`)"
                       : "remove the ROLLBACK (and any BEGIN): drizzle rolls its transaction back itself when a statement fails";
    }
}

}  // namespace

PGFENCE_RULE(commit_in_migrator_transaction) {
    return Rule{"commit-in-migrator-transaction", Risk::Medium,
                "a COMMIT in a drizzle migration ends the migrator's one transaction: the rest of the deploy runs in autocommit",
                nullptr, check, true, "transactions"};
}

}  // namespace pgfence::analyze::rules
