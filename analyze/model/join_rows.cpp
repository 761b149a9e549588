#include "analyze/model/join_rows.hpp"

namespace pgfence::analyze {
namespace {

bool whole_item(const pg::Node* item, const WithClause* with, int depth);

// No condition, or column = column joins only (a join's ON that filters bounds its rows).
bool equalities_only(const pg::Node* quals) {
    if (quals == nullptr) return true;
    if (const auto* b = pg::as<BoolExpr>(quals)) {
        if (b->boolop != AND_EXPR) return false;
        for (const pg::Node* arg : pg::each(b->args)) {
            if (!equalities_only(arg)) return false;
        }
        return true;
    }
    const auto* e = pg::as<A_Expr>(quals);
    return e != nullptr && e->kind == AEXPR_OP && pg::last_name(e->name) == "=" && pg::is<ColumnRef>(e->lexpr) &&
           pg::is<ColumnRef>(e->rexpr);
}

// A query over whole tables: one SELECT with no filter or bound, whose FROM items are whole.
bool whole_query(const pg::Node* query, const WithClause* with, int depth) {
    const auto* select = pg::as<SelectStmt>(query);
    if (select == nullptr || depth > 8 || select->op != SETOP_NONE || select->valuesLists != nullptr ||
        select->whereClause != nullptr || select->havingClause != nullptr || select->limitCount != nullptr ||
        pg::length(select->fromClause) == 0) {
        return false;
    }
    const WithClause* inner = select->withClause != nullptr ? select->withClause : with;
    for (const pg::Node* item : pg::each(select->fromClause)) {
        if (!whole_item(item, inner, depth + 1)) return false;
    }
    return true;
}

bool whole_item(const pg::Node* item, const WithClause* with, int depth) {
    if (const auto* rv = pg::as<RangeVar>(item)) {
        if (rv->schemaname == nullptr && with != nullptr) {
            for (const CommonTableExpr* cte : pg::each<CommonTableExpr>(with->ctes)) {
                if (pg::text(cte->ctename) == pg::relname(rv)) return whole_query(cte->ctequery, nullptr, depth + 1);
            }
        }
        return true;
    }
    if (const auto* sub = pg::as<RangeSubselect>(item)) return whole_query(sub->subquery, with, depth + 1);
    if (const auto* join = pg::as<JoinExpr>(item)) {
        return equalities_only(join->quals) && whole_item(join->larg, with, depth + 1) &&
               whole_item(join->rarg, with, depth + 1);
    }
    return false;
}

// The tables and subqueries of a FROM list, through its joins.
int leaves(const pg::Node* item) {
    if (const auto* join = pg::as<JoinExpr>(item)) return leaves(join->larg) + leaves(join->rarg);
    if (const auto* list = pg::as<List>(item)) {
        int n = 0;
        for (const pg::Node* each : pg::each(list)) n += leaves(each);
        return n;
    }
    return 1;
}

// The column = column equalities of a WHERE's top-level AND.
int equalities(const pg::Node* where) {
    if (const auto* b = pg::as<BoolExpr>(where)) {
        int n = 0;
        if (b->boolop == AND_EXPR) {
            for (const pg::Node* arg : pg::each(b->args)) n += equalities(arg);
        }
        return n;
    }
    return equalities_only(where) && where != nullptr ? 1 : 0;
}

}  // namespace

bool joins_whole_tables(const pg::Node* stmt) {
    const List* from = nullptr;
    const WithClause* with = nullptr;
    const pg::Node* where = nullptr;
    if (const auto* update = pg::as<UpdateStmt>(stmt)) {
        from = update->fromClause;
        with = update->withClause;
        where = update->whereClause;
    } else if (const auto* remove = pg::as<DeleteStmt>(stmt)) {
        from = remove->usingClause;
        with = remove->withClause;
        where = remove->whereClause;
    }
    if (pg::length(from) == 0) return false;
    // One equality joins each item in; another one closes a cycle, which filters the rows
    // (o.pm = pm.id AND pm.source = spm.id AND o.referral = spm.collective).
    if (equalities(where) > leaves(reinterpret_cast<const pg::Node*>(from))) return false;
    for (const pg::Node* item : pg::each(from)) {
        if (!whole_item(item, with, 0)) return false;
    }
    return true;
}

}  // namespace pgfence::analyze
