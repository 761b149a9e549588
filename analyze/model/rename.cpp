#include "analyze/model/model.hpp"
#include "analyze/names.hpp"

namespace pgfence::analyze::model {

bool model_rename(const json& stmt, StatementFacts& facts, Context& ctx) {
    using M = LockMode;
    std::string type = stmt.value("renameType", std::string());
    std::string newname = stmt.value("newname", std::string());
    std::string sub = stmt.value("subname", std::string());
    if (!stmt.contains("relation")) {
        // Schemas, types, functions, enum values...: catalog-only renames.
        facts.tag = "ALTER ... RENAME";
        return true;
    }
    const json& rv = stmt["relation"];
    std::string relname = range_var_relname(rv);
    if (type == "OBJECT_INDEX") {
        facts.tag = "ALTER INDEX RENAME";
        lock_range_var(facts, ctx, rv, ctx.pg_version >= 12 ? M::ShareUpdateExclusive : M::AccessExclusive,
                       "ALTER INDEX ... RENAME", "index");
        ctx.catalog.rename(relname, newname);
        ctx.reshape(relname);
        ctx.reshape(newname);
        return true;
    }
    static const std::map<std::string, std::string> k_relations = {
        {"OBJECT_TABLE", "table"}, {"OBJECT_VIEW", "view"}, {"OBJECT_MATVIEW", "materialized view"},
        {"OBJECT_SEQUENCE", "sequence"}, {"OBJECT_FOREIGN_TABLE", "foreign table"}};
    auto rel = k_relations.find(type);
    if (rel != k_relations.end()) {
        facts.tag = "ALTER " + std::string(rel->second == "table" ? "TABLE" : rel->second == "view" ? "VIEW"
                             : rel->second == "sequence" ? "SEQUENCE" : rel->second == "materialized view"
                             ? "MATERIALIZED VIEW" : "FOREIGN TABLE") + " RENAME";
        std::string kind = rel->second == "table" ? relation_kind(ctx, relname, "table") : rel->second;
        lock_range_var(facts, ctx, rv, M::AccessExclusive, "RENAME: every query naming the old name breaks", kind);
        ctx.catalog.rename(relname, newname);
        ctx.reshape(relname);
        ctx.reshape(newname);
        return true;
    }
    if (type == "OBJECT_COLUMN" || type == "OBJECT_ATTRIBUTE") {
        facts.tag = "ALTER TABLE RENAME COLUMN";
        std::string kind = stmt.value("relationType", std::string()) == "OBJECT_VIEW" ? "view"
                         : type == "OBJECT_ATTRIBUTE" ? "type" : relation_kind(ctx, relname, "table");
        lock_range_var(facts, ctx, rv, M::AccessExclusive, "RENAME COLUMN " + quote_ident(sub), kind);
        if (range_var_inh(rv)) lock_descendants(facts, ctx, relname, M::AccessExclusive, "RENAME COLUMN applies to every partition");
        ctx.catalog.rename_column(relname, sub, newname);
        ctx.reshape(relname, sub);
        ctx.reshape(relname, newname);
        return true;
    }
    if (type == "OBJECT_TABCONSTRAINT" || type == "OBJECT_TRIGGER" || type == "OBJECT_POLICY" || type == "OBJECT_RULE") {
        static const std::map<std::string, std::string> k_tags = {
            {"OBJECT_TABCONSTRAINT", "ALTER TABLE RENAME CONSTRAINT"}, {"OBJECT_TRIGGER", "ALTER TRIGGER RENAME"},
            {"OBJECT_POLICY", "ALTER POLICY RENAME"}, {"OBJECT_RULE", "ALTER RULE RENAME"}};
        facts.tag = k_tags.at(type);
        lock_range_var(facts, ctx, rv, M::AccessExclusive, facts.tag);
        if (type == "OBJECT_TABCONSTRAINT") {
            if (auto* info = ctx.catalog.find(relname)) {
                auto fk = info->foreign_keys.find(sub);
                if (fk != info->foreign_keys.end()) {
                    ForeignKey key = fk->second;
                    key.name = newname;
                    info->foreign_keys.erase(fk);
                    info->foreign_keys[newname] = key;
                }
            }
            // A PRIMARY KEY, UNIQUE or EXCLUDE constraint renames its index too.
            if (const RelationInfo* idx = ctx.catalog.find(sub); idx && idx->kind == "index" && idx->index_table == relname) {
                ctx.catalog.rename(sub, newname);
            }
        }
        return true;
    }
    return false;
}

}  // namespace pgfence::analyze::model
