#include "analyze/rules/operation_dml.hpp"

#include <vector>

#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_walk.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/transaction_work.hpp"

namespace pgfence::analyze::rules::operation {
namespace {

// The statement up to (not including) its RETURNING list.
std::string without_returning(const std::string& sql, bool& had) {
    std::size_t at = find_keyword(sql, 0, sql.size(), "RETURNING");
    had = at != std::string::npos;
    return trim(std::string_view(sql).substr(0, had ? at : sql.size()));
}

std::string batched_update(const std::string& sql, const std::string& table, const std::string& ref) {
    bool returning = false;
    std::string head = without_returning(sql, returning);
    std::string text =
        "Out of band, not in a migration: walk " + table + " by its primary key (written here as id),\n"
        "one batch per transaction, so each batch's row locks end when it commits and VACUUM can\n"
        "reclaim the old row versions between batches. Start with :last_id below the smallest id,\n"
        "set it to the largest id each batch returns, and stop when a batch updates 0 rows:\n" +
        head + "\n WHERE " + ref + ".id IN (SELECT id FROM " + table + " WHERE id > :last_id ORDER BY id LIMIT 5000)\n"
        " RETURNING " + ref + ".id;";
    if (returning) text += "\n(the original RETURNING list is left out: each batch returns its ids instead)";
    return comment_lines(text);
}

std::string batched_delete(const std::string& sql, const std::string& table, const std::string& ref) {
    bool returning = false;
    std::string head = without_returning(sql, returning);
    return comment_lines("Out of band, one batch per transaction, repeated until it deletes 0 rows: each batch\n"
                         "locks only the rows it deletes, and VACUUM can reclaim them between batches.\n" +
                         head + "\n WHERE " + ref + ".ctid = ANY (ARRAY(SELECT ctid FROM " + table + " LIMIT 5000));" +
                         (returning ? std::string("\n(the original RETURNING list is left out)") : std::string()));
}

}  // namespace

namespace {

// The data-modifying statements of `kind` in the statement's WITH clause (PostgreSQL allows them
// only in the top-level WITH): `WITH d AS (DELETE FROM users RETURNING id) SELECT ...`.
std::vector<const pg::Node*> cte_writes(const pg::Node* stmt, NodeTag kind) {
    const WithClause* with = nullptr;
    if (const auto* s = pg::as<SelectStmt>(stmt)) with = s->withClause;
    if (const auto* s = pg::as<InsertStmt>(stmt)) with = s->withClause;
    if (const auto* s = pg::as<UpdateStmt>(stmt)) with = s->withClause;
    if (const auto* s = pg::as<DeleteStmt>(stmt)) with = s->withClause;
    if (const auto* s = pg::as<MergeStmt>(stmt)) with = s->withClause;
    std::vector<const pg::Node*> out;
    for (const CommonTableExpr* cte : pg::each<CommonTableExpr>(with != nullptr ? with->ctes : nullptr)) {
        if (cte->ctequery != nullptr && cte->ctequery->type == kind) out.push_back(cte->ctequery);
    }
    return out;
}

// A DELETE or UPDATE in a WITH clause that touches every row: the finding, without the batched
// recipe (the statement around it returns or uses the rows, which a batch cannot keep).
void report_cte_write(const StatementContext& ctx, Sink& sink, const pg::Node* write) {
    auto every = every_row_write(*ctx.stmts, ctx.statement, write);
    if (!every || every->joined) return;
    const auto* update = pg::as<UpdateStmt>(write);
    const RangeVar* rv = update != nullptr ? update->relation : pg::as<DeleteStmt>(write)->relation;
    const std::string table = pg::display_name(rv);
    const LockFact* lock = existing(ctx.statement, table);
    if (lock == nullptr) return;
    const std::string shown = std::string(update != nullptr ? "UPDATE " : "DELETE FROM ") + table +
                              (every->why.empty() ? " without WHERE" : " (" + every->why + ")");
    Finding& f = sink.add(ctx.statement, "WITH ... AS (" + shown + ") " +
                                             (update != nullptr ? "writes a new version of every row of " : "deletes every row of ") +
                                             table + " in one transaction, inside a statement that reads as a query: it takes " +
                                             a_lock(*lock) + " and locks each row it " + (update != nullptr ? "writes" : "deletes") +
                                             " until it commits");
    f.relation = table;
    f.fix = std::string(update != nullptr ? "backfill" : "delete") +
            " in batches out of band, each batch its own transaction, or add the WHERE clause that was meant";
}

// Does `node` name any column (or parameter)? A WHEN condition that names none, `WHEN MATCHED
// AND true`, has one value for every row: it is no condition.
bool names_a_column(const pg::Node* node) {
    if (node == nullptr) return false;
    if (pg::is<ColumnRef>(node) || pg::is<ParamRef>(node)) return true;
    if (const auto* list = pg::as<List>(node)) {
        for (const pg::Node* item : pg::each(list)) {
            if (names_a_column(item)) return true;
        }
        return false;
    }
    bool found = false;
    pg::each_child(node, [&](const pg::Node* child) { found = found || names_a_column(child); });
    return found;
}

// MERGE ... WHEN MATCHED THEN DELETE / UPDATE with no condition of its own writes every row of the
// target the source matches (a source holding every key, the target itself or a copy of it: every
// row); WHEN NOT MATCHED BY SOURCE every row the source lacks (an empty source: every row).
void report_merge(const StatementContext& ctx, Sink& sink, CmdType command) {
    const auto* merge = ctx.as<MergeStmt>();
    if (merge == nullptr || merge->relation == nullptr) return;
    const std::string table = pg::display_name(merge->relation);
    const LockFact* lock = existing(ctx.statement, table);
    if (lock == nullptr || lock->empty) return;
    for (const MergeWhenClause* when : pg::each<MergeWhenClause>(merge->mergeWhenClauses)) {
        if (when->commandType != command || (when->condition != nullptr && names_a_column(when->condition))) continue;
        if (when->matchKind == MERGE_WHEN_NOT_MATCHED_BY_TARGET) continue;
        const bool by_source = when->matchKind == MERGE_WHEN_NOT_MATCHED_BY_SOURCE;
        const bool update = command == CMD_UPDATE;
        const std::string clause = std::string(by_source ? "WHEN NOT MATCHED BY SOURCE" : "WHEN MATCHED") + " THEN " +
                                   (update ? "UPDATE" : "DELETE");
        Finding& f = sink.add(ctx.statement,
                              "MERGE INTO " + table + " ... " + clause + (when->condition == nullptr ? " with no AND condition " : " with an AND condition that names no column ") +
                                  (update ? "writes a new version of " : "deletes ") + "every row of " + table +
                                  (by_source ? " that the source does not match (an empty source: every row)"
                                             : " that the source matches (a source with every key, such as " + table +
                                                   " itself or a copy of it: every row)") +
                                  ", in one transaction: it takes " + a_lock(*lock) + " and locks each row it " +
                                  (update ? "writes" : "deletes") + " until it commits");
        f.relation = table;
        f.fix = std::string("add the condition that was meant to the ") + clause + " clause (WHEN ... AND <condition>), or " +
                (update ? "backfill" : "delete") + " in batches out of band, each batch its own transaction";
        return;
    }
}

// Is every function of the FROM item generate_series?
bool generates_series(const RangeFunction* range) {
    for (const List* item : pg::each<List>(range->functions)) {
        const auto* call = pg::as<FuncCall>(pg::nth(item, 0));
        if (call == nullptr || pg::last_name(call->funcname) != "generate_series") return false;
    }
    return true;
}

// generate_series(a, b) with constant bounds less than k_few_keys apart generates few keys.
constexpr long long k_few_keys = 1000;
bool few_keys(const RangeFunction* range) {
    for (const List* item : pg::each<List>(range->functions)) {
        const auto* call = pg::as<FuncCall>(pg::nth(item, 0));
        if (call == nullptr || pg::last_name(call->funcname) != "generate_series" || pg::length(call->args) < 2) return false;
        const auto* a = pg::as<A_Const>(pg::nth(call->args, 0));
        const auto* b = pg::as<A_Const>(pg::nth(call->args, 1));
        if (a == nullptr || b == nullptr || a->isnull || b->isnull || a->val.node.type != T_Integer ||
            b->val.node.type != T_Integer) {
            return false;
        }
        const long long span = static_cast<long long>(b->val.ival.ival) - a->val.ival.ival;
        if (span < -k_few_keys || span > k_few_keys) return false;
    }
    return true;
}

}  // namespace

std::optional<UpsertReach> upsert_reach(const StatementContext& ctx) {
    const auto* insert = ctx.as<InsertStmt>();
    if (insert == nullptr || insert->relation == nullptr || insert->onConflictClause == nullptr ||
        insert->onConflictClause->action != ONCONFLICT_UPDATE) {
        return std::nullopt;
    }
    const auto* select = pg::as<SelectStmt>(insert->selectStmt);
    if (select == nullptr || select->valuesLists != nullptr || select->fromClause == nullptr) return std::nullopt;
    UpsertReach out;
    out.table = pg::display_name(insert->relation);
    out.lock = existing(ctx.statement, out.table);
    if (out.lock == nullptr || out.lock->empty) return std::nullopt;
    const std::string target(pg::relname(insert->relation));
    bool bounded = select->whereClause != nullptr || select->limitCount != nullptr || select->op != SETOP_NONE;
    std::vector<const pg::Node*> items;
    for (const pg::Node* item : pg::each(select->fromClause)) items.push_back(item);
    while (!items.empty()) {
        const pg::Node* item = items.back();
        items.pop_back();
        if (const auto* rv = pg::as<RangeVar>(item)) {
            const LockFact* read = lock_on(ctx.statement, pg::display_name(rv));
            if (pg::relname(rv) == target) out.source = out.table + " itself";
            else if (read != nullptr && read->is_new) bounded = true;  // made here: its rows are not counted
            else if (!bounded && out.source.empty()) out.source = "every row of " + pg::display_name(rv);
        } else if (const auto* join = pg::as<JoinExpr>(item)) {
            items.push_back(join->larg);
            items.push_back(join->rarg);
        } else if (const auto* range = pg::as<RangeFunction>(item)) {
            if (!generates_series(range)) bounded = true;  // unnest(...), a function: its rows are not counted
            else if (!bounded && out.source.empty() && !few_keys(range)) out.source = "a generated series of keys";
        }
    }
    const pg::Node* update_where = insert->onConflictClause->whereClause;
    out.every = !out.source.empty() && (update_where == nullptr || !names_a_column(update_where));
    if (out.source.empty() && !bounded) return std::nullopt;  // a few generated keys
    return out;
}

void check_whole_table_dml(const StatementContext& ctx, Sink& sink, NodeTag kind) {
    if (ctx.stmt == nullptr || ctx.stmts == nullptr) return;
    for (const pg::Node* write : cte_writes(ctx.stmt, kind)) report_cte_write(ctx, sink, write);
    if (pg::is<MergeStmt>(ctx.stmt)) report_merge(ctx, sink, kind == T_UpdateStmt ? CMD_UPDATE : CMD_DELETE);
    if (ctx.stmt->type != kind) return;
    const auto* update_stmt = ctx.as<UpdateStmt>();
    const auto* delete_stmt = ctx.as<DeleteStmt>();
    if (update_stmt == nullptr && delete_stmt == nullptr) return;
    auto every = every_row_write(*ctx.stmts, ctx.statement, ctx.stmt, ctx.memo);
    if (!every || every->joined) return;  // a join reads every row; backfill-in-migration reports it
    const RangeVar* rv = update_stmt != nullptr ? update_stmt->relation : delete_stmt->relation;
    std::string table = pg::display_name(rv);
    const LockFact* lock = existing(ctx.statement, table);
    if (lock == nullptr) return;  // a table created in this migration: nobody else sees its rows
    bool update = update_stmt != nullptr;
    std::string ref = rv != nullptr && rv->alias != nullptr ? quote_ident(pg::text(rv->alias->aliasname))
                                                            : quote_ident(pg::relname(rv));
    std::string verb = update ? "UPDATE " : "DELETE FROM ";
    std::string what = update ? " writes a new version of every row of " : " deletes every row of ";
    Split split = split_where(ctx.statement.sql);
    bool where = !every->why.empty() && !split.where.empty();
    std::string shown = where ? verb + table + " WHERE " + shortened(split.where, 60) + " (" + every->why + ")"
                              : verb + table + " without WHERE";
    Finding& f = sink.add(ctx.statement,
                          shown + what + table + " in one transaction: it takes " +
                              a_lock(*lock) + " and locks each row it " + (update ? "writes" : "deletes") +
                              " until it commits, " + (update ? "writes every new row version to WAL" : "writes a WAL record for every row") +
                              ", and leaves a dead copy of every row behind (bloat until VACUUM)");
    f.relation = table;
    f.fix = std::string(update ? "backfill" : "delete") + " in batches out of band, each batch its own transaction, or " +
            (where ? "narrow the WHERE clause to the rows that were meant" : "add the WHERE clause that was meant");
    Recipe recipe;
    recipe.summary = update ? "Update in batches by primary key, out of band: each batch's row locks end when it commits"
                            : "Delete in batches out of band: each batch's row locks end when it commits";
    std::string inner = rv->alias != nullptr ? table + " AS " + ref : table;
    recipe.steps.push_back({"Out of band",
                            where    ? batched(update, split, table, ref, inner)
                            : update ? batched_update(ctx.statement.sql, table, ref)
                                     : batched_delete(ctx.statement.sql, table, ref),
                            false});
    f.recipe = std::move(recipe);
}

std::string shortened(const std::string& text, std::size_t width) {
    std::string out;
    for (char c : text) {
        bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out += space ? ' ' : c;
    }
    if (out.size() > width) out = out.substr(0, width) + "...";
    return out;
}

Split split_where(const std::string& sql) {
    Split out;
    std::size_t where = find_keyword(sql, 0, sql.size(), "WHERE");
    std::size_t returning = find_keyword(sql, where == std::string::npos ? 0 : where, sql.size(), "RETURNING");
    out.returning = returning != std::string::npos;
    std::size_t end = out.returning ? returning : sql.size();
    if (where == std::string::npos) return out;
    out.head = trim(std::string_view(sql).substr(0, where));
    out.where = trim(std::string_view(sql).substr(where + 5, end - where - 5));
    if (!out.where.empty() && out.where.back() == ';') out.where.pop_back();
    return out;
}

std::string batched(bool update, const Split& split, const std::string& table, const std::string& ref,
                    const std::string& inner) {
    if (update) {
        // Each batch returns the last key of its range, not of the rows it changed: a range in
        // which no row matches the WHERE (rows backfilled before) must not end the walk.
        return comment_lines(
            "Out of band, not in a migration: walk " + table + " by its primary key (written here as id),\n"
            "one range of 5000 keys per transaction, so each batch's row locks end when it commits and\n"
            "VACUUM can reclaim the old row versions between batches. Start with :last_id below the\n"
            "smallest id, set it to the id each batch returns (the end of its range, whether or not any\n"
            "row in it needed the update), and stop when a batch returns NULL:\n"
            "WITH batch AS (SELECT id FROM " + table + " WHERE id > :last_id ORDER BY id LIMIT 5000),\n"
            "     changed AS (" + split.head + "\n  WHERE (" + split.where + ")\n    AND " + ref +
            ".id IN (SELECT id FROM batch))\nSELECT max(id) FROM batch;" +
            (split.returning ? "\n(the original RETURNING list is left out)" : ""));
    }
    // DELETE ... USING: the tables the WHERE joins go into the batch's subquery, which picks the
    // rows; left outside it, every (row, USING row) pair would run the subquery again.
    std::string head = split.head;
    std::string from = inner;
    std::string ctid = "ctid";
    if (std::size_t at = find_keyword(head, 0, head.size(), "USING"); at != std::string::npos) {
        from += ", " + trim(std::string_view(head).substr(at + 5));
        head = trim(std::string_view(head).substr(0, at));
        ctid = ref + ".ctid";
    }
    return comment_lines("Out of band, one batch per transaction, repeated until it deletes 0 rows: each batch\n"
                         "locks only the rows it deletes, and VACUUM can reclaim them between batches.\n" +
                         head + "\n WHERE " + ref + ".ctid = ANY (ARRAY(SELECT " + ctid + " FROM " + from + " WHERE " +
                         split.where + " LIMIT 5000));");
}


}  // namespace pgfence::analyze::rules::operation
