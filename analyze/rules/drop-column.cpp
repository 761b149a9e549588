#include "analyze/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<AlterTableStmt>();
    if (stmt == nullptr || (stmt->objtype != OBJECT_TABLE && stmt->objtype != OBJECT_FOREIGN_TABLE)) return;
    std::string table = pg::display_name(stmt->relation);
    if (existing(ctx.statement, table) == nullptr) return;  // a table created in this migration
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        if (cmd->subtype != AT_DropColumn) continue;
        std::string column = quote_ident(pg::text(cmd->name));
        bool rewrite = effect_on(ctx.statement.rewrites, table) != nullptr;
        Finding& f = sink.add(ctx.statement,
                              "DROP COLUMN " + column + " deletes the column's data from " + table +
                                  ": running code that still reads or writes " + column +
                                  " fails from the moment it commits (ORMs often select every column by name)" +
                                  (rewrite ? std::string() : "; the drop itself is instant, the table is not rewritten"));
        f.relation = table;
        f.fix = "deploy code that no longer uses " + table + "." + column +
                " (including the ORM's model) first, then drop the column in a later migration";
    }
}

}  // namespace

PGFENCE_RULE(drop_column) {
    return Rule{"drop-column", Risk::Medium,
                "DROP COLUMN deletes the column's data and breaks code that still selects it", check, nullptr, true,
                "data-loss"};
}

}  // namespace pgfence::analyze::rules
