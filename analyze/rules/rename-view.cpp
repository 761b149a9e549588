// ALTER VIEW v RENAME TO ..., ALTER VIEW v SET SCHEMA ... (and the MATERIALIZED VIEW forms, and RENAME
// COLUMN) of a view
// the migration did not create: for the running release, which reads the view by its old name,
// this is a DROP VIEW: every query of it fails "relation does not exist" from the moment it commits
// (checked on PostgreSQL 15), with only a brief lock to show it. A view renamed or moved away and
// made again under its name later in the same file (to change its query) is left alone, as
// drop-view leaves a view dropped and made again.
#include <string>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

// drop-view's look-ahead: at most this many later statements, so a file stays linear.
constexpr std::size_t k_look_ahead = 2000;

// Does a later statement of the file make a relation named `relname` again (CREATE VIEW, CREATE
// MATERIALIZED VIEW / TABLE AS, CREATE TABLE, or a relation renamed to it)?
bool made_again(const StatementContext& ctx, std::string_view relname) {
    if (ctx.stmts == nullptr) return false;
    const std::size_t from = static_cast<std::size_t>(ctx.statement.index) + 1;
    for (std::size_t i = from; i < ctx.stmts->size() && i < from + k_look_ahead; ++i) {
        const pg::Node* later = (*ctx.stmts)[i];
        if (const auto* view = pg::as<ViewStmt>(later); view != nullptr && pg::relname(view->view) == relname) return true;
        if (const auto* as = pg::as<CreateTableAsStmt>(later);
            as != nullptr && as->into != nullptr && pg::relname(as->into->rel) == relname) {
            return true;
        }
        if (const auto* table = pg::as<CreateStmt>(later); table != nullptr && pg::relname(table->relation) == relname) return true;
        if (const auto* rename = pg::as<RenameStmt>(later);
            rename != nullptr && rename->relation != nullptr && rename->newname != nullptr && pg::text(rename->newname) == relname &&
            (rename->renameType == OBJECT_TABLE || rename->renameType == OBJECT_VIEW || rename->renameType == OBJECT_MATVIEW)) {
            return true;
        }
    }
    return false;
}

void report(const StatementContext& ctx, Sink& sink, const RangeVar* rv, bool materialized, const std::string& how) {
    if (rv == nullptr) return;
    const std::string view = pg::display_name(rv);
    if (existing(ctx.statement, view) == nullptr) return;  // created in this migration
    if (made_again(ctx, pg::relname(rv))) return;
    const std::string kind = materialized ? "ALTER MATERIALIZED VIEW " : "ALTER VIEW ";
    Finding& f = sink.add(ctx.statement, kind + view + " " + how + ": for the running release, which reads " + view +
                                             " by that name, the view is gone: every query of it fails (\"relation does "
                                             "not exist\") from the moment it commits, with no lock to show it");
    f.relation = view;
    f.fix = "make the new view beside the old one (CREATE VIEW under the new name), deploy code that reads it, and "
            "drop " + view + " in a later migration";
}

// ALTER VIEW v RENAME COLUMN a TO b: the view stays, but every query of the running release that
// names v.a fails ("column "a" does not exist", checked on PostgreSQL 15).
void report_column(const StatementContext& ctx, Sink& sink, const RenameStmt* rename) {
    if (rename->relation == nullptr) return;
    const std::string view = pg::display_name(rename->relation);
    if (existing(ctx.statement, view) == nullptr) return;  // created in this migration
    const std::string column = quote_ident(pg::text(rename->subname));
    Finding& f = sink.add(ctx.statement, "ALTER VIEW " + view + " RENAME COLUMN " + column + " TO " +
                                             quote_ident(pg::text(rename->newname)) + ": every query of the running release "
                                             "that names " + column + " of " + view + " fails (\"column does not exist\") "
                                             "from the moment it commits, with no lock to show it");
    f.relation = view;
    f.fix = "add the new name as another column at the end of the view (CREATE OR REPLACE VIEW " + view + " AS SELECT ..., " +
            column + ", " + column + " AS " + quote_ident(pg::text(rename->newname)) +
            "), deploy code that reads it, and drop the old one in a later migration";
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* rename = ctx.as<RenameStmt>()) {
        const bool of_view = rename->relationType == OBJECT_VIEW || rename->relationType == OBJECT_MATVIEW;
        if (rename->renameType == OBJECT_COLUMN && of_view && rename->subname != nullptr && rename->newname != nullptr) {
            return report_column(ctx, sink, rename);
        }
        if (rename->renameType != OBJECT_VIEW && rename->renameType != OBJECT_MATVIEW) return;
        if (rename->newname == nullptr) return;
        report(ctx, sink, rename->relation, rename->renameType == OBJECT_MATVIEW,
               "RENAME TO " + quote_ident(pg::text(rename->newname)));
        return;
    }
    if (const auto* move = ctx.as<AlterObjectSchemaStmt>()) {
        if (move->objectType != OBJECT_VIEW && move->objectType != OBJECT_MATVIEW) return;
        report(ctx, sink, move->relation, move->objectType == OBJECT_MATVIEW,
               "SET SCHEMA " + quote_ident(pg::text(move->newschema)));
    }
}

}  // namespace

PGFENCE_RULE(rename_view) {
    return Rule{"rename-view", Risk::High,
                "ALTER VIEW ... RENAME TO, SET SCHEMA or RENAME COLUMN breaks the queries of code that still reads the view by its names",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
