#include <map>
#include <string>
#include <vector>

#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

bool fills_itself(const ColumnDef* def) {
    return real_default(def) != nullptr || !serial_base_type(def).empty() ||
           column_constraint(def, CONSTR_IDENTITY) != nullptr || column_constraint(def, CONSTR_GENERATED) != nullptr;
}

Recipe make_recipe(const StatementContext& ctx, const AlterTableCmd* cmd, const ColumnDef* def,
                   const std::string& table, const std::string& relname) {
    ColumnText column = column_text(ctx.statement.sql, def);
    std::string col = quote_ident(column.name);
    ConstrTypes handled = {CONSTR_NOTNULL, CONSTR_DEFAULT};
    Recipe recipe;
    recipe.summary = "Add the column nullable, backfill it, then make it NOT NULL through a validated CHECK";
    int number = 1;
    std::string first = others_note(ctx.as<AlterTableStmt>()) + add_column_sql(table, cmd, column_sql(column, {})) + ";" +
                        later_constraints_note(column, handled, LaterConstraints::separately) +
                        "\n-- Then deploy code that writes " + col + " on every insert, so no new row is left NULL.";
    recipe.steps.push_back({migration_title(number), first, true});
    recipe.steps.push_back(backfill_step(table, column.name, "<value>"));
    add_not_null_steps(recipe, number, table, relname, {column.name}, ctx.options.pg_version);
    return recipe;
}

// "a", "a and b", "a, b and c".
std::string listed(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t k = 0; k < names.size(); ++k) out += (k == 0 ? "" : k + 1 == names.size() ? " and " : ", ") + names[k];
    return out;
}

void check(const StatementContext& ctx, Sink& sink) {
    // One finding per table for every such column of the statement (ADD COLUMN a ..., ADD COLUMN
    // b ...: one problem, the table's rows), at the first of them.
    std::map<std::string, std::vector<std::string>> columns;
    auto applies = [](const AddedColumn& c) { return column_constraint(c.def, CONSTR_NOTNULL) != nullptr && !fills_itself(c.def); };
    each_added_column(ctx, TableEffectNeeded::scan, [&](const AlteredTable& t, const AddedColumn& c) {
        if (applies(c)) columns[t.table].push_back(c.col);
    });
    each_added_column(ctx, TableEffectNeeded::scan, [&](const AlteredTable& t, const AddedColumn& c) {
        if (!applies(c)) return;
        const std::vector<std::string>& all = columns[t.table];
        if (all.empty() || all.front() != c.col) return;
        const bool one = all.size() == 1;
        std::string names = listed(all);
        columns[t.table].clear();
        // The file deleted every row earlier in the transaction, but took no lock that kept the
        // running release from inserting since: it fails only on a row inserted in between.
        if (int line = deleted_at(ctx.statement, t.lock.relation); line > 0) {
            Finding& f = sink.add(ctx.statement, "ADD COLUMN " + names + " NOT NULL without a default: the DELETE at line " +
                                                     std::to_string(line) + " emptied " + t.table +
                                                     ", but a row the running release inserts before this statement's " +
                                                     "lock makes it fail (the migration rolls back)");
            f.relation = t.table;
            f.risk = Risk::Medium;
            // A statement between the two that takes ACCESS EXCLUSIVE on the table anyway: the
            // DELETE after it runs where no row can arrive, at no cost in locks.
            int exclusive = 0;
            operation::for_each_earlier(ctx, [&](const StatementFacts& s, const pg::Node*) {
                if (s.span.start.line <= line || s.transaction != ctx.statement.transaction) return false;
                for (const LockFact& lock : s.locks) {
                    if (lock.mode == LockMode::AccessExclusive && lock.relation == t.lock.relation) exclusive = s.span.stop.line;
                }
                return exclusive > 0;
            });
            f.fix = exclusive > 0 ? "move the DELETE at line " + std::to_string(line) + " after line " + std::to_string(exclusive) +
                                        ", where the transaction already holds ACCESS EXCLUSIVE on " + t.table +
                                        ": no row can arrive between the DELETE and the ADD COLUMN"
                                  : "add `LOCK TABLE " + t.table + " IN ACCESS EXCLUSIVE MODE;` on a line before line " +
                                        std::to_string(line) + ", so no row can arrive between the DELETE and the ADD COLUMN " +
                                        "(the DELETE then blocks reads too: keep it to a small table)";
            return;
        }
        Finding& f = sink.add(ctx.statement, "ADD COLUMN " + names + " NOT NULL without a default fails as soon as " +
                                                 t.table + " has a row; it holds " + describe_lock(t.lock) +
                                                 " while it checks");
        f.relation = t.table;
        std::string them = one ? "it" : "them";
        f.fix = ctx.options.pg_version >= 11
                    ? "add " + names + " nullable, backfill " + them + ", then SET NOT NULL through a validated CHECK; or give " +
                          (one ? "it a constant DEFAULT" : "each a constant DEFAULT") + " (instant since PostgreSQL 11)"
                    : "add " + names + " nullable, backfill " + them + ", then enforce NOT NULL through a validated CHECK";
        // The recipe is one column's; for several, the fix says what to do.
        if (one) f.recipe = make_recipe(ctx, c.cmd, c.def, t.table, std::string(pg::relname(t.relation)));
    });
}

}  // namespace

PGFENCE_RULE(add_column_not_null_without_default) {
    return Rule{"add-column-not-null-without-default", Risk::High,
                "ADD COLUMN ... NOT NULL without a default fails on a table that has rows", check, nullptr, true,
                "locking"};
}

}  // namespace pgfence::analyze::rules
