// DROP VIEW / DROP MATERIALIZED VIEW of a view the migration did not create: no row is deleted,
// but every query the running release sends through the view fails from the moment it commits
// ("relation ... does not exist"), with only a brief lock to show it. A view dropped and made
// again later in the same file (to change its query) is left to the statements that make it.
#include <set>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

// Whether a later statement of the file makes `relname` again (CREATE VIEW, CREATE MATERIALIZED
// VIEW, CREATE TABLE AS, CREATE TABLE, or a relation renamed to it). At most this many statements are looked at, so a file stays linear.
constexpr std::size_t k_look_ahead = 2000;

bool made_again(const StatementContext& ctx, std::string_view relname) {
    if (ctx.stmts == nullptr) return false;
    const std::size_t from = static_cast<std::size_t>(ctx.statement.index) + 1;
    for (std::size_t i = from; i < ctx.stmts->size() && i < from + k_look_ahead; ++i) {
        const pg::Node* later = (*ctx.stmts)[i];
        if (const ViewStmt* view = pg::as<ViewStmt>(later); view != nullptr && pg::relname(view->view) == relname) return true;
        if (const CreateTableAsStmt* as = pg::as<CreateTableAsStmt>(later);
            as != nullptr && as->into != nullptr && pg::relname(as->into->rel) == relname) {
            return true;
        }
        // A table takes the name: made (CREATE TABLE) or renamed to it (a compatibility view
        // dropped as the table it stood for gets its new name, outline's group_permissions).
        if (const CreateStmt* table = pg::as<CreateStmt>(later); table != nullptr && pg::relname(table->relation) == relname) {
            return true;
        }
        if (const RenameStmt* rename = pg::as<RenameStmt>(later);
            rename != nullptr && rename->relation != nullptr && rename->newname != nullptr && pg::text(rename->newname) == relname &&
            (rename->renameType == OBJECT_TABLE || rename->renameType == OBJECT_VIEW || rename->renameType == OBJECT_MATVIEW)) {
            return true;
        }
    }
    return false;
}

void check(const StatementContext& ctx, Sink& sink) {
    const bool materialized = ctx.as<DropStmt>() != nullptr && ctx.as<DropStmt>()->removeType == OBJECT_MATVIEW;
    std::optional<Drop> drop = drop_of(ctx, materialized ? OBJECT_MATVIEW : OBJECT_VIEW);
    if (!drop) return;
    const std::string kind = materialized ? "DROP MATERIALIZED VIEW " : "DROP VIEW ";
    for (const List* o : pg::each<List>(drop->objects)) {
        const std::string view = pg::qualified_name(o);
        if (view.empty() || existing(ctx.statement, view) == nullptr) continue;  // created in this migration
        if (made_again(ctx, pg::last_name(o))) continue;
        Finding& f = sink.add(ctx.statement, kind + view + " removes a view the application may read: every query of the "
                                                 "running release that reads " + view + " fails (\"relation does not "
                                                 "exist\") from the moment it commits, with no lock to show it");
        f.relation = view;
        f.fix = "deploy code that no longer reads " + view + " first, then drop it in a later migration; to change its "
                "query, CREATE OR REPLACE VIEW (or drop and make it again in the same migration)";
    }
}

}  // namespace

PGFENCE_RULE(drop_view) {
    return Rule{"drop-view", Risk::High, "DROP VIEW breaks the queries of code that still reads the view", check, nullptr, true,
                "locking"};
}

}  // namespace pgfence::analyze::rules
