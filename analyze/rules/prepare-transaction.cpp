// PREPARE TRANSACTION ends the session's transaction without committing it: PostgreSQL parks the
// transaction, with every lock it took, in pg_prepared_xacts, held by no session and kept across
// restarts, until someone runs COMMIT PREPARED or ROLLBACK PREPARED with its gid (twophase.c).
// The runner then exits 0 and the tables the transaction locked stay locked (checked on
// PostgreSQL 15 with max_prepared_transactions = 10: SELECT on a table altered before PREPARE
// waits until ROLLBACK PREPARED). Outside a transaction block it only warns.
#include <algorithm>
#include <set>
#include <string>

#include "analyze/model/lock_mode.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/rules/registry_transaction.hpp"

namespace pgfence::analyze::rules {
namespace {

bool is_kind(const pg::Node* stmt, TransactionStmtKind kind) {
    const auto* t = pg::as<TransactionStmt>(stmt);
    return t != nullptr && t->kind == kind;
}

// The line of the first COMMIT PREPARED / ROLLBACK PREPARED of `gid` after statement `from`, or 0.
int resolved_at(const FileContext& ctx, std::size_t from, std::string_view gid) {
    for (std::size_t k = from + 1; k < ctx.stmts.size() && k < ctx.file.statements.size(); ++k) {
        const auto* t = pg::as<TransactionStmt>(ctx.stmts[k]);
        if (t == nullptr || (t->kind != TRANS_STMT_COMMIT_PREPARED && t->kind != TRANS_STMT_ROLLBACK_PREPARED)) continue;
        if (pg::text(t->gid) == gid) return ctx.file.statements[k].span.start.line;
    }
    return 0;
}

void check(const FileContext& ctx, Sink& sink) {
    const auto& statements = ctx.file.statements;
    for (const TransactionScope& scope : transactions(ctx)) {
        const auto last = static_cast<std::size_t>(scope.last);
        if (last >= ctx.stmts.size() || !is_kind(ctx.stmts[last], TRANS_STMT_PREPARE)) continue;
        // Alone, outside any transaction block, it only warns ("there is no transaction in progress").
        if (scope.first == scope.last && !ctx.file.wrapped_in_transaction) continue;
        const std::string gid(pg::text(pg::as<TransactionStmt>(ctx.stmts[last])->gid));
        // The locks the parked transaction keeps: every relation a statement of it locked, in the
        // strongest mode taken.
        std::vector<std::pair<std::string, LockMode>> held;
        for (int i = scope.first; i < scope.last; ++i) {
            for (const LockFact& l : statements[static_cast<std::size_t>(i)].locks) {
                auto it = std::find_if(held.begin(), held.end(), [&](const auto& h) { return h.first == l.relation; });
                if (it == held.end()) held.emplace_back(l.relation, l.mode);
                else if (static_cast<int>(l.mode) > static_cast<int>(it->second)) it->second = l.mode;
            }
        }
        std::string locks;
        for (std::size_t k = 0; k < held.size() && k < 8; ++k) {
            locks += (k == 0 ? "" : ", ") + std::string(lock_mode_name(held[k].second)) + " on " + held[k].first;
        }
        if (held.size() > 8) locks += ", ...";
        const int until = resolved_at(ctx, last, gid);
        // A later statement of the same session that needs a lock the parked transaction holds
        // waits for it too: nothing in the file releases it before (checked on PostgreSQL 15: the
        // SELECT after PREPARE waits until lock_timeout).
        int stuck = 0;
        for (std::size_t k = last + 1; k < statements.size() && stuck == 0; ++k) {
            if (until > 0 && statements[k].span.start.line >= until) break;
            for (const LockFact& l : statements[k].locks) {
                auto it = std::find_if(held.begin(), held.end(), [&](const auto& h) { return h.first == l.relation; });
                if (it != held.end() && conflicts(it->second, l.mode)) stuck = statements[k].span.start.line;
            }
        }
        std::string message = "PREPARE TRANSACTION " + quote_literal(gid) +
                              " does not commit: PostgreSQL parks the transaction with every lock it took" +
                              (locks.empty() ? std::string() : " (" + locks + ")") +
                              ", held by no session and kept across restarts, until COMMIT PREPARED or ROLLBACK PREPARED " +
                              quote_literal(gid) + " runs";
        if (until > 0) {
            message += " (line " + std::to_string(until) +
                       "; if the runner stops before it, the locks stay); its changes are not visible until then";
        } else {
            message += ", which this file never does: the runner exits successfully, its changes are not applied, and "
                       "every session that needs a conflicting lock on these tables waits for it";
        }
        if (stuck > 0) {
            message += "; the statement at line " + std::to_string(stuck) +
                       " needs a lock it holds, so this very session waits for it (until lock_timeout, or for ever)";
        }
        Finding& f = sink.add(statements[last], message);
        if (until > 0) f.risk = Risk::Medium;
        f.fix = "end the transaction with COMMIT (two-phase commit is for a transaction manager coordinating several "
                "databases, not for a migration)";
    }
}

}  // namespace

PGFENCE_RULE(prepare_transaction) {
    return Rule{"prepare-transaction", Risk::High,
                "PREPARE TRANSACTION parks the migration's transaction, and its locks, until COMMIT PREPARED", nullptr,
                check, true, "transactions"};
}

}  // namespace pgfence::analyze::rules
