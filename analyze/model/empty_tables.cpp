#include "analyze/model/empty_tables.hpp"
#include <utility>

#include <algorithm>

#include "analyze/parse/names.hpp"

namespace pgfence::analyze::model {
namespace {

// Does the lock name this relname? Only as written without a schema: `s2.big` or `public.big`
// may be another table than the `big` proven empty (another schema, a temporary table that
// shadows it), and a miss only keeps a finding.
bool names(const LockFact& lock, const std::string& relname) { return lock.relation == quote_ident(relname); }

bool ends_transaction(const pg::Node* stmt) {
    const auto* t = pg::as<TransactionStmt>(stmt);
    return t != nullptr && (t->kind == TRANS_STMT_COMMIT || t->kind == TRANS_STMT_ROLLBACK ||
                            t->kind == TRANS_STMT_ROLLBACK_TO || t->kind == TRANS_STMT_PREPARE);
}

// ATTACH PARTITION and INHERIT bring the rows of another table into the one they alter.
bool adds_rows_by_alter(const pg::Node* stmt) {
    const auto* alter = pg::as<AlterTableStmt>(stmt);
    if (alter == nullptr) return false;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        if (cmd->subtype == AT_AttachPartition || cmd->subtype == AT_AddInherit) return true;
    }
    return false;
}

// The table an UPDATE or DELETE changes (it adds no row to it), as written; "" for other
// statements, and for one with a WITH clause (a data-modifying CTE may INSERT into it).
std::string changed_in_place(const pg::Node* stmt) {
    if (const auto* u = pg::as<UpdateStmt>(stmt); u != nullptr && u->withClause == nullptr) return pg::display_name(u->relation);
    if (const auto* d = pg::as<DeleteStmt>(stmt); d != nullptr && d->withClause == nullptr) return pg::display_name(d->relation);
    return {};
}

// What may make a proven name stand for other rows: a rename or a move to another schema (the
// name then is another table's), a change of search_path, a temporary table of that name.
bool renames(const pg::Node* stmt) {
    if (pg::is<RenameStmt>(stmt) || pg::is<AlterObjectSchemaStmt>(stmt)) return true;
    if (const auto* set = pg::as<VariableSetStmt>(stmt)) return pg::text(set->name) == "search_path" || set->kind == VAR_RESET_ALL;
    if (const auto* create = pg::as<CreateStmt>(stmt)) return create->relation != nullptr && create->relation->relpersistence == 't';
    return false;
}

// A proof holds only from a statement that empties the table whatever happens: a top-level
// ALTER TABLE or TRUNCATE, not one inside a DO block's branch or an error-catching block.
bool proves(const pg::Node* stmt) { return pg::is<AlterTableStmt>(stmt) || pg::is<TruncateStmt>(stmt); }

// DELETE FROM t without WHERE, USING or WITH, of a table the migrations show without triggers
// (one may insert again): t has no row after it. While the transaction already holds ACCESS
// EXCLUSIVE on t, no session can add one until it ends: a proof like TRUNCATE's. Otherwise rows
// the running release inserts before the next lock on t may be there (deleted_all).
void keep_deleted(const pg::Node* stmt, const StatementFacts& facts, Context& ctx) {
    const auto* d = pg::as<DeleteStmt>(stmt);
    if (d == nullptr || d->whereClause != nullptr || d->usingClause != nullptr || d->withClause != nullptr ||
        d->relation == nullptr || d->relation->schemaname != nullptr) {
        return;
    }
    std::string relname(pg::relname(d->relation));
    const RelationInfo* info = std::as_const(ctx.catalog).find(relname);
    if (info == nullptr || !info->triggers.empty()) return;
    if (ctx.exclusive_held.count(quote_ident(relname)) > 0) {
        ctx.empty_tables[relname] = "the DELETE at line " + std::to_string(facts.span.start.line) + " deleted every row";
        ctx.deleted_all.erase(relname);
    } else {
        ctx.deleted_all[relname] = facts.span.start.line;
    }
}

}  // namespace

void prove_empty(StatementFacts& facts, Context& ctx, const std::string& relname, const std::string& how) {
    std::string proof = "the " + (facts.tag.empty() ? std::string("statement") : facts.tag) + " at line " +
                        std::to_string(facts.span.start.line) + " " + how;
    ctx.proven_empty.emplace_back(relname, std::move(proof));
}

void use_empty_tables(StatementFacts& facts, const Context& ctx) {
    for (const auto& [relname, line] : ctx.deleted_all) {
        for (const LockFact& lock : facts.locks) {
            if (lock.mode == LockMode::AccessExclusive && !lock.empty && names(lock, relname)) {
                facts.notes.push_back(deleted_all_note(lock.relation, line));
                break;
            }
        }
    }
    if (ctx.empty_tables.empty()) return;
    for (const LockFact& lock : facts.locks) {
        if (!lock.empty) continue;
        std::string what;
        for (auto* effects : {&facts.rewrites, &facts.scans}) {
            if (effects->empty()) continue;
            auto& list = effects->edit();
            for (const TableEffect& e : list) {
                if (e.relation == lock.relation) what += (what.empty() ? "" : "; ") + e.reason;
            }
            std::erase_if(list, [&](const TableEffect& e) { return e.relation == lock.relation; });
        }
        if (what.empty()) continue;
        auto proof = std::find_if(ctx.empty_tables.begin(), ctx.empty_tables.end(),
                                  [&](const auto& entry) { return names(lock, entry.first); });
        if (proof == ctx.empty_tables.end()) continue;
        facts.notes.push_back(empty_table_note(lock.relation, proof->second) +
                              ", and this transaction still holds the ACCESS EXCLUSIVE lock it took, so no session "
                              "can have added a row since: instant (" + what + ")");
    }
}

void keep_empty_tables(const pg::Node* stmt, const StatementFacts& facts, Context& ctx, bool in_transaction) {
    bool unknown = stmt == nullptr || facts.status != StatementStatus::Analyzed || facts.runs_user_code;
    if (!in_transaction || unknown || ends_transaction(stmt) || renames(stmt)) {
        ctx.empty_tables.clear();
        ctx.proven_empty.clear();
        ctx.exclusive_held.clear();
        ctx.deleted_all.clear();
        return;
    }
    if (!proves(stmt)) ctx.proven_empty.clear();
    std::string in_place = changed_in_place(stmt);
    bool attaches = adds_rows_by_alter(stmt);
    auto adds_rows = [&](const std::string& relname) {
        for (const LockFact& lock : facts.locks) {
            if (!names(lock, relname)) continue;
            if (attaches) return true;
            // A write lock: INSERT, COPY FROM, MERGE, or a write through a view or a rule.
            if (lock.mode == LockMode::RowExclusive && lock.relation != in_place) return true;
        }
        return false;
    };
    std::erase_if(ctx.empty_tables, [&](const auto& entry) { return adds_rows(entry.first); });
    std::erase_if(ctx.deleted_all, [&](const auto& entry) { return adds_rows(entry.first); });
    // A write that fires triggers the migration knows of may add rows anywhere.
    const RangeVar* target = target_relation(stmt);
    if (const CopyStmt* copy = pg::as<CopyStmt>(stmt); copy != nullptr && copy->is_from) target = copy->relation;
    const RelationInfo* written = target != nullptr ? ctx.catalog.find(std::string(pg::relname(target))) : nullptr;
    if (written != nullptr && !written->triggers.empty()) {
        ctx.empty_tables.clear();
        ctx.deleted_all.clear();
    }
    for (auto& [relname, how] : ctx.proven_empty) ctx.empty_tables[relname] = std::move(how);
    ctx.proven_empty.clear();
    keep_deleted(stmt, facts, ctx);
    for (const LockFact& lock : facts.locks) {
        if (lock.mode == LockMode::AccessExclusive) ctx.exclusive_held.insert(lock.relation);
    }
}

}  // namespace pgfence::analyze::model
