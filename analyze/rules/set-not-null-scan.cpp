#include <map>
#include <set>

#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

// Column of a CHECK (col IS NOT NULL) constraint, or "".
std::string not_null_column(const Constraint* con) {
    const auto* test = pg::as<NullTest>(con->raw_expr);
    if (test == nullptr || test->nulltesttype != IS_NOT_NULL) return {};
    const auto* arg = reinterpret_cast<const pg::Node*>(test->arg);
    auto cols = referenced_columns(arg);
    return pg::is<ColumnRef>(arg) && cols.size() == 1 ? cols[0] : std::string();
}

// What earlier statements of this file proved about NOT NULL on tables that existed before, by
// constraint name, so that a DROP CONSTRAINT takes its proof away (red team R67 A4).
struct Proofs {
    std::map<std::string, std::map<std::string, std::string>> valid;    // table -> validated CHECK name -> column
    std::map<std::string, std::map<std::string, std::string>> pending;  // table -> NOT VALID CHECK name -> column
    std::map<std::string, std::set<std::string>> validated;  // table -> constraints defined elsewhere, validated here

    [[nodiscard]] bool proves(const std::string& table, const std::string& col) const {
        if (auto v = validated.find(table); v != validated.end() && !v->second.empty()) return true;
        auto it = valid.find(table);
        if (it == valid.end()) return false;
        for (const auto& [name, column] : it->second) {
            if (column == col) return true;
        }
        return false;
    }
};

void learn(const AlterTableCmd* cmd, const std::string& table, std::string_view relname, Proofs& proofs) {
    if (cmd->subtype == AT_AddConstraint) {
        const auto* con = pg::as<Constraint>(cmd->def);
        if (con == nullptr || con->contype != CONSTR_CHECK) return;
        std::string col = not_null_column(con);
        if (col.empty()) return;
        // An unnamed one is named <table>_<column>_check (ChooseConstraintName).
        std::string name = con->conname != nullptr ? std::string(pg::text(con->conname)) : std::string(relname) + "_" + col + "_check";
        if (con->skip_validation) proofs.pending[table][name] = col;
        else proofs.valid[table][name] = col;
    } else if (cmd->subtype == AT_ValidateConstraint) {
        std::string name(pg::text(cmd->name));
        auto& pending = proofs.pending[table];
        if (auto it = pending.find(name); it != pending.end()) {
            proofs.valid[table][name] = it->second;
            pending.erase(it);
        } else {
            proofs.validated[table].insert(name);
        }
    } else if (cmd->subtype == AT_DropConstraint) {
        std::string name(pg::text(cmd->name));
        proofs.valid[table].erase(name);
        proofs.pending[table].erase(name);
        proofs.validated[table].erase(name);
    }
}

void report(const FileContext& ctx, const StatementFacts& s, const RangeVar* rv, const std::string& col, int subcommand,
            bool added_bare, Sink& sink) {
    std::string table = pg::display_name(rv);
    const LockFact* lock = existing_table_lock(s, table);
    if (lock == nullptr) return;
    std::string quoted = quote_ident(col);
    if (has_set_not_null_without_scan(s, quoted)) return;  // the scan, if any, is another column's
    const TableEffect* scan = effect_for(s.scans, table, "SET NOT NULL on " + quoted + ":");
    if (scan == nullptr) scan = effect_for(s.scans, table, "SET NOT NULL on ");  // merged with another column's
    if (scan == nullptr) return;
    int pg = ctx.options.pg_version;
    Finding& f = sink.add(s, "SET NOT NULL on " + quoted + " reads every row of " + table + " while holding " +
                                 describe_lock(*lock) +
                                 (scan->certain || pg < 12 ? "" : ", unless a validated CHECK (" + quoted + " IS NOT NULL) already exists"));
    f.relation = table;
    f.subcommand = subcommand;
    f.fix = pg >= 12 ? "add CHECK (" + quoted + " IS NOT NULL) NOT VALID, VALIDATE it in the next migration, then SET NOT NULL (no scan) and drop the CHECK"
                     : "use a validated CHECK (" + quoted + " IS NOT NULL) instead: PostgreSQL 11 scans for SET NOT NULL even when one exists";
    // A column this file added without a default: the running release does not write it, so
    // its inserts fail from the commit on (the outside DBA's hoppscotch slug), whatever the scan.
    if (added_bare) {
        f.message += "; and " + quoted + " was added above without a default: the running release, which does not write it, "
                     "cannot insert into " + table + " from the moment this commits";
        f.fix = "if every row gets one value, give it in the ADD COLUMN (DEFAULT <value> NOT NULL: no rewrite, no scan, and the "
                "running release's inserts take the default), and drop the default in a later release if new rows must name "
                "the column; otherwise SET NOT NULL in a later release, once the code writes " + quoted;
    }
    Recipe recipe;
    recipe.summary = pg >= 12 ? "Prove the column has no NULLs with a CHECK validated under a light lock; SET NOT NULL then skips its scan"
                              : "Enforce it with a CHECK added NOT VALID and validated under a light lock, instead of SET NOT NULL";
    int number = 1;
    add_not_null_steps(recipe, number, table, std::string(pg::relname(rv)), {col}, pg);
    f.recipe = std::move(recipe);
}

void check(const FileContext& ctx, Sink& sink) {
    Proofs proofs;
    // table -> columns this file added without a default (none set since).
    std::map<std::string, std::set<std::string>> bare;
    for (std::size_t i = 0; i < ctx.file.statements.size() && i < ctx.stmts.size(); ++i) {
        const StatementFacts& s = ctx.file.statements[i];
        const auto* stmt = pg::as<AlterTableStmt>(ctx.stmts[i]);
        if (stmt == nullptr) continue;
        const RangeVar* rv = stmt->relation;
        std::string table = pg::display_name(rv);
        // A default the same statement gives the column, wherever among its commands: the
        // statement commits as one, so from its commit the running release's inserts take it
        // (the stranger review 84: rallly 20231205043530, SET NOT NULL, SET DEFAULT 'live').
        std::map<std::string, bool> defaulted;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
            if (cmd->subtype == AT_ColumnDefault && cmd->name != nullptr) defaulted[std::string(pg::text(cmd->name))] = cmd->def != nullptr;
        }
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
            if (cmd->subtype == AT_AddColumn) {
                const auto* column = pg::as<ColumnDef>(cmd->def);
                bool filled = column == nullptr || column->raw_default != nullptr || column->identity != 0 || column->generated != 0;
                for (const Constraint* con : pg::each<Constraint>(column != nullptr ? column->constraints : nullptr)) {
                    filled = filled || con->contype == CONSTR_DEFAULT || con->contype == CONSTR_IDENTITY || con->contype == CONSTR_GENERATED;
                }
                if (!filled && !cmd->missing_ok) bare[table].insert(std::string(pg::text(column->colname)));
            } else if (cmd->subtype == AT_ColumnDefault && cmd->def != nullptr && defaulted[std::string(pg::text(cmd->name))]) {
                bare[table].erase(std::string(pg::text(cmd->name)));  // unless the statement drops it again
            }
            if (cmd->subtype != AT_SetNotNull) {
                learn(cmd, table, pg::relname(rv), proofs);
                continue;
            }
            std::string col(pg::text(cmd->name));
            // The facts cannot see a CHECK on a table this file did not create: one proved or
            // validated earlier in this file lets PostgreSQL 12+ skip the scan.
            bool proved = proofs.proves(table, col);
            if (proved && ctx.options.pg_version >= 12) continue;
            const auto given = defaulted.find(col);
            const bool bare_at_commit = bare[table].count(col) > 0 && (given == defaulted.end() || !given->second);
            report(ctx, s, rv, col, pg::index_of(stmt->cmds, cmd), bare_at_commit, sink);
        }
    }
}

}  // namespace

PGFENCE_RULE(set_not_null_scan) {
    return Rule{"set-not-null-scan", Risk::High,
                "ALTER COLUMN ... SET NOT NULL reads every row while the table is locked", nullptr, check, true,
                "locking", SizeWork::scan};
}

}  // namespace pgfence::analyze::rules
