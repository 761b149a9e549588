#include "analyze/rules/operation_dml.hpp"

#include "analyze/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"

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

void check_whole_table_dml(const StatementContext& ctx, Sink& sink, NodeTag kind) {
    if (ctx.stmt == nullptr || ctx.stmt->type != kind) return;
    const auto* update_stmt = ctx.as<UpdateStmt>();
    const auto* delete_stmt = ctx.as<DeleteStmt>();
    if (update_stmt == nullptr && delete_stmt == nullptr) return;
    const pg::Node* where = update_stmt != nullptr ? update_stmt->whereClause : delete_stmt->whereClause;
    if (where != nullptr) return;
    const RangeVar* rv = update_stmt != nullptr ? update_stmt->relation : delete_stmt->relation;
    std::string table = pg::display_name(rv);
    const LockFact* lock = existing(ctx.statement, table);
    if (lock == nullptr) return;  // a table created in this migration: nobody else sees its rows
    const TableEffect* scan = effect_on(ctx.statement.scans, table);
    if (scan == nullptr || !scan->certain) return;
    bool update = update_stmt != nullptr;
    std::string ref = rv != nullptr && rv->alias != nullptr ? quote_ident(pg::text(rv->alias->aliasname))
                                                            : quote_ident(pg::relname(rv));
    std::string verb = update ? "UPDATE " : "DELETE FROM ";
    std::string what = update ? " writes a new version of every row of " : " deletes every row of ";
    Finding& f = sink.add(ctx.statement,
                          verb + table + " without WHERE" + what + table + " in one transaction: it takes " +
                              a_lock(*lock) + " and locks each row it " + (update ? "writes" : "deletes") +
                              " until it commits, " + (update ? "writes every new row version to WAL" : "writes a WAL record for every row") +
                              ", and leaves a dead copy of every row behind (bloat until VACUUM)");
    f.relation = table;
    f.fix = std::string(update ? "backfill" : "delete") +
            " in batches out of band, each batch its own transaction, or add the WHERE clause that was meant";
    Recipe recipe;
    recipe.summary = update ? "Update in batches by primary key, out of band: each batch's row locks end when it commits"
                            : "Delete in batches out of band: each batch's row locks end when it commits";
    recipe.steps.push_back({"Out of band",
                            update ? batched_update(ctx.statement.sql, table, ref)
                                   : batched_delete(ctx.statement.sql, table, ref),
                            false});
    f.recipe = std::move(recipe);
}

}  // namespace pgfence::analyze::rules::operation
