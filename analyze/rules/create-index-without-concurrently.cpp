#include "analyze/rules/common.hpp"
#include "analyze/rules/edits.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<IndexStmt>();
    if (stmt == nullptr || stmt->concurrent) return;
    const std::string& table = ctx.display_name(stmt->relation);
    const LockFact* lock = lock_on(ctx.statement, table);
    if (lock == nullptr || lock->is_new) return;  // a table created in this migration blocks nobody
    if (lock->empty) return;  // proven empty in this transaction: the build reads no row
    bool partitioned = lock->kind == "partitioned table";
    // ON ONLY a partitioned table: the parent has no rows to read; the index stays invalid until
    // each partition's index is attached (the safe way this rule's recipe gives).
    if (partitioned && stmt->relation != nullptr && !stmt->relation->inh) return;
    std::string index(pg::text(stmt->idxname));
    Finding& f = sink.add(ctx.statement, "CREATE INDEX" + (index.empty() ? std::string() : " " + quote_ident(index)) +
                                             " takes a " + describe_lock(*lock) +
                                             " for as long as it reads the whole table to build the index");
    f.relation = table;
    Recipe recipe;
    if (partitioned) {
        recipe.summary = "Build the index on each partition concurrently, then attach them to an index created ON ONLY the parent";
        std::string name = index.empty() ? "parent_idx" : index;
        recipe.steps.push_back({"Migration 1", insert_after_keyword(insert_after_keyword(ctx.statement.sql, "ON", "ONLY"), "INDEX", "IF NOT EXISTS") + ";\n"
                                "-- This creates the parent index as INVALID without reading any data.", true});
        recipe.steps.push_back({"Migration 2 (no transaction, per partition)",
                                "-- For each partition p of " + table + ":\n"
                                "-- CREATE INDEX CONCURRENTLY <p>_idx ON <p> (...same columns...);\n"
                                "-- ALTER INDEX " + quote_ident(name) + " ATTACH PARTITION <p>_idx;", false});
    } else {
        recipe.summary = "Build the index with CONCURRENTLY, outside a transaction: writes keep flowing while it builds";
        // No IF NOT EXISTS of our own: a build that fails leaves an INVALID index behind, which
        // IF NOT EXISTS would take for the index on the tool's retry, and the migration would
        // pass without it (the outside DBA's atuin: its upsert's ON CONFLICT then found no unique
        // index). Without it the retry fails, as the original's would not be silent either.
        std::string sql = insert_after_keyword(ctx.statement.sql, "INDEX", "CONCURRENTLY");
        sql += ";\n-- If it fails it leaves an INVALID index behind, and running it again fails: drop it with\n-- DROP INDEX CONCURRENTLY IF EXISTS " +
               (index.empty() ? std::string("<index>") : quote_ident(index)) + "; and run it again.";
        recipe.steps.push_back({"Migration", sql, false});
        // The edit is the fix's first half; whether the file runs outside a transaction is for
        // the one who applies it to know (pgfence pr proves it by analysing the edited file).
        std::size_t at = after_keyword(ctx.statement.sql, 0, std::string_view::npos, "INDEX");
        if (at != std::string_view::npos) f.edit = insert_in_statement(ctx.statement, at, " CONCURRENTLY", "add CONCURRENTLY");
    }
    f.recipe = std::move(recipe);
    f.fix = partitioned ? "build the index per partition with CONCURRENTLY and attach it" : "use CREATE INDEX CONCURRENTLY in a migration that runs outside a transaction";
}

}  // namespace

PGFENCE_RULE(create_index_without_concurrently) {
    return Rule{"create-index-without-concurrently", Risk::High,
                "CREATE INDEX without CONCURRENTLY blocks writes to the table while the index builds", check, nullptr,
                true, "locking", SizeWork::index_build};
}

}  // namespace pgfence::analyze::rules
