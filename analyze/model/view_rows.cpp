#include "analyze/model/view_rows.hpp"

#include <set>

#include "analyze/parse/literal_truth.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_walk.hpp"

namespace pgfence::analyze {
namespace {

// PostgreSQL's equal() (src/backend/nodes/equalfuncs.c), null-safe as it is; location fields
// are not compared (COMPARE_LOCATION_FIELD does nothing).
bool same(const void* a, const void* b) { return ::equal(a, b); }

const ViewStmt* view_in(const pg::Node* stmt, std::string_view relname) {
    // The statement alone: the view's (ALTER VIEW ... RENAME TO may have named it otherwise since).
    if (const auto* view = pg::as<ViewStmt>(stmt)) return view;
    if (const auto* schema = pg::as<CreateSchemaStmt>(stmt)) {
        for (const pg::Node* element : pg::each(schema->schemaElts)) {
            const auto* view = pg::as<ViewStmt>(element);
            if (view != nullptr && view->view != nullptr && pg::relname(view->view) == relname) return view;
        }
    }
    return nullptr;
}

// The same tables in the same order, each maybe under another alias (`FROM things` and
// `FROM things t` return the same rows).
bool same_tables(const List* old_from, const List* new_from) {
    if (pg::length(old_from) != pg::length(new_from) || pg::length(old_from) == 0) return false;
    for (int i = 0; i < pg::length(old_from); ++i) {
        const auto* a = pg::as<RangeVar>(pg::nth(old_from, i));
        const auto* b = pg::as<RangeVar>(pg::nth(new_from, i));
        if (a == nullptr || b == nullptr || a->inh != b->inh || pg::relname(a) != pg::relname(b) ||
            std::string_view(a->schemaname != nullptr ? a->schemaname : "") != std::string_view(b->schemaname != nullptr ? b->schemaname : "")) {
            return false;
        }
    }
    return true;
}

// The new FROM is the old one's only item with LEFT JOINs around it: every old row stays.
bool left_joins_around(const List* old_from, const List* new_from) {
    if (pg::length(old_from) != 1 || pg::length(new_from) != 1) return false;
    const pg::Node* old_item = pg::nth(old_from, 0);
    const pg::Node* item = pg::nth(new_from, 0);
    while (const auto* join = pg::as<JoinExpr>(item)) {
        if (join->jointype != JOIN_LEFT) return false;
        item = join->larg;
        if (same(item, old_item)) return true;
    }
    return false;
}

// Functions that return a set: one in the select list returns no row for an input row whose set
// is empty (unnest('{}')), so a new one may drop rows.
bool set_returning(std::string_view name) {
    static const std::set<std::string_view> k_names = {
        "unnest", "generate_series", "generate_subscripts", "regexp_matches", "regexp_split_to_table", "string_to_table",
        "json_array_elements", "json_array_elements_text", "jsonb_array_elements", "jsonb_array_elements_text",
        "json_each", "json_each_text", "jsonb_each", "jsonb_each_text", "json_object_keys", "jsonb_object_keys",
        "jsonb_path_query", "json_populate_recordset", "jsonb_populate_recordset", "json_to_recordset",
        "jsonb_to_recordset", "pg_listening_channels", "ts_stat", "ts_debug"};
    return k_names.count(name) > 0;
}

std::multiset<std::string> set_returning_calls(const List* targets) {
    std::multiset<std::string> out;
    auto walk = [&](auto&& self, const pg::Node* n) -> void {
        if (n == nullptr || pg::is<SubLink>(n)) return;  // a subquery's own rows are its own
        if (const auto* call = pg::as<FuncCall>(n); call != nullptr && call->over == nullptr && pg::length(call->funcname) > 0 &&
                                                    set_returning(pg::last_name(call->funcname))) {
            out.insert(std::string(pg::last_name(call->funcname)));
        }
        pg::each_child(n, [&](const pg::Node* child) { self(self, child); });
    };
    for (const pg::Node* target : pg::each(targets)) walk(walk, target);
    return out;
}

bool literally_true(const pg::Node* node) { return node == nullptr || literal_truth(node) == Truth::True; }

}  // namespace

std::string view_rows_change(std::string_view old_sql, std::string_view relname, const pg::Node* new_query) {
    ParsedStatement parsed = parse_statement(old_sql);
    return view_rows_change(parsed.failure ? nullptr : parsed.stmt, relname, new_query);
}

std::string view_rows_change(const pg::Node* old_stmt, std::string_view relname, const pg::Node* new_query) {
    const ViewStmt* old_view = old_stmt == nullptr ? nullptr : view_in(old_stmt, relname);
    if (old_view == nullptr) return "pgfence could not read its old query again";
    const auto* o = pg::as<SelectStmt>(old_view->query);
    const auto* n = pg::as<SelectStmt>(new_query);
    if (o == nullptr || n == nullptr) return "its query changed";
    if (o->op != SETOP_NONE || n->op != SETOP_NONE || o->valuesLists != nullptr || n->valuesLists != nullptr) {
        return same(old_view->query, new_query) ? std::string() : "its UNION, INTERSECT, EXCEPT or VALUES query changed";
    }
    if (!same(o->withClause, n->withClause)) return "its WITH changed";
    if (!same(o->fromClause, n->fromClause) && !same_tables(o->fromClause, n->fromClause) &&
        !left_joins_around(o->fromClause, n->fromClause)) {
        return "its FROM changed (a table or join added or changed)";
    }
    if (!same(o->whereClause, n->whereClause) && !literally_true(n->whereClause)) {
        return o->whereClause == nullptr ? "it adds a WHERE" : "its WHERE changed";
    }
    if (!same(o->groupClause, n->groupClause) || o->groupDistinct != n->groupDistinct) return "its GROUP BY changed";
    if (!same(o->havingClause, n->havingClause) && !literally_true(n->havingClause)) {
        return o->havingClause == nullptr ? "it adds a HAVING" : "its HAVING changed";
    }
    if (!same(o->distinctClause, n->distinctClause) && n->distinctClause != nullptr) return "its DISTINCT changed";
    if ((!same(o->limitCount, n->limitCount) && n->limitCount != nullptr) ||
        (!same(o->limitOffset, n->limitOffset) && n->limitOffset != nullptr) ||
        (o->limitOption != n->limitOption && n->limitCount != nullptr)) {
        return "its LIMIT or OFFSET changed";
    }
    const std::multiset<std::string> before = set_returning_calls(o->targetList), after = set_returning_calls(n->targetList);
    for (const std::string& name : after) {
        if (after.count(name) > before.count(name)) return "its select list adds " + name + "(), which returns no row where its set is empty";
    }
    return {};
}

}  // namespace pgfence::analyze
