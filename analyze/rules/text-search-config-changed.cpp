// ALTER TEXT SEARCH CONFIGURATION ... ADD / ALTER / DROP MAPPING (or ALTER TEXT SEARCH DICTIONARY
// ... (options)) on a configuration or dictionary the file did not create: to_tsvector() and
// to_tsquery() with it turn the same text into other lexemes from now on, while an expression
// index or a stored tsvector column keeps the ones computed before. Queries then miss rows the
// index holds under the old lexemes, or find rows by words the new mapping drops (red team F1
// H_TSMAP, checked on PostgreSQL 15: after DROP MAPPING FOR asciiword, word on a configuration a
// GIN index uses, `to_tsvector('myts', nm) @@ to_tsquery('myts', 'hello')` found 1 row, then 0).
// Reported HIGH whether or not pgfence knows an index that uses it: a configuration is found by
// name in queries, generated columns, triggers and indexes alike, none of which the migrations need
// to show; one made earlier in the same file is not judged (nothing has used it yet).
#include <string>

#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

bool made_here(const StatementContext& ctx, ObjectType kind, const std::string& name) {
    if (ctx.stmts == nullptr) return false;
    const std::size_t at = static_cast<std::size_t>(ctx.statement.index);
    for (std::size_t i = 0; i < at && i < ctx.stmts->size(); ++i) {
        const auto* define = pg::as<DefineStmt>((*ctx.stmts)[i]);
        if (define != nullptr && define->kind == kind && leading_names(define->defnames, pg::length(define->defnames)) == name) {
            return true;
        }
    }
    return false;
}

void check(const StatementContext& ctx, Sink& sink) {
    std::string name;
    std::string what;
    if (const auto* config = ctx.as<AlterTSConfigurationStmt>()) {
        name = leading_names(config->cfgname, pg::length(config->cfgname));
        if (made_here(ctx, OBJECT_TSCONFIGURATION, name)) return;
        what = std::string("ALTER TEXT SEARCH CONFIGURATION ") + name +
               (config->kind == ALTER_TSCONFIG_DROP_MAPPING ? " DROP MAPPING" : config->kind == ALTER_TSCONFIG_ADD_MAPPING ? " ADD MAPPING" : " ALTER MAPPING");
    } else if (const auto* dict = ctx.as<AlterTSDictionaryStmt>()) {
        name = leading_names(dict->dictname, pg::length(dict->dictname));
        if (made_here(ctx, OBJECT_TSDICTIONARY, name)) return;
        what = "ALTER TEXT SEARCH DICTIONARY " + name;
    } else {
        return;
    }
    Finding& f = sink.add(ctx.statement, what + ": to_tsvector() and to_tsquery() with it give other lexemes from now on, "
                                               "while the indexes and stored tsvector columns built with it keep the old ones, "
                                               "so the application's full-text searches miss rows or find others, with no "
                                               "error and no lock to show it");
    f.fix = "create a new configuration, rebuild the indexes and columns that use it with it (CREATE INDEX CONCURRENTLY, a "
            "batched backfill), then switch the queries over";
}

}  // namespace

PGFENCE_RULE(text_search_config_changed) {
    return Rule{"text-search-config-changed", Risk::High,
                "A text search configuration or dictionary changed under the indexes and queries that use it changes "
                "what full-text searches find",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
