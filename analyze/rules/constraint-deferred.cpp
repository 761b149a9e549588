// ALTER TABLE ... ALTER CONSTRAINT name DEFERRABLE INITIALLY DEFERRED (or NOT DEFERRABLE /
// INITIALLY IMMEDIATE) on an existing table: when a foreign key's violation is raised moves. The
// checks still run, so no row breaks the constraint, but the error the application's code handles
// per statement (a retry, a "not found" answer on a foreign-key violation) comes at COMMIT instead,
// failing the whole transaction (checked on PostgreSQL 15: after DEFERRABLE INITIALLY DEFERRED an
// INSERT of a missing user_id succeeded, COMMIT failed "violates foreign key constraint"; the
// statement took ACCESS EXCLUSIVE on the referencing table only, per pg_locks). An allowlist:
// DEFERRABLE INITIALLY IMMEDIATE changes nothing for a transaction that does not ask (SET
// CONSTRAINTS ... DEFERRED), and is quiet; PostgreSQL 15 alters only foreign keys this way.
#include <string>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<AlterTableStmt>();
    if (stmt == nullptr || stmt->relation == nullptr) return;
    const std::string& table = ctx.display_name(stmt->relation);
    const LockFact* lock = lock_on(ctx.statement, table);
    if (lock != nullptr && lock->is_new) return;  // a table created in this migration: no code relies on it yet
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        if (cmd->subtype != AT_AlterConstraint) continue;
        const auto* alter = pg::as<ATAlterConstraint>(cmd->def);
        if (alter == nullptr || !alter->alterDeferrability) continue;
        if (alter->deferrable && !alter->initdeferred) continue;  // checked per statement, as before, unless asked
        const std::string name = quote_ident(alter->conname != nullptr ? alter->conname : "");
        const std::string took = lock != nullptr ? "; it also takes " + describe_lock(*lock) : std::string();
        std::string message;
        if (alter->initdeferred) {
            message = "ALTER CONSTRAINT " + name + " DEFERRABLE INITIALLY DEFERRED on " + table +
                      ": a violation is no longer raised by the INSERT, UPDATE or DELETE that makes it but at COMMIT, "
                      "where it fails the whole transaction: the application's error handling per statement (a retry, "
                      "an answer to a foreign-key violation) no longer sees it, and work done after the bad row is lost" + took;
        } else {
            message = "ALTER CONSTRAINT " + name + " NOT DEFERRABLE on " + table +
                      ": where it was deferred, a transaction that writes rows in an order the deferral allowed (children "
                      "before their parent) now fails at that statement instead of passing at COMMIT" + took;
        }
        Finding& f = sink.add(ctx.statement, message);
        f.relation = table;
        f.subcommand = pg::index_of(stmt->cmds, cmd);
        f.fix = alter->initdeferred
                    ? "keep the constraint checked per statement (DEFERRABLE INITIALLY IMMEDIATE), and defer it only in the "
                      "transactions that need it with SET CONSTRAINTS " + name + " DEFERRED"
                    : "check that no transaction of the application relies on the deferral before making it immediate";
    }
}

}  // namespace

PGFENCE_RULE(constraint_deferred) {
    return Rule{"constraint-deferred", Risk::Medium,
                "ALTER CONSTRAINT ... INITIALLY DEFERRED moves a violation's error from the statement to COMMIT; NOT "
                "DEFERRABLE moves it back",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
