#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

bool concurrent(const ReindexStmt* stmt) {
    for (const DefElem* d : pg::each<DefElem>(stmt->params)) {
        if (pg::text(d->defname) != "concurrently") continue;
        if (const auto* b = pg::as<Boolean>(d->arg); b != nullptr && !b->boolval) return false;
        if (pg::is<String>(d->arg) && same_word(pg::text(d->arg), "false")) return false;
        return true;
    }
    return false;
}

// PostgreSQL 11 has no REINDEX CONCURRENTLY: build a twin concurrently and swap it in.
Recipe swap_recipe(const RangeVar* rv, bool index) {
    std::string name = pg::display_name(rv);
    Recipe recipe;
    recipe.summary = "PostgreSQL 11 has no REINDEX CONCURRENTLY: build a copy of the index concurrently, then swap it in";
    if (!index) {
        recipe.steps.push_back({"Migrations (no transaction), per index",
                                comment_lines("For each index of " + name + ", listed with\n"
                                              "SELECT indexrelid::regclass, pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = " +
                                              quote_literal(name) + "::regclass;\n"
                                              "1. CREATE INDEX CONCURRENTLY <index>_new ON ... (the same definition);\n"
                                              "2. DROP INDEX CONCURRENTLY IF EXISTS <index>;\n"
                                              "3. ALTER INDEX <index>_new RENAME TO <index>;\n"
                                              "Indexes behind a PRIMARY KEY or UNIQUE constraint cannot be dropped this way:\n"
                                              "swap the constraint with ALTER TABLE ... ADD CONSTRAINT ... USING INDEX instead."),
                                false});
        return recipe;
    }
    std::string relname(pg::relname(rv));
    std::string schema(pg::text(rv->schemaname));
    std::string twin_name = quote_ident(relname + "_new");  // CREATE INDEX puts it in the table's schema
    std::string twin = (schema.empty() ? std::string() : quote_ident(schema) + ".") + twin_name;
    recipe.steps.push_back({"Migration 1 (no transaction)",
                            comment_lines("The same definition as " + name + " under a new name; print it with\n"
                                          "SELECT pg_get_indexdef(" + quote_literal(name) + "::regclass);\n"
                                          "CREATE INDEX CONCURRENTLY " + twin_name + " ON ... (the same definition);"),
                            false});
    recipe.steps.push_back({"Migration 2 (no transaction), once the copy is built",
                            "-- An index behind a PRIMARY KEY or UNIQUE constraint cannot be dropped: swap the\n"
                            "-- constraint with ALTER TABLE ... ADD CONSTRAINT ... USING INDEX instead.\n"
                            "DROP INDEX CONCURRENTLY IF EXISTS " + name + ";",
                            false});
    recipe.steps.push_back({"Migration 3", "ALTER INDEX " + twin + " RENAME TO " + quote_ident(relname) + ";", true});
    return recipe;
}

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<ReindexStmt>();
    if (stmt == nullptr || concurrent(stmt)) return;
    ReindexObjectType kind = stmt->kind;
    bool has_concurrently = ctx.options.pg_version >= 12;
    std::string keyword, target, message;
    const LockFact* lock = nullptr;
    if (kind == REINDEX_OBJECT_INDEX || kind == REINDEX_OBJECT_TABLE) {
        target = pg::display_name(stmt->relation);
        lock = existing(ctx.statement, target);
        if (lock == nullptr) return;  // built in this migration: nobody uses it yet
        if (kind == REINDEX_OBJECT_INDEX) {
            keyword = "INDEX";
            message = "REINDEX INDEX " + target + " takes " + a_lock(*lock) +
                      " and blocks writes to its table while it rebuilds the index from a full read of the table; "
                      "queries planned on that table wait for the index";
        } else {
            keyword = "TABLE";
            message = "REINDEX TABLE " + target + " takes " + a_lock(*lock) +
                      " while it rebuilds every index of " + target +
                      " from a full read of the table, and queries planned on it wait for each index being rebuilt";
        }
    } else if (kind == REINDEX_OBJECT_SCHEMA || kind == REINDEX_OBJECT_DATABASE) {
        keyword = kind == REINDEX_OBJECT_SCHEMA ? "SCHEMA" : "DATABASE";
        std::string name(pg::text(stmt->name));
        if (keyword == "SCHEMA" && schema_created_earlier(ctx, name)) return;
        target = name.empty() ? std::string() : quote_ident(name);
        message = "REINDEX " + keyword + (target.empty() ? std::string() : " " + target) +
                  " rebuilds every index in it, one table at a time: each table's writes, and the queries planned "
                  "on it, wait while its indexes are rebuilt";
    } else {
        return;  // SYSTEM: the catalogs cannot be reindexed concurrently
    }
    Finding& f = sink.add(ctx.statement, message);
    if (keyword == "INDEX" || keyword == "TABLE") f.relation = target;
    if (has_concurrently) {
        f.fix = outside_transaction_fix(ctx, "use REINDEX " + keyword + " CONCURRENTLY");
        std::string sql = insert_after_keyword(ctx.statement.sql, keyword, "CONCURRENTLY") + ";\n" +
                          comment_lines("If it is interrupted it leaves an invalid index ending in _ccnew behind:\n"
                                        "drop that one with DROP INDEX CONCURRENTLY and run it again.");
        Recipe recipe;
        recipe.summary = "Rebuild with CONCURRENTLY, outside a transaction: reads and writes continue while it builds";
        recipe.steps.push_back({"Migration (no transaction)", sql, false});
        f.recipe = std::move(recipe);
    } else if (keyword == "INDEX" || keyword == "TABLE") {
        f.fix = std::string("build a copy of ") + (keyword == "INDEX" ? "the index" : "each index") +
                " with CREATE INDEX CONCURRENTLY and swap it in (REINDEX CONCURRENTLY needs PostgreSQL 12)";
        f.recipe = swap_recipe(stmt->relation, keyword == "INDEX");
    } else {
        f.fix = "rebuild the indexes that need it one by one with CREATE INDEX CONCURRENTLY and swap them in "
                "(REINDEX CONCURRENTLY needs PostgreSQL 12)";
    }
}

}  // namespace

PGFENCE_RULE(reindex_without_concurrently) {
    return Rule{"reindex-without-concurrently", Risk::High,
                "REINDEX without CONCURRENTLY blocks writes to the table, and queries that use the index, while it rebuilds",
                check, nullptr, true, "locking", SizeWork::index_build};
}

}  // namespace pgfence::analyze::rules
