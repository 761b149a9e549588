#include "analyze/rules/added_columns.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace pgfence::analyze::rules {
namespace {

bool constant(const pg::Node* node) {
    if (const auto* cast = pg::as<TypeCast>(node)) return constant(cast->arg);
    return pg::is<A_Const>(node) || pg::is<ParamRef>(node);
}

// The target's column a conjunct pins to constants (`c = 'x'`, `c IN ('x', 'y')`), or "".
std::string pinned_column(const pg::Node* node, std::string_view own) {
    const auto* e = pg::as<A_Expr>(node);
    if (e == nullptr || pg::last_name(e->name) != "=") return {};
    const pg::Node* column = nullptr;
    if (e->kind == AEXPR_OP) {
        if (pg::is<ColumnRef>(e->lexpr) && constant(e->rexpr)) column = e->lexpr;
        else if (pg::is<ColumnRef>(e->rexpr) && constant(e->lexpr)) column = e->rexpr;
    } else if (e->kind == AEXPR_IN && pg::is<ColumnRef>(e->lexpr)) {
        const auto* list = pg::as<List>(e->rexpr);
        if (list == nullptr) return {};
        for (const pg::Node* item : pg::each(list)) {
            if (!constant(item)) return {};
        }
        column = e->lexpr;
    }
    const auto* ref = pg::as<ColumnRef>(column);
    if (ref == nullptr) return {};
    const int parts = pg::length(ref->fields);
    if (parts > 2 || (parts == 2 && pg::text(pg::nth(ref->fields, 0)) != own)) return {};
    return std::string(pg::text(pg::last(ref->fields)));
}

}  // namespace

bool pinned_only_by_added_columns(const pg::Node* where, const std::vector<const pg::Node*>& stmts, int index,
                                  std::string_view table, std::string_view own, FileMemo* memo) {
    std::set<std::string> pins;
    bool other_pin = false;
    auto visit = [&](const pg::Node* conjunct) {
        std::string column = pinned_column(conjunct, own);
        if (!column.empty()) pins.insert(column);
        else if (pg::is<SubLink>(conjunct)) other_pin = true;  // `c IN (SELECT ...)` may pin an indexed column
    };
    if (const auto* b = pg::as<BoolExpr>(where); b != nullptr && b->boolop == AND_EXPR) {
        for (const pg::Node* arg : pg::each(b->args)) visit(arg);
    } else {
        visit(where);
    }
    if (pins.empty() || other_pin) return false;
    // Each pinned column added to the table above, and no index built on the table since.
    std::pair<int, std::set<std::string>> local;
    auto& [upto, added] = memo != nullptr ? memo->added_columns[std::string(table)] : local;
    const int end = std::min<int>(index, static_cast<int>(stmts.size()));
    if (upto > end) {  // asked about an earlier statement: read again from the start
        upto = 0;
        added.clear();
    }
    for (int j = upto; j < end; ++j) {
        const pg::Node* node = stmts[static_cast<std::size_t>(j)];
        if (const auto* idx = pg::as<IndexStmt>(node); idx != nullptr && idx->relation != nullptr &&
                                                      pg::display_name(idx->relation) == table) {
            added.clear();
            continue;
        }
        const auto* alter = pg::as<AlterTableStmt>(node);
        if (alter == nullptr || alter->relation == nullptr || pg::display_name(alter->relation) != table) continue;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            const auto* def = pg::as<ColumnDef>(cmd->def);
            if (cmd->subtype == AT_AddColumn && def != nullptr) {
                // A UNIQUE or PRIMARY KEY constraint on the new column builds an index on it.
                bool indexed = false;
                for (const Constraint* c : pg::each<Constraint>(def->constraints)) {
                    indexed = indexed || c->contype == CONSTR_UNIQUE || c->contype == CONSTR_PRIMARY;
                }
                if (!indexed) added.insert(std::string(pg::text(def->colname)));
            } else if (cmd->subtype == AT_AddIndex || cmd->subtype == AT_AddConstraint || cmd->subtype == AT_AddIndexConstraint) {
                added.clear();  // an index may cover the new columns now
            }
        }
    }
    upto = end;
    for (const std::string& column : pins) {
        if (added.count(column) == 0) return false;
    }
    return true;
}

}  // namespace pgfence::analyze::rules
