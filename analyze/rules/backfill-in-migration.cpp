#include "analyze/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/pg_walk.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

// A constant as the parser gives it: a literal, a parameter, or either cast to a type.
bool constant(const pg::Node* node) {
    if (const auto* cast = pg::as<TypeCast>(node)) return constant(cast->arg);
    return pg::is<A_Const>(node) || pg::is<ParamRef>(node);
}

// `column = constant` or `column IN (constants)`: a targeted data fix, not a backfill.
bool pinned(const pg::Node* where) {
    if (const auto* b = pg::as<BoolExpr>(where)) {
        if (b->boolop != AND_EXPR) return false;
        for (const pg::Node* arg : pg::each(b->args)) {
            if (pinned(arg)) return true;  // one pinning conjunct bounds the whole conjunction
        }
        return false;
    }
    const auto* e = pg::as<A_Expr>(where);
    if (e == nullptr) return false;
    const pg::Node* left = e->lexpr;
    const pg::Node* right = e->rexpr;
    if (e->kind == AEXPR_OP && pg::last_name(e->name) == "=") {
        return (pg::is<ColumnRef>(left) && constant(right)) || (pg::is<ColumnRef>(right) && constant(left));
    }
    if (e->kind == AEXPR_IN && pg::last_name(e->name) == "=" && pg::is<ColumnRef>(left)) {
        const auto* list = pg::as<List>(right);
        if (list == nullptr) return false;
        for (const pg::Node* item : pg::each(list)) {
            if (!constant(item)) return false;
        }
        return true;
    }
    return false;
}

// Does a subquery with a LIMIT choose the rows (id IN (SELECT ... LIMIT n), ctid = ANY
// (ARRAY(SELECT ... LIMIT n)))?
bool bounded(const pg::Node* node) {
    if (node == nullptr) return false;
    if (const auto* select = pg::as<SelectStmt>(node); select != nullptr && select->limitCount != nullptr) return true;
    bool found = false;
    pg::each_child(node, [&](const pg::Node* child) { found = found || bounded(child); });
    return found;
}

// The WHERE clause on one line, cut to about `width` characters.
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

// The statement's text up to its top-level WHERE and the WHERE's own text (to RETURNING).
struct Split {
    std::string head;
    std::string where;
    bool returning = false;
};

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

// `inner`: the table as the batch's subquery names it, under the statement's alias if it has
// one, so that the WHERE clause's references to the alias mean the subquery's rows.
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

// An UPDATE or DELETE with a WHERE clause that is not pinned to constants, on a table that
// existed before the migration: a backfill or purge that may touch most of the table, in the
// migration's transaction, holding each row's lock until it commits. A WHERE on ctid = ANY
// (ARRAY(SELECT ... LIMIT n)) or id IN (SELECT ... LIMIT n) is a batch already.
void check(const StatementContext& ctx, Sink& sink) {
    const auto* update = ctx.as<UpdateStmt>();
    const auto* remove = ctx.as<DeleteStmt>();
    if (update == nullptr && remove == nullptr) return;
    const pg::Node* where = update != nullptr ? update->whereClause : remove->whereClause;
    if (where == nullptr || pinned(where)) return;  // no WHERE: update/delete-without-where
    if (bounded(where)) return;  // its rows are chosen by a SELECT ... LIMIT: a batch
    const RangeVar* rv = update != nullptr ? update->relation : remove->relation;
    std::string table = pg::display_name(rv);
    const LockFact* lock = existing(ctx.statement, table);
    if (lock == nullptr || lock->empty) return;  // created in this migration, or proven empty: no rows to batch
    std::string ref = rv->alias != nullptr ? quote_ident(pg::text(rv->alias->aliasname)) : quote_ident(pg::relname(rv));
    Split split = split_where(ctx.statement.sql);
    if (split.where.empty()) return;
    std::string verb = update != nullptr ? "UPDATE " : "DELETE FROM ";
    Finding& f = sink.add(ctx.statement,
                          verb + table + " WHERE " + shortened(split.where, 60) + " may touch most rows of " + table +
                              ", in the migration's transaction: each row it " + (update ? "writes" : "deletes") +
                              " stays locked until the migration commits (other writers of those rows wait), and every "
                              "row version goes to WAL at once (replicas fall behind)");
    f.relation = table;
    f.fix = std::string(update ? "backfill" : "delete") +
            " in batches out of band (each batch its own transaction) after the migration, not in it";
    Recipe recipe;
    recipe.summary = update ? "Backfill in batches by primary key, out of band: each batch's row locks end when it commits"
                            : "Delete in batches out of band: each batch's row locks end when it commits";
    std::string inner = rv->alias != nullptr ? table + " AS " + ref : table;
    recipe.steps.push_back({"Out of band", batched(update != nullptr, split, table, ref, inner), false});
    f.recipe = std::move(recipe);
}

}  // namespace

PGFENCE_RULE(backfill_in_migration) {
    return Rule{"backfill-in-migration", Risk::Medium,
                "An UPDATE or DELETE of many rows in a migration holds their row locks until it commits", check,
                nullptr, true, "locking", SizeWork::scan};
}

}  // namespace pgfence::analyze::rules
