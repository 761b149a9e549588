#include <map>
#include "analyze/json_access.hpp"
#include <set>

#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

// Column of a CHECK (col IS NOT NULL) constraint, or "".
std::string not_null_column(const json& con) {
    const json& test = member(member(con, "raw_expr"), "NullTest");
    if (test.value("nulltesttype", std::string()) != "IS_NOT_NULL") return {};
    auto cols = referenced_columns(member(test, "arg"));
    return member(test, "arg").contains("ColumnRef") && cols.size() == 1 ? cols[0] : std::string();
}

// What earlier statements of this file proved about NOT NULL on tables that existed before.
struct Proofs {
    std::map<std::string, std::set<std::string>> columns;               // table -> columns with a validated CHECK
    std::map<std::string, std::map<std::string, std::string>> pending;  // table -> NOT VALID CHECK name -> column
    std::set<std::string> validated;  // tables where a constraint defined elsewhere was validated
};

void learn(const json& cmd, const std::string& table, Proofs& proofs) {
    std::string sub = cmd.value("subtype", std::string());
    if (sub == "AT_AddConstraint") {
        const json& con = member(member(cmd, "def"), "Constraint");
        if (con.value("contype", std::string()) != "CONSTR_CHECK") return;
        std::string col = not_null_column(con);
        if (col.empty()) return;
        if (con.value("skip_validation", false)) proofs.pending[table][con.value("conname", std::string())] = col;
        else proofs.columns[table].insert(col);
    } else if (sub == "AT_ValidateConstraint") {
        std::string name = cmd.value("name", std::string());
        auto& pending = proofs.pending[table];
        if (pending.count(name) > 0) proofs.columns[table].insert(pending[name]);
        else proofs.validated.insert(table);
    }
}

void report(const FileContext& ctx, const StatementFacts& s, const json& rv, const std::string& col, Sink& sink) {
    std::string table = range_var_name(rv);
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
    f.fix = pg >= 12 ? "add CHECK (" + quoted + " IS NOT NULL) NOT VALID, VALIDATE it in the next migration, then SET NOT NULL (no scan) and drop the CHECK"
                     : "use a validated CHECK (" + quoted + " IS NOT NULL) instead: PostgreSQL 11 scans for SET NOT NULL even when one exists";
    Recipe recipe;
    recipe.summary = pg >= 12 ? "Prove the column has no NULLs with a CHECK validated under a light lock; SET NOT NULL then skips its scan"
                              : "Enforce it with a CHECK added NOT VALID and validated under a light lock, instead of SET NOT NULL";
    int number = 1;
    add_not_null_steps(recipe, number, table, range_var_relname(rv), {col}, pg);
    f.recipe = std::move(recipe);
}

void check(const FileContext& ctx, Sink& sink) {
    Proofs proofs;
    for (std::size_t i = 0; i < ctx.file.statements.size() && i < ctx.nodes.size(); ++i) {
        const StatementFacts& s = ctx.file.statements[i];
        if (s.kind != "AlterTableStmt" || !ctx.nodes[i].contains(s.kind)) continue;
        const json& stmt = ctx.nodes[i][s.kind];
        const json& rv = member(stmt, "relation");
        std::string table = range_var_name(rv);
        for (const json* cmd : alter_cmds(stmt)) {
            if (cmd->value("subtype", std::string()) != "AT_SetNotNull") {
                learn(*cmd, table, proofs);
                continue;
            }
            std::string col = cmd->value("name", std::string());
            // The facts cannot see a CHECK on a table this file did not create: one proved or
            // validated earlier in this file lets PostgreSQL 12+ skip the scan.
            bool proved = proofs.columns[table].count(col) > 0 || proofs.validated.count(table) > 0;
            if (proved && ctx.options.pg_version >= 12) continue;
            report(ctx, s, rv, col, sink);
        }
    }
}

}  // namespace

Rule rule_set_not_null_scan() {
    return Rule{"set-not-null-scan", Risk::High,
                "ALTER COLUMN ... SET NOT NULL reads every row while the table is locked", nullptr, check, true,
                "locking"};
}

}  // namespace pgfence::analyze::rules
