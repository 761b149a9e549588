#include <algorithm>
#include <vector>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

void check(const StatementContext& ctx, Sink& sink) {
    std::optional<Drop> drop = drop_of(ctx, OBJECT_SCHEMA);
    if (!drop) return;
    bool cascade = drop->cascade;
    for (const pg::Node* o : pg::each(drop->objects)) {
        std::string name(pg::text(o));
        if (name.empty()) continue;
        std::string schema = quote_ident(name);
        // The tables the model knows in the schema (the migrations made them, or moved them there
        // with SET SCHEMA), each locked by the drop; a schema whose contents it does not know is
        // locked as "s.*". A schema made in this migration holds only what the migration put there.
        const bool made_here = schema_created_earlier(ctx, name);
        std::vector<std::string> tables;
        for (const auto& l : ctx.statement.locks) {
            const bool table = l.kind == "table" || l.kind == "partitioned table" || l.kind == "materialized view";
            const bool in_schema = l.relation.rfind(name + ".", 0) == 0 || l.relation.rfind(schema + ".", 0) == 0;
            if (table && in_schema && !l.relation.ends_with(".*") && !(made_here && l.is_new)) tables.push_back(l.relation);
        }
        // Tables moved into it earlier in this file (ALTER TABLE ... SET SCHEMA) that existed before
        // the migration: the catalog follows only those it knew.
        for_each_earlier(ctx, [&](const StatementFacts& earlier, const pg::Node* node) {
            const auto* move = pg::as<AlterObjectSchemaStmt>(node);
            if (move == nullptr || move->relation == nullptr || pg::text(move->newschema) != name) return false;
            if (move->objectType != OBJECT_TABLE && move->objectType != OBJECT_MATVIEW) return false;
            if (existing(earlier, pg::display_name(move->relation)) == nullptr) return false;
            std::string moved = schema + "." + quote_ident(pg::relname(move->relation));
            if (std::find(tables.begin(), tables.end(), moved) == tables.end()) tables.push_back(moved);
            return false;
        });
        if (made_here && (tables.empty() || !cascade)) continue;
        std::string listed;
        for (std::size_t i = 0; i < tables.size() && i < 5; ++i) listed += (i == 0 ? "" : ", ") + tables[i];
        if (tables.size() > 5) listed += " and " + std::to_string(tables.size() - 5) + " more";
        std::string message =
            !cascade ? "DROP SCHEMA " + schema + " removes the schema: it fails unless " + schema +
                           " is empty, and code that still refers to it breaks"
            : !tables.empty()
                ? "DROP SCHEMA " + schema + " CASCADE deletes every table, view, sequence, function and type in " + schema +
                      " with all their data (tables " + listed +
                      "), and whatever depends on them elsewhere (views, foreign keys)"
                // A schema of functions and triggers made again at each start (lemmy's `r`) holds
                // no data: an outside DBA judged CRITICAL's "with all their data" wrong there.
                : "DROP SCHEMA " + schema + " CASCADE deletes everything in " + schema +
                      ", and whatever depends on it elsewhere (triggers, views, columns of its types, foreign keys): "
                      "pgfence knows of no table in " + schema + " from the migrations it read, so whether it holds data is not known here";
        Finding& f = sink.add(ctx.statement, message);
        if (cascade && !tables.empty()) f.risk = Risk::Critical;
        f.fix = cascade ? "drop what the schema holds explicitly, one reviewed statement at a time, then the empty "
                          "schema without CASCADE"
                        : "deploy code that no longer uses " + schema + " first, then drop it in a later migration";
        Recipe recipe;
        recipe.summary = cascade ? "See what CASCADE would delete, drop those objects deliberately, then drop the empty schema"
                                 : "Release code that no longer uses the schema first; drop it in a later migration";
        recipe.steps.push_back(release_first_step(
            "anything in " + schema,
            "SELECT c.oid::regclass, c.relkind, s.n_tup_ins + s.n_tup_upd + s.n_tup_del AS writes FROM pg_class c "
            "LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relnamespace = " +
                quote_literal(schema) + "::regnamespace;",
            "pg_dump --schema=" + schema + " --format=custom <database>"));
        recipe.steps.push_back(
            {"Migration (a later release)",
             std::string(cascade ? "-- Drop each object the query above lists with its own statement (each is reviewed on\n"
                                   "-- its own), then the schema. Without CASCADE it fails if anything is left in it.\n"
                                 : "") +
                 "-- pgfence-ignore: drop-schema -- " + schema + " is empty and no code has used it since the previous release\n"
                 "DROP SCHEMA IF EXISTS " + schema + ";",
             true});
        f.recipe = std::move(recipe);
    }
}

}  // namespace

PGFENCE_RULE(drop_schema) {
    return Rule{"drop-schema", Risk::High,
                "DROP SCHEMA breaks code that uses it; with CASCADE it deletes everything in the schema", check,
                nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
