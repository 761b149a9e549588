// CREATE OR REPLACE VIEW v AS SELECT ... WHERE false (or a WHERE that is plainly false or NULL, or
// LIMIT 0) of a view the migration did not create: the running release still reads v, and from the
// moment the statement commits every query of it returns no row (checked on PostgreSQL 15: the
// application's count(*) over the view is 0 instead of 2). Nothing fails, and no lock shows it.
// Only literal predicates are read (analyze/literal_truth.hpp, casts folded: 'f'::bool); `WHERE
// id < 0` is not known to be false, but any new or changed WHERE, FROM, LIMIT, ... of a view
// whose old query the migrations show is reported as possibly dropping rows (check_narrowed).
#include <string>

#include "analyze/parse/literal_truth.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

// Why the view's query returns no row, or "" when it may return some.
std::string why_empty(const pg::Node* query) {
    const auto* select = pg::as<SelectStmt>(query);
    if (select == nullptr || select->op != SETOP_NONE || select->valuesLists != nullptr) return {};
    if (select->whereClause != nullptr) {
        const Truth truth = literal_truth(select->whereClause);
        if (truth == Truth::False) return "its WHERE is always false";
        if (truth == Truth::Null) return "its WHERE is always NULL";
    }
    if (select->limitCount != nullptr && select->limitOption == LIMIT_OPTION_COUNT) {
        const std::optional<double> limit = literal_number(select->limitCount);
        if (limit && *limit == 0) return "its LIMIT is 0";
    }
    return {};
}

// Did an earlier statement of the file make a relation named `relname` (CREATE VIEW, CREATE
// TABLE AS, CREATE TABLE, a relation renamed to it)?
bool made_earlier(const StatementContext& ctx, std::string_view relname) {
    bool made = false;
    for_each_earlier(ctx, [&](const StatementFacts&, const pg::Node* earlier) {
        if (const auto* v = pg::as<ViewStmt>(earlier); v != nullptr && pg::relname(v->view) == relname) made = true;
        if (const auto* as = pg::as<CreateTableAsStmt>(earlier);
            as != nullptr && as->into != nullptr && pg::relname(as->into->rel) == relname) {
            made = true;
        }
        if (const auto* t = pg::as<CreateStmt>(earlier); t != nullptr && pg::relname(t->relation) == relname) made = true;
        if (const auto* r = pg::as<RenameStmt>(earlier);
            r != nullptr && r->relation != nullptr && r->newname != nullptr && pg::text(r->newname) == relname) {
            made = true;
        }
        return made;
    });
    return made;
}

// Did an earlier statement of the file drop a view named `relname` that existed before the
// migration, or rename or move it away (DROP VIEW v; CREATE VIEW v AS ... WHERE false)? The new view
// then takes the old one's readers, as drop-view and rename-view leave them to it.
bool replaces_existing(const StatementContext& ctx, std::string_view relname) {
    bool replaced = false;
    for_each_earlier(ctx, [&](const StatementFacts& facts, const pg::Node* earlier) {
        const auto existed = [&](std::string_view name) {
            for (const LockFact& lock : facts.locks) {
                if (!lock.is_new && (lock.relation == name || lock.relation.ends_with("." + std::string(name)))) return true;
            }
            return false;
        };
        if (const auto* drop = pg::as<DropStmt>(earlier); drop != nullptr && (drop->removeType == OBJECT_VIEW ||
                                                                              drop->removeType == OBJECT_MATVIEW)) {
            for (const List* o : pg::each<List>(drop->objects)) {
                if (pg::last_name(o) == relname && existed(relname)) replaced = true;
            }
        }
        if (const auto* r = pg::as<RenameStmt>(earlier); r != nullptr && r->relation != nullptr &&
                                                          r->renameType == OBJECT_VIEW && pg::relname(r->relation) == relname &&
                                                          existed(relname)) {
            replaced = true;
        }
        if (const auto* m = pg::as<AlterObjectSchemaStmt>(earlier); m != nullptr && m->relation != nullptr &&
                                                                    m->objectType == OBJECT_VIEW &&
                                                                    pg::relname(m->relation) == relname && existed(relname)) {
            replaced = true;
        }
        return replaced;
    });
    return replaced;
}

// CREATE OR REPLACE VIEW of a view earlier migrations made, whose new query may return fewer rows
// than the old one (analyze/view_rows.hpp: anything but the select list, ORDER BY and LEFT JOINs
// added around the old FROM changed; checked on PostgreSQL 15: `WHERE id IS NULL` over a primary
// key, 2 rows -> 0). Which rows the new condition keeps is not judged.
void check_narrowed(const StatementContext& ctx, const ViewStmt* view, Sink& sink) {
    const std::string name = pg::display_name(view->view);
    const std::optional<std::string> why = view_query_why(ctx.statement, name);
    if (!why || why->empty()) return;
    Finding& f = sink.add(ctx.statement, "CREATE OR REPLACE VIEW " + name + " may return fewer rows than before (" + *why +
                                             "): the rows the new query drops vanish for every query of the running release "
                                             "that reads " + name + ", from the moment it commits, with no error and no lock to "
                                             "show it; pgfence does not judge which rows the new query keeps");
    f.relation = name;
    f.fix = "keep the view's FROM and WHERE as they are and add a new view for the new rows; or check with the application's "
            "role which rows " + name + " returns before and after, and have a reviewer sign it off";
}

void check(const StatementContext& ctx, Sink& sink) {
    const auto* view = ctx.as<ViewStmt>();
    if (view == nullptr || view->view == nullptr) return;
    const std::string why = why_empty(view->query);
    if (why.empty()) return check_narrowed(ctx, view, sink);
    const std::string name = pg::display_name(view->view);
    // A view this migration makes is read by nobody yet; CREATE OR REPLACE of a view pgfence has
    // not seen made may replace one made outside the migrations it read.
    const LockFact* lock = lock_on(ctx.statement, name);
    if (lock == nullptr) return;
    if (lock->is_new && (!view->replace || made_earlier(ctx, pg::relname(view->view))) &&
        !replaces_existing(ctx, pg::relname(view->view))) {
        return;
    }
    Finding& f = sink.add(ctx.statement, std::string(view->replace ? "CREATE OR REPLACE VIEW " : "CREATE VIEW ") + name +
                                             " returns no row (" + why +
                                             "): every query of the running release that reads " + name +
                                             " sees it empty from the moment it commits, with no error and no lock to "
                                             "show it");
    f.relation = name;
    f.fix = "keep the view's rows until no deployed code reads it, then drop it; to retire it, deploy code that no longer "
            "reads " + name + " first";
}

}  // namespace

PGFENCE_RULE(view_returns_no_rows) {
    return Rule{"view-returns-no-rows", Risk::High,
                "CREATE OR REPLACE VIEW of an existing view with a query that returns no row, or may return fewer rows than before, hides them from its readers",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
