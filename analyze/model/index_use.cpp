#include <algorithm>
#include <utility>
#include <set>
#include <string>
#include <vector>

#include "analyze/model/model.hpp"
#include "analyze/model/pinned_key.hpp"
#include "analyze/parse/pg_walk.hpp"

namespace pgfence::analyze::model {
namespace {

// What a WHERE tells of the scan of one table: an index may drive it (served), none can, so the
// table is read whole (unserved), or the catalog cannot say (unknown).
enum class Use { served, unserved, unknown };

class IndexUse {
public:
    IndexUse(const Catalog& catalog, const RelationInfo& table, std::string_view qualifier, bool sole)
        : m_catalog(catalog), m_table(table), m_qualifier(qualifier), m_sole(sole), m_indexes(catalog.indexes_of(table.relname)) {}

    // Every index of the table is known by its definition.
    [[nodiscard]] bool indexes_known() const {
        return std::all_of(m_indexes.begin(), m_indexes.end(), [](const RelationInfo* i) { return i->index.has_value(); });
    }

    Use of(const pg::Node* node) const {
        if (const auto* b = pg::as<BoolExpr>(node)) return bool_expr(b);
        if (const auto* n = pg::as<NullTest>(node)) return column_use(own(reinterpret_cast<const pg::Node*>(n->arg)), false);
        if (pg::is<ColumnRef>(node)) {  // a boolean column: WHERE flagged
            std::string column = own(node);
            return column.empty() ? Use::unknown : column_use(column, false);
        }
        if (const auto* e = pg::as<A_Expr>(node)) return expr(e);
        if (const auto* s = pg::as<SubLink>(node)) {
            // c IN (SELECT ...), c = ANY (SELECT ...): the sub-select's rows look c up.
            if ((s->subLinkType == ANY_SUBLINK || s->subLinkType == EXPR_SUBLINK) && s->testexpr != nullptr) {
                std::string column = own(s->testexpr);
                if (!column.empty()) return column_use(column, false);
            }
            return Use::unknown;
        }
        return mentions_table(node) ? expression_use() : Use::unknown;
    }

private:
    Use bool_expr(const BoolExpr* b) const {
        if (b->boolop == NOT_EXPR) return mentions_table(reinterpret_cast<const pg::Node*>(b)) ? Use::unserved : Use::unknown;
        bool any_served = false, any_unknown = false, any_unserved = false;
        for (const pg::Node* arg : pg::each(b->args)) {
            Use u = of(arg);
            any_served = any_served || u == Use::served;
            any_unknown = any_unknown || u == Use::unknown;
            any_unserved = any_unserved || u == Use::unserved;
        }
        if (b->boolop == AND_EXPR) return any_served ? Use::served : any_unknown ? Use::unknown : Use::unserved;
        // OR: a bitmap scan needs an index for each arm.
        return any_unserved ? Use::unserved : any_unknown ? Use::unknown : Use::served;
    }

    Use expr(const A_Expr* e) const {
        static const std::set<std::string> k_range = {"=", "<", ">", "<=", ">=", "~~", "@>", "<@", "&&", "?", "@@"};
        const bool equality = e->kind == AEXPR_OP && pg::last_name(e->name) == "=";
        bool usable = false;
        switch (e->kind) {
            case AEXPR_OP: usable = k_range.count(std::string(pg::last_name(e->name))) > 0; break;
            case AEXPR_OP_ANY:
            case AEXPR_IN:
            case AEXPR_BETWEEN:
            case AEXPR_LIKE: usable = true; break;
            default: break;
        }
        std::string left = own(e->lexpr), right = own(e->rexpr);
        if (left.empty() && right.empty()) {
            const bool mentions = mentions_table(e->lexpr) || mentions_table(e->rexpr);
            return mentions ? (usable ? expression_use() : Use::unserved) : Use::unknown;
        }
        if (!usable) return Use::unserved;  // c <> x, c IS DISTINCT FROM x: no index scan
        // c = d of two of the table's own columns compares each row with itself.
        if (!left.empty() && !right.empty()) return Use::unserved;
        const pg::Node* other = left.empty() ? e->lexpr : e->rexpr;
        if (mentions_table(other)) return Use::unserved;
        return column_use(left.empty() ? right : left, equality);
    }

    // Can an index of the table look rows up by `column`?
    Use column_use(const std::string& column, bool equality) const {
        if (column.empty()) return Use::unknown;
        if (column == "ctid") return Use::served;  // a TID scan
        for (const RelationInfo* i : m_indexes) {
            const IndexDef& def = *i->index;
            if (def.keys.empty()) continue;
            if (def.method == "btree" || def.method == "hash" || def.method == "spgist") {
                if (def.keys.front() == column && (def.method != "hash" || equality)) return Use::served;
            } else if (std::find(def.keys.begin(), def.keys.end(), column) != def.keys.end()) {
                return Use::served;  // GIN, GiST, BRIN: any key column
            }
        }
        return Use::unserved;
    }

    // A condition on an expression of the table's columns (lower(email) = $1): an expression index may serve it.
    Use expression_use() const {
        for (const RelationInfo* i : m_indexes) {
            if (std::find(i->index->keys.begin(), i->index->keys.end(), "") != i->index->keys.end()) return Use::unknown;
        }
        return Use::unserved;
    }

    // The table's own column that `node` is (qualified by the table's name or alias, or
    // unqualified where the table is the query's only one or has a column of that name), or "".
    std::string own(const pg::Node* node) const {
        const auto* ref = pg::as<ColumnRef>(node);
        if (ref == nullptr) return {};
        int n = pg::length(ref->fields);
        if (n == 0 || n > 2 || !pg::is<String>(pg::last(ref->fields))) return {};
        std::string column(pg::text(pg::last(ref->fields)));
        if (n == 2) return pg::text(pg::nth(ref->fields, 0)) == m_qualifier ? column : std::string();
        if (column == "ctid" || m_sole) return column;
        return std::any_of(m_table.columns.begin(), m_table.columns.end(), [&](const ColumnInfo& c) { return c.name == column; })
                   ? column
                   : std::string();
    }

    // Does `node` name a column of the table? A sub-select's own columns are its tables'.
    bool mentions_table(const pg::Node* node) const {
        if (node == nullptr || pg::is<SubLink>(node) || pg::is<SelectStmt>(node)) return false;
        if (!own(node).empty()) return true;
        bool found = false;
        pg::each_child(node, [&](const pg::Node* child) { found = found || mentions_table(child); });
        return found;
    }

    const Catalog& m_catalog;
    const RelationInfo& m_table;
    std::string_view m_qualifier;
    bool m_sole;
    std::vector<const RelationInfo*> m_indexes;
};

}  // namespace

bool reads_whole_table(const pg::Node* where, const RangeVar* table, bool sole, const Context& ctx) {
    if (where == nullptr || table == nullptr) return false;
    const RelationInfo* info = std::as_const(ctx.catalog).find(std::string(pg::relname(table)));
    if (info == nullptr || (info->kind != "table" && info->kind != "partitioned table") || !info->children.empty()) return false;
    std::string qualifier = table->alias != nullptr ? std::string(pg::text(table->alias->aliasname)) : std::string(pg::relname(table));
    IndexUse use(ctx.catalog, *info, qualifier, sole);
    return use.indexes_known() && use.of(where) == Use::unserved;
}

namespace {

// A constant, or a scalar subquery (one value: `schema_id = (SELECT id FROM schemas WHERE ...)`).
bool constant_value(const pg::Node* node) {
    while (const auto* cast = pg::as<TypeCast>(node)) node = cast->arg;
    if (const auto* sub = pg::as<SubLink>(node)) return sub->subLinkType == EXPR_SUBLINK;
    return pg::is<A_Const>(node) || pg::is<ParamRef>(node);
}

// `n` as a column of `table` (unqualified or qualified by `qualifier`), or "".
std::string own_column_of(const pg::Node* n, const RelationInfo& table, std::string_view qualifier) {
    const auto* ref = pg::as<ColumnRef>(n);
    if (ref == nullptr || !pg::is<String>(pg::last(ref->fields))) return {};
    const int fields = pg::length(ref->fields);
    if (fields > 2 || (fields == 2 && pg::text(pg::nth(ref->fields, 0)) != qualifier)) return {};
    std::string column(pg::text(pg::last(ref->fields)));
    // A column the migrations show (one they do not may be another table's of the query).
    return table.column_index.find(column) != table.column_index.end() ? column : std::string();
}

// `n` as "q.c", a column qualified by another table than the target, or "".
std::string other_column_of(const pg::Node* n, std::string_view qualifier) {
    const auto* ref = pg::as<ColumnRef>(n);
    if (ref == nullptr || pg::length(ref->fields) != 2 || !pg::is<String>(pg::nth(ref->fields, 0)) ||
        !pg::is<String>(pg::nth(ref->fields, 1)) || pg::text(pg::nth(ref->fields, 0)) == qualifier) {
        return {};
    }
    return std::string(pg::text(pg::nth(ref->fields, 0))) + "." + std::string(pg::text(pg::nth(ref->fields, 1)));
}

// The column of `table` a conjunct pins to constants (c = k, c IN (k, ...), c = ANY (k)), or "".
std::string pinned_column(const pg::Node* node, const RelationInfo& table, std::string_view qualifier) {
    const auto* e = pg::as<A_Expr>(node);
    if (e == nullptr || pg::last_name(e->name) != "=") return {};
    auto own = [&](const pg::Node* n) { return own_column_of(n, table, qualifier); };
    if (e->kind == AEXPR_OP) {
        if (constant_value(e->rexpr)) return own(e->lexpr);
        if (constant_value(e->lexpr)) return own(e->rexpr);
        return {};
    }
    if (e->kind == AEXPR_IN) {
        const auto* list = pg::as<List>(e->rexpr);
        if (list == nullptr) return {};
        for (const pg::Node* item : pg::each(list)) {
            if (!constant_value(item)) return {};
        }
        return own(e->lexpr);
    }
    return {};
}

}  // namespace

std::string pinned_non_key(const pg::Node* where, const RangeVar* table, const Context& ctx, bool* foreign_key) {
    if (foreign_key != nullptr) *foreign_key = false;
    if (where == nullptr || table == nullptr) return {};
    const Catalog& catalog = ctx.catalog;  // looked at, not changed
    const RelationInfo* info = catalog.find(std::string(pg::relname(table)));
    if (info == nullptr || info->kind != "table" || info->columns.empty()) return {};
    const std::string qualifier = table->alias != nullptr ? std::string(pg::text(table->alias->aliasname)) : std::string(pg::relname(table));
    std::set<std::string> pinned;
    std::string first;
    // UPDATE ... FROM s WHERE t.c = s.id AND s.id = 1 pins t.c through the join (red team #54).
    std::set<std::string> other_pins;
    std::vector<std::pair<std::string, std::string>> joins;  // the target's column, "s.id"
    auto conjunct = [&](const pg::Node* node) {
        std::string column = pinned_column(node, *info, qualifier);
        if (!column.empty()) {
            if (first.empty()) first = column;
            pinned.insert(std::move(column));
            return;
        }
        const auto* e = pg::as<A_Expr>(node);
        if (e == nullptr || e->kind != AEXPR_OP || pg::last_name(e->name) != "=") return;
        if (std::string other = other_column_of(e->lexpr, qualifier); !other.empty() && constant_value(e->rexpr)) other_pins.insert(other);
        if (std::string other = other_column_of(e->rexpr, qualifier); !other.empty() && constant_value(e->lexpr)) other_pins.insert(other);
        for (const auto& [mine, theirs] : {std::pair{e->lexpr, e->rexpr}, std::pair{e->rexpr, e->lexpr}}) {
            std::string own = own_column_of(mine, *info, qualifier);
            std::string other = other_column_of(theirs, qualifier);
            if (!own.empty() && !other.empty()) joins.emplace_back(std::move(own), std::move(other));
        }
    };
    if (const auto* b = pg::as<BoolExpr>(where)) {
        if (b->boolop != AND_EXPR) return {};
        for (const pg::Node* arg : pg::each(b->args)) conjunct(arg);
    } else {
        conjunct(where);
    }
    for (const auto& [mine, theirs] : joins) {
        if (other_pins.count(theirs) == 0) continue;
        if (first.empty()) first = mine;
        pinned.insert(mine);
    }
    if (pinned.empty() || pinned.count("ctid") > 0) return {};
    auto covered = [&](const auto& columns) {
        return !columns.empty() && std::all_of(columns.begin(), columns.end(), [&](const std::string& c) { return pinned.count(c) > 0; });
    };
    if (covered(info->primary_key)) return {};
    // Asked last: a walk of the catalog's relations.
    const std::vector<const RelationInfo*> indexes = catalog.indexes_of(info->relname);
    if (!std::all_of(indexes.begin(), indexes.end(), [](const RelationInfo* i) { return i->index.has_value(); })) return {};
    for (const RelationInfo* i : indexes) {
        if (i->index->unique && !i->index->partial && covered(i->index->keys)) return {};
    }
    // A foreign key's columns are no key: one value picks every row of one parent, which for a
    // lookup table of a few rows (status_id REFERENCES order_statuses) is most of the table (red team
    // R69 C10: DELETE FROM orders WHERE status_id = 1 deleted 900 of 1000 rows), and for one item
    // of many (a policy's rows of one item_uuid) a few. Said apart, so that a rule can weigh it.
    if (foreign_key != nullptr) {
        for (const auto& [name, fk] : info->foreign_keys) {
            if (covered(fk.columns)) *foreign_key = true;
        }
    }
    return first;
}

}  // namespace pgfence::analyze::model
