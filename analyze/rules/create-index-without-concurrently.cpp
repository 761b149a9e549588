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
        // The author's own IF NOT EXISTS goes for the same reason (the DBA review of atuin and
        // marquez, reproduced on PostgreSQL 15: a cancelled build left history_deleted_index
        // INVALID, the retry printed "already exists, skipping", the tool recorded the migration
        // applied and the index stayed indisvalid = f); the comment below is then true.
        std::string sql = insert_after_keyword(ctx.statement.sql, "INDEX", "CONCURRENTLY");
        std::string dropped_guard;
        if (stmt->if_not_exists) {
            std::size_t from = after_keyword(sql, 0, std::string_view::npos, "INDEX", {"CONCURRENTLY"});
            std::size_t to = after_keyword(sql, 0, std::string_view::npos, "INDEX", {"CONCURRENTLY", "IF", "NOT", "EXISTS"});
            if (from != std::string_view::npos && to != std::string_view::npos && to > from) {
                sql.erase(from, to - from);
                dropped_guard = "\n-- IF NOT EXISTS is left out: after a failed build it would keep the INVALID index, and the\n"
                                "-- migration would pass without a usable one. Where the index may exist already, run the\n"
                                "-- DROP INDEX below in a migration of its own before this one.";
            }
        }
        std::string name = index.empty() ? std::string("<index>")
                           : stmt->relation != nullptr && stmt->relation->schemaname != nullptr && *stmt->relation->schemaname != '\0'
                               ? quote_ident(pg::text(stmt->relation->schemaname)) + "." + quote_ident(index)
                               : quote_ident(index);
        sql += ";" + dropped_guard + "\n-- If it fails it leaves an INVALID index behind, and running it again fails: drop it with\n-- DROP INDEX CONCURRENTLY IF EXISTS " +
               name + "; and run it again.";
        recipe.steps.push_back({"Migration", sql, false});
        // The edit is the fix's first half; whether the file runs outside a transaction is for
        // the one who applies it to know (pgfence pr proves it by analysing the edited file).
        std::size_t at = after_keyword(ctx.statement.sql, 0, std::string_view::npos, "INDEX");
        std::size_t guard_end = stmt->if_not_exists ? after_keyword(ctx.statement.sql, 0, std::string_view::npos, "INDEX", {"IF", "NOT", "EXISTS"})
                                                    : at;
        if (at != std::string_view::npos && guard_end != std::string_view::npos && guard_end > at && !dropped_guard.empty()) {
            f.edit = insert_in_statement(ctx.statement, at, " CONCURRENTLY", "add CONCURRENTLY, remove IF NOT EXISTS");
            f.edit->end = f.edit->begin + (guard_end - at);
        } else if (at != std::string_view::npos) {
            f.edit = insert_in_statement(ctx.statement, at, " CONCURRENTLY", "add CONCURRENTLY");
        }
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
