#include <algorithm>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/edits.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

// " users" or, when the schema context told which table the index is on, " users (known from
// db/structure.sql)"; "" when the table is not known. The statement's other lock is the table's.
// Is the index's table (the statement's lock on a table) partitioned? An index of a partitioned
// table cannot be dropped concurrently.
bool on_partitioned_table(const StatementFacts& statement) {
    for (const LockFact& lock : statement.locks) {
        if (lock.kind == "partitioned table") return true;
    }
    return false;
}

// The model locks each index's table right before the index (DROP INDEX a, b: a's table, a, b's
// table, b): the table lock nearest before it is its own.
std::string table_named(const StatementFacts& statement, const LockFact& index) {
    const LockFact* table = nullptr;
    for (const LockFact& lock : statement.locks) {
        if (&lock == &index) break;
        if (lock.kind != "index") table = &lock;
    }
    if (table == nullptr) return {};
    return " " + table->relation + (table->source.empty() ? std::string() : " (known from " + table->source + ")");
}

void check(const StatementContext& ctx, Sink& sink) {
    std::optional<Drop> drop = drop_of(ctx, OBJECT_INDEX);
    if (!drop || drop->stmt->concurrent) return;
    const bool several_unique = std::any_of(ctx.statement.notes.begin(), ctx.statement.notes.end(), [](const std::string& n) {
        return n.starts_with(k_several_unique_indexes);
    });
    bool recipe_given = false;
    std::string all;  // every index the statement names, as written in the guarded plain form
    for (const List* each : pg::each<List>(drop->objects)) {
        if (pg::length(each) > 0) all += (all.empty() ? "" : ", ") + pg::qualified_name(each);
    }
    for (const List* items : pg::each<List>(drop->objects)) {
        if (pg::length(items) == 0) continue;
        std::string index = pg::qualified_name(items);
        const LockFact* lock = existing(ctx.statement, index);
        if (lock == nullptr) continue;  // an index built in this migration: nobody uses it yet
        Finding& f = sink.add(ctx.statement, "DROP INDEX " + index + " takes " + a_lock(*lock) + " and locks its table" +
                                                 table_named(ctx.statement, *lock) +
                                                 " too: queries on that table queue behind it "
                                                 "for as long as it waits for the transactions already using the table");
        f.relation = index;
        Recipe recipe;
        if (on_partitioned_table(ctx.statement)) {
            f.fix = "drop it at a quiet moment with a short lock_timeout (an index of a partitioned table cannot be dropped concurrently)";
            recipe.summary = "An index of a partitioned table cannot be dropped concurrently: drop it with a short lock_timeout, at a quiet moment";
            recipe.steps.push_back(
                {"Migration",
                 "-- DROP INDEX CONCURRENTLY refuses an index of a partitioned table. With a short lock_timeout\n"
                 "-- the DROP gives up, rather than queue the table's queries behind it, when it cannot have its\n"
                 "-- locks at once: run it again until it succeeds.\n"
                 "SET lock_timeout = '2s';\n"
                 "-- pgfence-ignore: drop-index-without-concurrently -- an index of a partitioned table cannot be dropped concurrently\n"
                 "DROP INDEX IF EXISTS " + all + (drop->cascade ? " CASCADE" : "") + ";",
                 true, true});
            f.recipe = std::move(recipe);
            continue;
        }
        f.fix = outside_transaction_fix(ctx, "use DROP INDEX CONCURRENTLY IF EXISTS");
        if (drop->cascade) {
            // CONCURRENTLY takes no CASCADE, and what depends on the index (a foreign key) is
            // not known here: no form to offer, the fix says what to do first.
            f.fix = "drop what depends on the index first (CONCURRENTLY does not allow CASCADE), then " + f.fix;
            continue;
        }
        if (several_unique) {
            f.fix = "keep the indexes' drop in one statement, with lock_timeout set, at a quiet moment: "
                    "one of them is unique (or not known not to be), and dropped one at a time a table would "
                    "accept rows that another still refuses";
            continue;
        }
        // One recipe, on the statement's first finding: the plan takes one finding's recipe for
        // the statement, and n findings carrying n steps each would be quadratic.
        if (recipe_given) continue;
        recipe_given = true;
        // CONCURRENTLY drops one index per statement: a DROP INDEX a, b, c becomes one step per
        // index, every index the statement names (an index built in this migration has no
        // finding of its own).
        for (const List* each : pg::each<List>(drop->objects)) {
            if (pg::length(each) == 0) continue;
            std::string sql = "DROP INDEX CONCURRENTLY IF EXISTS " + pg::qualified_name(each) + ";";
            sql += "\n-- Waits for the transactions using the table, but lets them and new queries run meanwhile.\n"
                   "-- An index of a partitioned table cannot be dropped concurrently: drop the plain way,\n"
                   "-- with lock_timeout set, at a quiet moment.";
            recipe.steps.push_back({"Migration (no transaction)", sql, false});
        }
        recipe.summary = recipe.steps.size() > 1
                             ? "Drop each index with CONCURRENTLY, one statement each, outside a transaction: queries on the tables keep running"
                             : "Drop the index with CONCURRENTLY, outside a transaction: queries on the table keep running";
        f.recipe = std::move(recipe);
        // CONCURRENTLY drops one index and takes no CASCADE: only then is the fix an edit.
        if (pg::length(drop->objects) == 1 && !drop->cascade) {
            std::size_t at = after_keyword(ctx.statement.sql, 0, std::string_view::npos, "INDEX");
            bool exists = drop->stmt->missing_ok;
            if (at != std::string_view::npos) {
                f.edit = insert_in_statement(ctx.statement, at, exists ? " CONCURRENTLY" : " CONCURRENTLY IF EXISTS",
                                             exists ? "add CONCURRENTLY" : "add CONCURRENTLY IF EXISTS");
            }
        }
    }
}

}  // namespace

PGFENCE_RULE(drop_index_without_concurrently) {
    return Rule{"drop-index-without-concurrently", Risk::Medium,
                "DROP INDEX without CONCURRENTLY locks the index's table against reads and writes", check, nullptr,
                true, "locking"};
}

}  // namespace pgfence::analyze::rules
