// A new constraint on an object the migration did not create that no new row can satisfy: NOT
// VALID spares the rows stored already, never the ones written next, so the application's inserts
// fail from this statement on (red team F1: C_CHKFALSE2, C_CHKFALSENV, C_FKEMPTY, C_DOMCHKFALSE,
// U_UNIQCONST2; each checked on PostgreSQL 15):
// - ALTER TABLE t ADD CHECK (<plainly false>) [NOT VALID]: literals folded (literal_truth.hpp,
//   `false`, `1 = 0`, 'f'::bool), or comparisons of one column with numbers that no value meets
//   (`total < 0 AND total > 0`: every row whose total is not NULL fails; NULL passes a CHECK).
//   ADD COLUMN c ... CHECK (<literally false>) likewise.
// - ALTER DOMAIN d ADD CHECK (<plainly false>) [NOT VALID]: every column of the domain, likewise.
// - ALTER TABLE t ADD FOREIGN KEY ... REFERENCES r [NOT VALID] where r is a table this file
//   creates with CREATE TABLE and writes no row into (no INSERT, no COPY), on columns t had
//   before (not ones the file adds, which no row or insert fills yet): every row with a non-NULL
//   key fails "violates foreign key constraint".
// - CREATE UNIQUE INDEX ... ON t ((1)) [WHERE ...]: a key made of expressions that read no column
//   is the same for every row, so once one row matches, every later insert matching the predicate
//   fails "duplicate key value violates unique constraint".
// Allowlist, the rest is quiet here: conditions pgfence does not show false (`col IS NOT NULL`,
// `total >= 0`, a function call) are the ordinary NOT VALID recipe; the judgement is only about
// conditions false for every value. A table or domain made earlier in the same file is not judged.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analyze/parse/literal_truth.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_walk.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

constexpr int k_depth = 200;

// Does the expression read a column (or VALUE, or anything pgfence cannot see through)?
bool reads_column(const pg::Node* node, int depth = 0) {
    if (node == nullptr) return false;
    if (depth > k_depth) return true;
    if (pg::is<ColumnRef>(node) || pg::is<ParamRef>(node) || pg::is<SubLink>(node) || pg::is<FuncCall>(node)) return true;
    if (const auto* list = pg::as<List>(node)) {
        for (const pg::Node* item : pg::each(list)) {
            if (reads_column(item, depth + 1)) return true;
        }
        return false;
    }
    bool found = false;
    pg::each_child(node, [&](const pg::Node* child) { found = found || reads_column(child, depth + 1); });
    return found;
}

// Bounds one column's comparisons with numbers set: lower and upper, each inclusive or not.
struct Range {
    std::optional<double> lo, hi;
    bool lo_in = true, hi_in = true;
    void above(double v, bool inclusive) {
        if (!lo || v > *lo || (v == *lo && !inclusive)) lo = v, lo_in = inclusive;
    }
    void below(double v, bool inclusive) {
        if (!hi || v < *hi || (v == *hi && !inclusive)) hi = v, hi_in = inclusive;
    }
    [[nodiscard]] bool empty() const { return lo && hi && (*lo > *hi || (*lo == *hi && !(lo_in && hi_in))); }
};

std::string column_of(const pg::Node* node) {
    while (const auto* cast = pg::as<TypeCast>(node)) node = cast->arg;
    const auto* ref = pg::as<ColumnRef>(node);
    if (ref == nullptr) return {};
    const pg::Node* last = pg::last(ref->fields);
    return pg::is<String>(last) ? std::string(pg::text(last)) : std::string();
}

std::optional<double> number_of(const pg::Node* node) {
    while (const auto* cast = pg::as<TypeCast>(node)) node = cast->arg;
    return literal_number(node);
}

// Collects the conjuncts `col op number` of an AND tree; false when a conjunct is one pgfence
// does not read (then only the ones it reads are bounded: a AND b is false when a is).
void bound(const pg::Node* node, std::map<std::string, Range>& ranges, int depth = 0) {
    if (depth > k_depth) return;
    if (const auto* b = pg::as<BoolExpr>(node); b != nullptr && b->boolop == AND_EXPR) {
        for (const pg::Node* arg : pg::each(b->args)) bound(arg, ranges, depth + 1);
        return;
    }
    const auto* e = pg::as<A_Expr>(node);
    if (e == nullptr) return;
    if (e->kind == AEXPR_BETWEEN) {
        const std::string column = column_of(e->lexpr);
        const auto* pair = pg::as<List>(e->rexpr);
        if (column.empty() || pg::length(pair) != 2) return;
        const auto lo = number_of(pg::nth(pair, 0)), hi = number_of(pg::nth(pair, 1));
        if (!lo || !hi) return;
        ranges[column].above(*lo, true);
        ranges[column].below(*hi, true);
        return;
    }
    if (e->kind != AEXPR_OP) return;
    std::string_view op = pg::last_name(e->name);
    std::string column = column_of(e->lexpr);
    std::optional<double> value = number_of(e->rexpr);
    if (column.empty()) {  // 0 > total: mirror it
        column = column_of(e->rexpr);
        value = number_of(e->lexpr);
        if (op == "<") op = ">";
        else if (op == ">") op = "<";
        else if (op == "<=") op = ">=";
        else if (op == ">=") op = "<=";
    }
    if (column.empty() || !value) return;
    Range& r = ranges[column];
    if (op == "=") r.above(*value, true), r.below(*value, true);
    if (op == ">") r.above(*value, false);
    if (op == ">=") r.above(*value, true);
    if (op == "<") r.below(*value, false);
    if (op == "<=") r.below(*value, true);
}

// Why no row can satisfy the CHECK, or "" when pgfence does not show it.
std::string never_holds(const pg::Node* expr) {
    if (expr == nullptr) return {};
    if (literal_truth(expr) == Truth::False) return "its condition is always false";
    std::map<std::string, Range> ranges;
    bound(expr, ranges);
    for (const auto& [column, range] : ranges) {
        if (range.empty()) return "no value of " + quote_ident(column) + " meets its comparisons (only rows where it is NULL pass)";
    }
    return {};
}

bool made_in_file(const StatementContext& ctx, const std::string& relname, bool& filled) {
    filled = false;
    if (ctx.stmts == nullptr) return false;
    bool made = false;
    for (std::size_t i = 0; i < ctx.stmts->size(); ++i) {
        const pg::Node* node = (*ctx.stmts)[i];
        if (const auto* create = pg::as<CreateStmt>(node); create != nullptr && i < static_cast<std::size_t>(ctx.statement.index) &&
                                                             pg::relname(create->relation) == relname) {
            made = true;
        }
        if (const auto* insert = pg::as<InsertStmt>(node); insert != nullptr && pg::relname(insert->relation) == relname) filled = true;
        if (const auto* copy = pg::as<CopyStmt>(node); copy != nullptr && copy->is_from && pg::relname(copy->relation) == relname) {
            filled = true;
        }
        // Anything pgfence does not read may fill it (a DO block, a function call): not judged empty.
        if (pg::is<DoStmt>(node) || pg::is<CallStmt>(node) || node == nullptr) filled = true;
    }
    return made;
}

// Does the file add one of `columns` to `relname` (ADD COLUMN), up to this statement? A column
// it adds holds NULL in every stored row and is one the application does not write yet: a key
// to an empty table there refuses nothing until the application fills it.
bool adds_column(const StatementContext& ctx, std::string_view relname, const AlterTableStmt* self, const List* columns) {
    if (ctx.stmts == nullptr) return true;
    auto named = [&](std::string_view column) {
        for (const pg::Node* c : pg::each(columns)) {
            if (pg::text(c) == column) return true;
        }
        return false;
    };
    const std::size_t at = static_cast<std::size_t>(ctx.statement.index);
    for (std::size_t i = 0; i <= at && i < ctx.stmts->size(); ++i) {
        const auto* alter = pg::as<AlterTableStmt>((*ctx.stmts)[i]);
        if (alter == nullptr || pg::relname(alter->relation) != relname) continue;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            const auto* def = pg::as<ColumnDef>(cmd->def);
            if (cmd->subtype == AT_AddColumn && def != nullptr && named(pg::text(def->colname))) return true;
        }
        if (alter == self) break;
    }
    return false;
}

void alter_table(const StatementContext& ctx, Sink& sink, const AlterTableStmt* alter) {
    if (alter->relation == nullptr) return;
    const std::string& table = ctx.display_name(alter->relation);
    const LockFact* lock = lock_on(ctx.statement, table);
    if (lock == nullptr || lock->is_new) return;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        // ADD COLUMN c ... CHECK (false): the new column's own CHECK, likewise for every row.
        if (const auto* column = pg::as<ColumnDef>(cmd->def); cmd->subtype == AT_AddColumn && column != nullptr) {
            for (const Constraint* con : pg::each<Constraint>(column->constraints)) {
                if (con->contype != CONSTR_CHECK || literal_truth(con->raw_expr) != Truth::False) continue;
                Finding& f = sink.add(ctx.statement, "ADD COLUMN " + quote_ident(pg::text(column->colname)) + " on " + table +
                                                         " with a CHECK whose condition is always false: every INSERT and UPDATE "
                                                         "of the application fails \"violates check constraint\"");
                f.relation = table;
                f.subcommand = pg::index_of(alter->cmds, cmd);
                f.fix = "give the constraint a condition the application's rows meet, or leave it out";
            }
            continue;
        }
        if (cmd->subtype != AT_AddConstraint) continue;
        const auto* con = pg::as<Constraint>(cmd->def);
        if (con == nullptr) continue;
        std::string message;
        if (con->contype == CONSTR_CHECK) {
            const std::string why = never_holds(con->raw_expr);
            if (why.empty()) continue;
            message = "ADD CHECK on " + table + ": " + why + ", so every INSERT and UPDATE of the application fails " +
                      "\"violates check constraint\"" + (con->skip_validation ? " (NOT VALID spares only the rows stored already)" : "");
        } else if (con->contype == CONSTR_FOREIGN && con->pktable != nullptr) {
            bool filled = false;
            const std::string target(pg::relname(con->pktable));
            if (!made_in_file(ctx, target, filled) || filled) continue;
            if (adds_column(ctx, pg::relname(alter->relation), alter, con->fk_attrs)) continue;
            message = "ADD FOREIGN KEY on " + table + " references " + quote_ident(target) + ", a table this migration creates " +
                      "and writes no row into: every INSERT of the application with a non-NULL key fails \"violates foreign key "
                      "constraint\"" + (con->skip_validation ? " (NOT VALID spares only the rows stored already)" : "");
        } else {
            continue;
        }
        Finding& f = sink.add(ctx.statement, message);
        f.relation = table;
        f.subcommand = pg::index_of(alter->cmds, cmd);
        f.fix = "give the constraint a condition the application's rows meet (fill the referenced table first), or leave it out";
    }
}

bool domain_made_here(const StatementContext& ctx, const std::string& domain) {
    if (ctx.stmts == nullptr) return false;
    const std::size_t at = static_cast<std::size_t>(ctx.statement.index);
    for (std::size_t i = 0; i < at && i < ctx.stmts->size(); ++i) {
        const auto* create = pg::as<CreateDomainStmt>((*ctx.stmts)[i]);
        if (create != nullptr && leading_names(create->domainname, pg::length(create->domainname)) == domain) return true;
    }
    return false;
}

void alter_domain(const StatementContext& ctx, Sink& sink, const AlterDomainStmt* domain) {
    const auto* con = pg::as<Constraint>(domain->def);
    if (domain->subtype != 'C' || con == nullptr || con->contype != CONSTR_CHECK) return;
    const std::string name = leading_names(domain->typeName, pg::length(domain->typeName));
    if (domain_made_here(ctx, name)) return;
    const std::string why = never_holds(con->raw_expr);
    if (why.empty()) return;
    Finding& f = sink.add(ctx.statement, "ALTER DOMAIN " + name + " ADD CHECK: " + why + ", so every INSERT and UPDATE " +
                                             "of the application into a column of the domain fails \"value for domain violates "
                                             "check constraint\"" + (con->skip_validation ? " (NOT VALID spares only the values stored already)" : ""));
    f.fix = "give the constraint a condition the application's values meet, or leave it out";
}

void unique_index(const StatementContext& ctx, Sink& sink, const IndexStmt* index) {
    if (!index->unique || index->relation == nullptr || pg::length(index->indexParams) == 0) return;
    const std::string& table = ctx.display_name(index->relation);
    const LockFact* lock = lock_on(ctx.statement, table);
    if (lock == nullptr || lock->is_new) return;
    for (const IndexElem* elem : pg::each<IndexElem>(index->indexParams)) {
        if (elem->name != nullptr || elem->expr == nullptr || reads_column(elem->expr)) return;
    }
    Finding& f = sink.add(ctx.statement, "CREATE UNIQUE INDEX on " + table + " over expressions that read no column: every row " +
                                             "has the same key, so once one row " + (index->whereClause != nullptr ? "matching its WHERE " : "") +
                                             "is stored every later INSERT of the application" +
                                             (index->whereClause != nullptr ? " matching it" : "") +
                                             " fails \"duplicate key value violates unique constraint\"");
    f.relation = table;
    f.fix = "key the index on the columns that identify a row";
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* alter = ctx.as<AlterTableStmt>()) return alter_table(ctx, sink, alter);
    if (const auto* domain = ctx.as<AlterDomainStmt>()) return alter_domain(ctx, sink, domain);
    if (const auto* index = ctx.as<IndexStmt>()) return unique_index(ctx, sink, index);
}

}  // namespace

PGFENCE_RULE(constraint_rejects_inserts) {
    return Rule{"constraint-rejects-inserts", Risk::High,
                "A new constraint, NOT VALID or not, or a unique index that no new row can satisfy makes the application's "
                "inserts fail",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
