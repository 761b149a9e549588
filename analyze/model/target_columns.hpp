#pragma once
// Does a predicate name a column of an UPDATE's, DELETE's or MERGE's target row? One that names
// none (a constant expression, an uncorrelated subquery, a function of nothing) has one value for
// every row: it selects every row or none. A condition on a joined table is no such one when the
// write has a FROM or USING (names_other_table_column): each target row meets its own partner.
#include <string_view>

#include "analyze/parse/pg_tree.hpp"
#include "analyze/parse/pg_walk.hpp"

namespace pgfence::analyze {

// An unqualified name anywhere in `node` (in a subquery too, where it may be correlated) counts,
// and so does one qualified by the target's name or alias, and a parameter ($1: its caller's
// choice); only a name qualified by another table is not the target's.
[[nodiscard]] inline bool names_target_column(const pg::Node* node, std::string_view relname, std::string_view alias) {
    if (node == nullptr) return false;
    if (const auto* list = pg::as<List>(node)) {
        for (const pg::Node* item : pg::each(list)) {
            if (names_target_column(item, relname, alias)) return true;
        }
        return false;
    }
    if (const auto* ref = pg::as<ColumnRef>(node)) {
        const int n = pg::length(ref->fields);
        if (n < 2) return true;
        const pg::Node* qualifier = pg::nth(ref->fields, n - 2);
        if (!pg::is<String>(qualifier)) return true;
        std::string_view name = pg::text(qualifier);
        return name == relname || name == alias;
    }
    if (pg::is<ParamRef>(node)) return true;
    bool found = false;
    pg::each_child(node, [&](const pg::Node* child) { found = found || names_target_column(child, relname, alias); });
    return found;
}

// Does `node` name a column qualified by another table than the target (`s.archived` in UPDATE t
// ... FROM s WHERE t.s_id = s.id AND s.archived)? Its value changes with the row of s each target
// row joins: the conjunct picks target rows as a filter on t would (red team #54).
[[nodiscard]] inline bool names_other_table_column(const pg::Node* node, std::string_view relname, std::string_view alias) {
    if (node == nullptr) return false;
    if (const auto* list = pg::as<List>(node)) {
        for (const pg::Node* item : pg::each(list)) {
            if (names_other_table_column(item, relname, alias)) return true;
        }
        return false;
    }
    if (const auto* ref = pg::as<ColumnRef>(node)) {
        const int n = pg::length(ref->fields);
        if (n < 2 || !pg::is<String>(pg::nth(ref->fields, n - 2))) return false;
        std::string_view name = pg::text(pg::nth(ref->fields, n - 2));
        return name != relname && name != alias;
    }
    bool found = false;
    pg::each_child(node, [&](const pg::Node* child) { found = found || names_other_table_column(child, relname, alias); });
    return found;
}

}  // namespace pgfence::analyze
