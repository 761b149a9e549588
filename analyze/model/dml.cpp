#include <map>
#include <utility>
#include "analyze/model/dml_parts.hpp"
#include <optional>
#include <tuple>
#include <set>

#include "analyze/model/join_rows.hpp"
#include "analyze/parse/literal_truth.hpp"
#include "analyze/model/target_columns.hpp"
#include "analyze/model/column_fills.hpp"
#include "analyze/model/model.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_walk.hpp"

namespace pgfence::analyze::model {
namespace dml_detail {

// The columns an UPDATE sets.
std::set<std::string> set_columns(const List* target_list) {
    std::set<std::string> out;
    for (const ResTarget* t : pg::each<ResTarget>(target_list)) out.emplace(pg::text(t->name));
    return out;
}

bool overlaps(const std::vector<std::string>& columns, const std::set<std::string>& set) {
    for (const auto& c : columns) {
        if (set.count(c) > 0) return true;
    }
    return false;
}

std::string_view alias_name(const Alias* alias) { return alias != nullptr ? pg::text(alias->aliasname) : std::string_view(); }

}  // namespace dml_detail

void lock_query(StatementFacts& facts, Context& ctx, const pg::Node* query, QueryUse use, const std::string& reason) {
    Walker(facts, ctx, use, reason).run(query);
}

void lock_relation(StatementFacts& facts, Context& ctx, const std::string& relname, const std::string& display,
                   LockMode mode, QueryUse use, const std::string& reason) {
    Walker(facts, ctx, use, reason).relation(relname, display, mode, true);
}

const RangeVar* target_relation(const pg::Node* stmt) {
    if (const InsertStmt* s = pg::as<InsertStmt>(stmt)) return s->relation;
    if (const UpdateStmt* s = pg::as<UpdateStmt>(stmt)) return s->relation;
    if (const DeleteStmt* s = pg::as<DeleteStmt>(stmt)) return s->relation;
    if (const MergeStmt* s = pg::as<MergeStmt>(stmt)) return s->relation;
    return nullptr;
}

namespace dml_detail {

bool model_select(const SelectStmt* stmt, StatementFacts& facts, Context& ctx) {
    facts.tag = stmt->intoClause != nullptr ? "SELECT INTO" : "SELECT";
    lock_query(facts, ctx, reinterpret_cast<const pg::Node*>(stmt), QueryUse::Execute, "SELECT reads it");
    // The tables a plain query reads whole (no WHERE an index serves, no LIMIT), as an INSERT ...
    // SELECT's: a count(*) of a history table takes as long under a held lock (R67 A10).
    if (stmt->intoClause == nullptr && stmt->fromClause != nullptr) {
        std::vector<std::string> ctes;
        dml_detail::source_scans(stmt, facts, ctx, ctes, "the query");
    }
    if (stmt->intoClause != nullptr) {
        const RangeVar* rv = stmt->intoClause->rel;
        RelationInfo& info = ctx.catalog.add(std::string(pg::relname(rv)), pg::display_name(rv), "table");
        mark_new(ctx, info, is_temporary(rv));
        info.temporary = is_temporary(rv);
        info.columns_nullable = true;
        lock_range_var(facts, ctx, rv, M::AccessExclusive, "SELECT INTO: the new table");
    }
    std::string why;
    if (stmt->fromClause == nullptr &&
        expression_is_volatile(reinterpret_cast<const pg::Node*>(stmt->targetList), why) && why != "nextval()" &&
        why != "setval()") {
        facts.runs_user_code = true;
        facts.notes.push_back("calls " + why + ": locks taken inside functions are not visible to static analysis");
    }
    return true;
}

// The foreign key by which every row of table `from` has a partner in `to`: `column` is NOT NULL
// and its foreign key references `to`'s `key` (its one-column primary key when the key names
// none). Its name, or "" when there is none. A join on it restricts no row of `from`.
std::string covering_foreign_key(const Context& ctx, const std::string& from, const std::string& column,
                                 const std::string& to, const std::string& key) {
    const RelationInfo* rel = std::as_const(ctx.catalog).find(from);
    const RelationInfo* target = std::as_const(ctx.catalog).find(to);
    if (rel == nullptr || target == nullptr) return {};
    auto at = rel->column_index.find(column);
    if (at == rel->column_index.end() || !rel->columns[at->second].not_null) return {};
    for (const auto& [name, fk] : rel->foreign_keys) {
        if (fk.target != to || fk.columns != std::vector<std::string>{column}) continue;
        bool to_key = fk.target_columns.empty() ? target->primary_key.size() == 1 && *target->primary_key.begin() == key
                                                : fk.target_columns == std::vector<std::string>{key};
        if (to_key) return name;
    }
    return {};
}

// The name a FROM item's columns are qualified by: its alias, else its table's name.
std::string_view item_name(const RangeVar* rv) { return rv->alias != nullptr ? alias_name(rv->alias) : pg::relname(rv); }

// An inner join `a JOIN b ON a.c = b.k` (either order) where a.c covers a (covering_foreign_key):
// every row of `side` (a or b) has a partner, so reading the join reads every row of it.
bool inner_join_covers(const JoinExpr* join, const RangeVar* side, const Context& ctx) {
    const auto* l = pg::as<RangeVar>(join->larg);
    const auto* r = pg::as<RangeVar>(join->rarg);
    const auto* e = pg::as<A_Expr>(join->quals);
    if (join->jointype != JOIN_INNER || l == nullptr || r == nullptr || e == nullptr || e->kind != AEXPR_OP ||
        pg::last_name(e->name) != "=") {
        return false;
    }
    const auto* a = pg::as<ColumnRef>(e->lexpr);
    const auto* b = pg::as<ColumnRef>(e->rexpr);
    if (a == nullptr || b == nullptr || pg::length(a->fields) != 2 || pg::length(b->fields) != 2) return false;
    const RangeVar* other = side == l ? r : l;
    auto owner = [&](const ColumnRef* c) -> const RangeVar* {
        std::string_view q = pg::text(pg::nth(c->fields, 0));
        return q == item_name(side) ? side : q == item_name(other) ? other : nullptr;
    };
    if (owner(b) == side) std::swap(a, b);
    if (owner(a) != side || owner(b) != other) return false;
    return !covering_foreign_key(ctx, std::string(pg::relname(side)), std::string(pg::text(pg::last(a->fields))),
                                 std::string(pg::relname(other)), std::string(pg::text(pg::last(b->fields))))
                .empty();
}

// The tables an INSERT ... SELECT reads, as scans: the whole table (certain) when the query
// reads one table with no WHERE and no LIMIT, as UPDATE and DELETE without WHERE are read;
// otherwise the rows its query selects (an index or a join may bound them). Set operations
// (UNION) scan each of their queries; CTEs, sub-selects and views are not followed.
void source_scans(const SelectStmt* select, StatementFacts& facts, Context& ctx, std::vector<std::string>& ctes,
                  std::string_view label) {
    if (select == nullptr || select->valuesLists != nullptr) return;
    if (select->op != SETOP_NONE) {
        source_scans(select->larg, facts, ctx, ctes, label);
        source_scans(select->rarg, facts, ctx, ctes, label);
        return;
    }
    std::size_t outer = ctes.size();
    push_cte_names(reinterpret_cast<const pg::Node*>(select), ctes);
    bool whole = select->whereClause == nullptr && select->limitCount == nullptr && pg::length(select->fromClause) == 1;
    // One table, and a WHERE no index of it can serve: a sequential scan reads every row.
    const RangeVar* sole = pg::length(select->fromClause) == 1 ? pg::as<RangeVar>(pg::nth(select->fromClause, 0)) : nullptr;
    const bool unindexed = !whole && sole != nullptr && select->limitCount == nullptr && !names_cte(sole, ctes) &&
                           reads_whole_table(select->whereClause, sole, true, ctx);
    whole = whole || unindexed;
    // Each table with whether the join keeps all of its rows (the preserved side of an outer
    // join): with no WHERE to bound it (or one no index serves) and no LIMIT, every row is read.
    std::vector<std::pair<const RangeVar*, bool>> tables;
    std::vector<std::pair<const pg::Node*, bool>> items;
    // Only the one item of a FROM that has one keeps its rows; a join passes that on to the side
    // an outer join preserves, and no further.
    const bool single = pg::length(select->fromClause) == 1;
    for (const pg::Node* item : pg::each(select->fromClause)) items.emplace_back(item, single);
    while (!items.empty()) {
        auto [item, preserved] = items.back();
        items.pop_back();
        if (const auto* rv = pg::as<RangeVar>(item)) {
            tables.emplace_back(rv, preserved);
        } else if (const auto* sub = pg::as<RangeSubselect>(item)) {
            // FROM (SELECT ... GROUP BY) AS s with nothing outside to bound it: every row the
            // sub-select makes is used, so its own tables are read as its query reads them
            // (docs.rs's release_build_status filled from releases LEFT JOIN builds).
            if (preserved && !sub->lateral && select->whereClause == nullptr && select->limitCount == nullptr) {
                source_scans(pg::as<SelectStmt>(sub->subquery), facts, ctx, ctes, label);
            }
        } else if (const auto* join = pg::as<JoinExpr>(item)) {
            whole = false;  // a join may read the other side through an index
            // An inner join on a NOT NULL foreign key keeps every row of the referencing side.
            const auto* lrv = pg::as<RangeVar>(join->larg);
            const auto* rrv = pg::as<RangeVar>(join->rarg);
            items.emplace_back(join->rarg, preserved && (join->jointype == JOIN_RIGHT || join->jointype == JOIN_FULL ||
                                                         (rrv != nullptr && inner_join_covers(join, rrv, ctx))));
            items.emplace_back(join->larg, preserved && (join->jointype == JOIN_LEFT || join->jointype == JOIN_FULL ||
                                                         (lrv != nullptr && inner_join_covers(join, lrv, ctx))));
        }
    }
    for (const auto& [rv, preserved] : tables) {
        if (names_cte(rv, ctes)) continue;
        const RelationInfo* info = std::as_const(ctx.catalog).find(std::string(pg::relname(rv)));
        if (info != nullptr && info->kind == "view") continue;
        std::string table = pg::display_name(rv);
        const bool kept = preserved && select->limitCount == nullptr &&
                          (select->whereClause == nullptr || reads_whole_table(select->whereClause, rv, false, ctx));
        add_scan(facts, table,
                 unindexed ? std::string(label) + " reads every row of " + table + ": no index of " + table + " serves its WHERE"
                 : whole || kept ? std::string(label) + " reads every row of " + table
                                 : std::string(label) + " reads the rows its query selects from " + table,
                 whole || kept, unindexed || (kept && select->whereClause != nullptr));
    }
    ctes.resize(outer);
}
}  // namespace dml_detail

bool model_dml(const pg::Node* stmt, StatementFacts& facts, Context& ctx) {
    switch (stmt->type) {
        case T_SelectStmt:
            return model_select(pg::as<SelectStmt>(stmt), facts, ctx);
        case T_InsertStmt:
        case T_UpdateStmt:
        case T_DeleteStmt:
        case T_MergeStmt:
            return model_write(stmt, facts, ctx);
        case T_CopyStmt:
            return model_copy(pg::as<CopyStmt>(stmt), facts, ctx);
        case T_LockStmt:
            return model_lock(pg::as<LockStmt>(stmt), facts, ctx);
        default:
            return false;
    }
}

}  // namespace pgfence::analyze::model
