#include <set>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

// The out-of-band alternative: the tables known to reference `table` emptied before it (those
// found last, further down the chain of references, first), else its own DELETE fails on their
// foreign keys.
std::string batched_deletes(const std::vector<std::string>& referencing, const std::string& table) {
    if (referencing.empty()) return batched_delete_comment(table);
    std::string text =
        "Out of band, table by table, the tables that reference " + table + " first, each loop one batch\n"
        "per transaction, repeated until it deletes 0 rows. A row written meanwhile that references a row of\n"
        "a later table makes that table's batch fail on the foreign key: run the loops again from the first.";
    for (auto it = referencing.rbegin(); it != referencing.rend(); ++it) {
        text += "\nDELETE FROM " + *it + "\n WHERE ctid = ANY (ARRAY(SELECT ctid FROM " + *it + " LIMIT 5000));";
    }
    text += "\nDELETE FROM " + table + "\n WHERE ctid = ANY (ARRAY(SELECT ctid FROM " + table + " LIMIT 5000));";
    return comment_lines(text);
}

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<TruncateStmt>();
    if (stmt == nullptr || stmt->behavior != DROP_CASCADE) return;
    std::vector<std::string> named;  // "ONLY t" or "t", as the statement names them
    std::set<std::string> tables;
    for (const RangeVar* r : pg::each<RangeVar>(stmt->relations)) {
        std::string table = pg::display_name(r);
        tables.insert(table);
        named.push_back((r->inh ? "" : "ONLY ") + table);
    }
    // Tables the facts show emptied beyond the named ones and their partitions: the known
    // referencing tables.
    std::string known;
    std::vector<std::string> all = named;
    std::vector<std::string> referencing;
    for (const auto& e : ctx.statement.rewrites) {
        const LockFact* l = lock_on(ctx.statement, e.relation);
        if (tables.count(e.relation) > 0 || l == nullptr) continue;
        known += (known.empty() ? "" : ", ") + e.relation;
        all.push_back(e.relation);
        referencing.push_back(e.relation);
    }
    for (const auto& table : tables) {
        const LockFact* lock = existing(ctx.statement, table);
        if (lock == nullptr) continue;  // created in this migration
        Finding& f = sink.add(ctx.statement,
                              "TRUNCATE " + table + " CASCADE also empties every table whose foreign keys reference " +
                                  table + ", and the tables that reference those in turn" +
                                  (known.empty() ? std::string() : " (known here: " + known + ")") + "; it takes " +
                                  a_lock(*lock) + " and locks every table it empties until the transaction ends");
        f.relation = table;
        f.fix = "name every table to empty in the TRUNCATE and drop CASCADE, so PostgreSQL refuses to empty any other";
        std::string list;
        for (const auto& n : all) list += (list.empty() ? "" : ", ") + n;
        Recipe recipe;
        recipe.summary = "Truncate only the tables you name: without CASCADE PostgreSQL refuses when another table references them";
        recipe.steps.push_back(
            {"Migration",
             "-- List every table you mean to empty; if another table still references one of them,\n"
             "-- PostgreSQL refuses instead of emptying it too.\n"
             "TRUNCATE " + list + (stmt->restart_seqs ? " RESTART IDENTITY" : "") + ";",
             true});
        recipe.steps.push_back({"Or, out of band, table by table", batched_deletes(referencing, table), false});
        f.recipe = std::move(recipe);
    }
}

}  // namespace

PGFENCE_RULE(truncate_cascade) {
    return Rule{"truncate-cascade", Risk::Critical,
                "TRUNCATE ... CASCADE also empties every table that references the truncated ones", check, nullptr,
                true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
