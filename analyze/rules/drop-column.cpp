#include "analyze/model/typed_table_note.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

// The views that use the dropped column: dropped with it (CASCADE), or the reason it fails
// (then true: no data is deleted).
bool report_dependent_views(const StatementContext& ctx, Sink& sink, const std::string& table, const std::string& column) {
    std::string dropped, refusing;
    for (const DependentView& v : ctx.statement.dependent_views) {
        if (v.column != column) continue;
        std::string& list = v.dropped ? dropped : refusing;
        list += (list.empty() ? "" : ", ") + v.kind + " " + v.view;
    }
    std::string col = quote_ident(column);
    if (!dropped.empty()) {
        Finding& f = sink.add(ctx.statement, "DROP COLUMN " + col + " ... CASCADE also drops " + dropped +
                                                 ", which uses " + table + "." + col +
                                                 ": every query and grant on it is gone, and code that reads it fails");
        f.relation = table;
        f.fix = "recreate the view without " + col + " (CREATE OR REPLACE VIEW cannot drop a column: DROP VIEW and "
                "CREATE VIEW in one transaction) before dropping the column, and drop it without CASCADE";
    }
    if (!refusing.empty()) {
        Finding& f = sink.add(ctx.statement, "DROP COLUMN " + col + " fails: " + refusing + " uses " + table + "." +
                                                 col + ", and PostgreSQL refuses to drop a column other objects depend "
                                                 "on without CASCADE (which would drop the view too)");
        f.relation = table;
        f.fix = "recreate the view without " + col + " (DROP VIEW and CREATE VIEW in one transaction) before "
                "dropping the column";
    }
    return !refusing.empty();
}

// ALTER TYPE t DROP ATTRIBUTE a CASCADE: column a of each typed table of t the catalog knows is
// dropped with its data, as by ALTER TABLE ... DROP COLUMN (analyze/model/typed_tables.hpp; red
// team h1 T_TYPEDDROP, PostgreSQL 15: people.age and its values gone).
void check_typed_tables(const StatementContext& ctx, const AlterTableStmt* stmt, Sink& sink) {
    for (const LockFact& lock : ctx.statement.locks) {
        if (lock.is_new || !lock.reason.starts_with(k_typed_table_reason)) continue;
        int index = -1;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
            ++index;
            if (cmd->subtype != AT_DropColumn || cmd->behavior != DROP_CASCADE) continue;
            ctx.subcommand = index;
            const std::string column = quote_ident(pg::text(cmd->name));
            Finding& f = sink.add(ctx.statement, "ALTER TYPE " + pg::display_name(stmt->relation) + " DROP ATTRIBUTE " + column +
                                                     " CASCADE drops column " + column + " of typed table " + lock.relation +
                                                     " with its data: running code that still reads or writes " + column +
                                                     " fails from the moment it commits");
            f.relation = lock.relation;
            f.fix = "deploy code that no longer uses " + lock.relation + "." + column +
                    " first, then drop the attribute in a later migration";
        }
        ctx.subcommand = -1;
    }
}

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<AlterTableStmt>();
    if (stmt != nullptr && stmt->objtype == OBJECT_TYPE && stmt->relation != nullptr) return check_typed_tables(ctx, stmt, sink);
    if (stmt == nullptr || (stmt->objtype != OBJECT_TABLE && stmt->objtype != OBJECT_FOREIGN_TABLE)) return;
    const std::string& table = ctx.display_name(stmt->relation);
    if (existing(ctx.statement, table) == nullptr) return;  // a table created in this migration
    int index = -1;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        ++index;
        if (cmd->subtype != AT_DropColumn) continue;
        ctx.subcommand = index;  // the findings below are about this subcommand
        std::string column = quote_ident(pg::text(cmd->name));
        if (report_dependent_views(ctx, sink, table, std::string(pg::text(cmd->name)))) continue;  // it fails
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
    ctx.subcommand = -1;
}

}  // namespace

PGFENCE_RULE(drop_column) {
    return Rule{"drop-column", Risk::Medium,
                "DROP COLUMN deletes the column's data and breaks code that still selects it", check, nullptr, true,
                "data-loss"};
}

}  // namespace pgfence::analyze::rules
