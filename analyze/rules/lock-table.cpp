#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/registry_transaction.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

// A later statement of the lock's transaction that relies on it: a write to the locked table (a
// dedup DELETE or UPDATE, an INSERT) or a unique index or constraint made on it. Without the lock,
// rows written between such statements by other sessions can make the migration fail (a duplicate
// that the CREATE UNIQUE INDEX then refuses) or do something else than it says: removing the LOCK
// TABLE is not a fix there.
bool unique_constraint_on(const AlterTableStmt* alter) {
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        const auto* c = pg::as<Constraint>(cmd->def);
        if (cmd->subtype == AT_AddConstraint && c != nullptr &&
            (c->contype == CONSTR_UNIQUE || c->contype == CONSTR_PRIMARY || c->contype == CONSTR_EXCLUSION)) {
            return true;
        }
        if (cmd->subtype == AT_AddIndex || cmd->subtype == AT_AddIndexConstraint) return true;
    }
    return false;
}

// A statement that reads the locked table to write (a copy into another table: INSERT ... SELECT,
// CREATE TABLE AS, UPDATE ... FROM, DELETE ... USING), or a DO block that writes it: without the
// lock, rows other sessions write to the table in between would be missing from the copy when the
// table is then swapped, dropped or changed (the lock is what makes the copy whole), or would meet
// the block's dedup half done.
bool reads_to_write(const pg::Node* n, const RangeVar* target, const StatementFacts& facts, const std::string& table) {
    const bool writes_other = (pg::is<InsertStmt>(n) || pg::is<UpdateStmt>(n) || pg::is<DeleteStmt>(n) ||
                               pg::is<MergeStmt>(n)) && target != nullptr && pg::display_name(target) != table;
    const bool copies = writes_other || pg::is<CreateTableAsStmt>(n);
    for (const LockFact& l : facts.locks) {
        if (l.relation != table) continue;
        if (copies) return true;
        if (pg::is<DoStmt>(n) && l.mode >= LockMode::RowExclusive && l.mode < LockMode::ShareUpdateExclusive) return true;
    }
    return false;
}

// The line of the first statement after the lock, in its transaction, that relies on it on
// `table`; 0 when none does.
int relied_on_at(const StatementContext& ctx, const std::string& table) {
    if (ctx.stmts == nullptr || ctx.statement.transaction == Transaction::None) return 0;
    FileContext file{ctx.file, ctx.options, *ctx.stmts, ctx.memo};
    const int here = ctx.statement.index;
    for (const TransactionScope& scope : transactions(file)) {
        if (here < scope.first || here > scope.last) continue;
        for (int i = here + 1; i <= scope.last && i < static_cast<int>(ctx.stmts->size()); ++i) {
            const pg::Node* n = (*ctx.stmts)[static_cast<std::size_t>(i)];
            const RangeVar* target = nullptr;
            bool relies = true;
            if (const auto* d = pg::as<DeleteStmt>(n)) target = d->relation;
            else if (const auto* u = pg::as<UpdateStmt>(n)) target = u->relation;
            else if (const auto* ins = pg::as<InsertStmt>(n)) target = ins->relation;
            else if (const auto* m = pg::as<MergeStmt>(n)) target = m->relation;
            else if (const auto* idx = pg::as<IndexStmt>(n)) {
                target = idx->relation;
                relies = idx->unique;
            } else if (const auto* alter = pg::as<AlterTableStmt>(n)) {
                target = alter->relation;
                relies = unique_constraint_on(alter);
            }
            const StatementFacts& facts = ctx.file.statements[static_cast<std::size_t>(i)];
            if (target != nullptr && relies && pg::display_name(target) == table) return facts.span.start.line;
            if (reads_to_write(n, target, facts, table)) return facts.span.start.line;
        }
    }
    return 0;
}

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<LockStmt>();
    if (stmt == nullptr) return;
    for (const RangeVar* r : pg::each<RangeVar>(stmt->relations)) {
        std::string table = pg::display_name(r);
        const LockFact* lock = existing(ctx.statement, table);
        if (lock == nullptr || !blocks_reads_or_writes(*lock)) continue;  // new, or a mode that lets traffic through
        std::string tail = ctx.statement.transaction == Transaction::None
                               ? "; here it runs outside a transaction block, where PostgreSQL rejects LOCK TABLE"
                               : " and holds it until the transaction ends, through every statement after it";
        Finding& f = sink.add(ctx.statement, "LOCK TABLE " + table + " takes " + a_lock(*lock) + tail);
        f.relation = table;
        if (int line = relied_on_at(ctx, table); line > 0) {
            // The lock keeps the statements after it correct: never offer to remove it.
            f.message += "; line " + std::to_string(line) + " relies on it (no other session can write " + table +
                         " in between), so it stays";
            f.fix = "keep the LOCK TABLE; set lock_timeout (SET LOCAL lock_timeout = '2s') before it and retry the "
                    "migration when it times out, and keep the transaction that holds it short";
            continue;
        }
        f.fix = "drop the explicit LOCK TABLE and let each statement take the lock it needs, or keep the transaction "
                "that holds it short and set lock_timeout before it";
    }
}

}  // namespace

PGFENCE_RULE(lock_table) {
    return Rule{"lock-table", Risk::High, "An explicit LOCK TABLE in a mode that blocks reads or writes", check,
                nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
