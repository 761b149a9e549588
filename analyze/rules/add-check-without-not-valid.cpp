#include "analyze/rules/common.hpp"
#include "analyze/rules/edits.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

// PostgreSQL's name for an unnamed CHECK: <table>_<column>_check when it reads one column,
// else <table>_check (AddRelationNewConstraints).
std::string check_name(const std::string& relname, const Constraint* con) {
    std::string name(pg::text(con->conname));
    if (!name.empty()) return name;
    auto cols = referenced_columns(con->raw_expr);
    return object_name(relname, cols.size() == 1 ? cols[0] : std::string(), "check");
}

// "CHECK (...) [NO INHERIT]" exactly as written.
std::string check_clause(std::string_view sql, const Constraint* con) {
    std::string clause = "CHECK " + parenthesised(sql, static_cast<std::size_t>(std::max(0, con->location)));
    if (con->is_no_inherit) clause += " NO INHERIT";
    return clause;
}

void report(const StatementContext& ctx, Sink& sink, const LockFact& lock, const RangeVar* rv, const Constraint* con,
            const std::string& add_column) {
    std::string table = pg::display_name(rv);
    std::string name = quote_ident(check_name(std::string(pg::relname(rv)), con));
    Finding& f = sink.add(ctx.statement, "CHECK constraint " + name + " on " + table + " reads every row while holding " +
                                             describe_lock(lock));
    f.relation = table;
    f.fix = "add the constraint NOT VALID, then VALIDATE CONSTRAINT in a separate migration";
    Recipe recipe;
    recipe.summary = "Add the CHECK NOT VALID (instant), then validate it in a later migration under a lock that lets reads and writes continue";
    std::string first = others_note(ctx.as<AlterTableStmt>()) + add_column + "ALTER TABLE " + table + " ADD CONSTRAINT " + name + " " +
                        check_clause(ctx.statement.sql, con) + " NOT VALID;\n" +
                        "-- Instant: rows written from now on are checked; existing rows are not read.";
    recipe.steps.push_back({"Migration 1", first, true});
    recipe.steps.push_back({"Migration 2", "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + name + ";", true});
    f.recipe = std::move(recipe);
    // ADD CONSTRAINT's own clause takes NOT VALID at its end; a column's CHECK cannot.
    if (add_column.empty() && ctx.subcommand >= 0) {
        std::vector<Range> clauses = alter_subcommands(ctx.statement.sql, ctx.as<AlterTableStmt>());
        if (static_cast<std::size_t>(ctx.subcommand) < clauses.size()) {
            f.edit = insert_in_statement(ctx.statement, clauses[static_cast<std::size_t>(ctx.subcommand)].end, " NOT VALID",
                                         "add NOT VALID");
        }
    }
}

void check(const StatementContext& ctx, Sink& sink) {
    each_alter_cmd(ctx, TableEffectNeeded::scan, [&](const AlteredTable& t, const AlterTableCmd* cmd) {
        if (const auto* con = pg::as<Constraint>(cmd->def); con != nullptr && cmd->subtype == AT_AddConstraint) {
            if (con->contype != CONSTR_CHECK || con->skip_validation) return;
            report(ctx, sink, t.lock, t.relation, con, "");
        } else if (const auto* column_def = pg::as<ColumnDef>(cmd->def); column_def != nullptr && cmd->subtype == AT_AddColumn) {
            // A column's own CHECK cannot be NOT VALID: add the column, then the constraint.
            for (const Constraint* con : pg::each<Constraint>(column_def->constraints)) {
                if (con->contype != CONSTR_CHECK) continue;
                ColumnText column = column_text(ctx.statement.sql, column_def);
                ConstrTypes keep;
                for (const auto& p : column.pieces) {
                    if (p.kind == ColumnPiece::Kind::constraint && p.contype != CONSTR_CHECK) keep.push_back(p.contype);
                }
                report(ctx, sink, t.lock, t.relation, con, add_column_sql(t.table, cmd, column_sql(column, keep)) + ";\n");
            }
        }
    });
}

}  // namespace

PGFENCE_RULE(add_check_without_not_valid) {
    return Rule{"add-check-without-not-valid", Risk::High,
                "Adding a CHECK constraint without NOT VALID reads every row while the table is locked", check, nullptr,
                true, "locking", SizeWork::scan};
}

}  // namespace pgfence::analyze::rules
