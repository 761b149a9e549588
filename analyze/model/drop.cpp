#include "analyze/model/model.hpp"
#include "analyze/names.hpp"

namespace pgfence::analyze::model {
namespace {

using M = LockMode;

// A DropStmt object for a relation is a list of names: [schema,] name.
std::pair<std::string, std::string> object_name(const json& object) {
    const json& items = object.contains("List") ? object["List"].value("items", json::array()) : json::array();
    if (items.empty()) return {};
    std::string relname = string_value(items.back());
    return {relname, qualified_name(items)};
}

void drop_relation(const std::string& relname, const std::string& display, const std::string& kind,
                   bool cascade, StatementFacts& facts, Context& ctx) {
    add_lock(facts, ctx, relname, display, M::AccessExclusive, kind, "DROP: the relation being dropped");
    RelationInfo* info = ctx.catalog.find(relname);
    if (info == nullptr) return;
    auto children = ctx.catalog.descendants(relname);
    for (const auto& child : children) {
        const RelationInfo* c = ctx.catalog.find(child);
        add_lock(facts, ctx, child, c ? c->display : quote_ident(child), M::AccessExclusive, "",
                 "DROP: partitions are dropped with their table");
    }
    for (const auto& ref : std::vector<std::string>(info->references)) {
        if (ref == relname) continue;
        const RelationInfo* r = ctx.catalog.find(ref);
        add_lock(facts, ctx, ref, r ? r->display : quote_ident(ref), M::AccessExclusive, "",
                 "DROP: removes the foreign key's triggers from the referenced table");
    }
    if (cascade) {
        for (const auto& dep : std::vector<std::string>(info->referenced_by)) {
            const RelationInfo* d = ctx.catalog.find(dep);
            add_lock(facts, ctx, dep, d ? d->display : quote_ident(dep), M::AccessExclusive, "",
                     "DROP ... CASCADE: drops the foreign keys that point here");
        }
    }
    for (const auto& child : children) ctx.catalog.remove(child);
    ctx.catalog.remove(relname);
}

}  // namespace

bool model_drop(const json& stmt, StatementFacts& facts, Context& ctx) {
    std::string type = stmt.value("removeType", std::string());
    bool cascade = stmt.value("behavior", std::string()) == "DROP_CASCADE";
    bool concurrent = stmt.value("concurrent", false);
    const auto& objects = stmt.value("objects", json::array());
    static const std::map<std::string, std::pair<std::string, std::string>> k_relations = {
        {"OBJECT_TABLE", {"DROP TABLE", "table"}},
        {"OBJECT_VIEW", {"DROP VIEW", "view"}},
        {"OBJECT_MATVIEW", {"DROP MATERIALIZED VIEW", "materialized view"}},
        {"OBJECT_SEQUENCE", {"DROP SEQUENCE", "sequence"}},
        {"OBJECT_FOREIGN_TABLE", {"DROP FOREIGN TABLE", "foreign table"}}};
    if (cascade) facts.notes.push_back("CASCADE also drops dependent objects (views, foreign keys) and locks their tables");
    auto rel = k_relations.find(type);
    if (rel != k_relations.end()) {
        facts.tag = rel->second.first;
        for (const auto& o : objects) {
            auto [relname, display] = object_name(o);
            if (relname.empty()) continue;
            if (stmt.value("missing_ok", false) && ctx.catalog.find(relname) == nullptr) {
                // Still locked if it exists; nothing to add when it does not.
            }
            drop_relation(relname, display, relation_kind(ctx, relname, rel->second.second), cascade, facts, ctx);
        }
        return true;
    }
    if (type == "OBJECT_INDEX") {
        facts.tag = concurrent ? "DROP INDEX CONCURRENTLY" : "DROP INDEX";
        if (concurrent) facts.no_transaction_block = true;
        for (const auto& o : objects) {
            auto [index, display] = object_name(o);
            if (index.empty()) continue;
            const RelationInfo* info = ctx.catalog.find(index);
            std::string table = info ? info->index_table : std::string();
            M table_mode = concurrent ? M::ShareUpdateExclusive : M::AccessExclusive;
            if (!table.empty()) {
                const RelationInfo* t = ctx.catalog.find(table);
                add_lock(facts, ctx, table, t ? t->display : quote_ident(table), table_mode, "",
                         concurrent ? "DROP INDEX CONCURRENTLY: the index's table" : "DROP INDEX: the index's table");
            } else {
                facts.notes.push_back("the index's table also gets a " + std::string(lock_mode_name(table_mode)) +
                                      " lock (the index is not defined in this migration)");
            }
            add_lock(facts, ctx, index, display, M::AccessExclusive, "index",
                     concurrent ? "DROP INDEX CONCURRENTLY: taken only after the index is marked dead"
                                : "DROP INDEX: the index being dropped");
            ctx.catalog.remove(index);
        }
        return true;
    }
    if (type == "OBJECT_TRIGGER" || type == "OBJECT_POLICY" || type == "OBJECT_RULE") {
        static const std::map<std::string, std::string> k_tags = {
            {"OBJECT_TRIGGER", "DROP TRIGGER"}, {"OBJECT_POLICY", "DROP POLICY"}, {"OBJECT_RULE", "DROP RULE"}};
        facts.tag = k_tags.at(type);
        for (const auto& o : objects) {
            const json& items = o.contains("List") ? o["List"].value("items", json::array()) : json::array();
            if (items.size() < 2) continue;
            json table_names = json::array();
            for (std::size_t i = 0; i + 1 < items.size(); ++i) table_names.push_back(items[i]);
            std::string relname = string_value(table_names.back());
            add_lock(facts, ctx, relname, qualified_name(table_names), M::AccessExclusive, "",
                     facts.tag + ": the table it belongs to");
        }
        return true;
    }
    if (type == "OBJECT_TYPE" || type == "OBJECT_DOMAIN") {
        facts.tag = type == "OBJECT_TYPE" ? "DROP TYPE" : "DROP DOMAIN";
        if (cascade) {
            for (const auto& o : objects) {
                std::string name;
                if (o.contains("TypeName")) name = type_base(canonical_type(o["TypeName"]));
                for (const auto& t : ctx.catalog.tables_using_type(name)) {
                    const RelationInfo* info = ctx.catalog.find(t);
                    add_lock(facts, ctx, t, info ? info->display : quote_ident(t), M::AccessExclusive, "",
                             facts.tag + " CASCADE: drops the columns that use it");
                }
            }
        }
        return true;
    }
    if (type == "OBJECT_SCHEMA") {
        facts.tag = "DROP SCHEMA";
        if (cascade) {
            for (const auto& o : objects) {
                std::string schema = string_value(o);
                LockFact& l = add_lock(facts, ctx, schema + ".*", quote_ident(schema) + ".*", M::AccessExclusive,
                                       "schema", "DROP SCHEMA ... CASCADE drops every relation in the schema");
                l.cascades = true;
            }
        }
        return true;
    }
    // Functions, extensions, sequences of other kinds, roles...: no table lock of their own.
    static const std::map<std::string, std::string> k_plain = {
        {"OBJECT_FUNCTION", "DROP FUNCTION"}, {"OBJECT_PROCEDURE", "DROP PROCEDURE"},
        {"OBJECT_EXTENSION", "DROP EXTENSION"}, {"OBJECT_AGGREGATE", "DROP AGGREGATE"},
        {"OBJECT_OPERATOR", "DROP OPERATOR"}, {"OBJECT_COLLATION", "DROP COLLATION"},
        {"OBJECT_CONVERSION", "DROP CONVERSION"}, {"OBJECT_STATISTIC_EXT", "DROP STATISTICS"},
        {"OBJECT_PUBLICATION", "DROP PUBLICATION"}, {"OBJECT_EVENT_TRIGGER", "DROP EVENT TRIGGER"},
        {"OBJECT_FOREIGN_SERVER", "DROP SERVER"}, {"OBJECT_FDW", "DROP FOREIGN DATA WRAPPER"},
        {"OBJECT_CAST", "DROP CAST"}, {"OBJECT_LANGUAGE", "DROP LANGUAGE"},
        {"OBJECT_ROUTINE", "DROP ROUTINE"}, {"OBJECT_TSCONFIGURATION", "DROP TEXT SEARCH CONFIGURATION"},
        {"OBJECT_TSDICTIONARY", "DROP TEXT SEARCH DICTIONARY"}, {"OBJECT_OPCLASS", "DROP OPERATOR CLASS"},
        {"OBJECT_OPFAMILY", "DROP OPERATOR FAMILY"}, {"OBJECT_ACCESS_METHOD", "DROP ACCESS METHOD"},
        {"OBJECT_TRANSFORM", "DROP TRANSFORM"}, {"OBJECT_TSPARSER", "DROP TEXT SEARCH PARSER"},
        {"OBJECT_TSTEMPLATE", "DROP TEXT SEARCH TEMPLATE"}};
    auto plain = k_plain.find(type);
    if (plain == k_plain.end()) return false;
    facts.tag = plain->second;
    return true;
}

bool model_truncate(const json& stmt, StatementFacts& facts, Context& ctx) {
    facts.tag = "TRUNCATE";
    bool cascade = stmt.value("behavior", std::string()) == "DROP_CASCADE";
    for (const auto& r : stmt.value("relations", json::array())) {
        if (!r.contains("RangeVar")) continue;
        const json& rv = r["RangeVar"];
        std::string relname = range_var_relname(rv);
        lock_range_var(facts, ctx, rv, M::AccessExclusive, "TRUNCATE: the table being emptied");
        add_rewrite(facts, range_var_name(rv), "TRUNCATE swaps in new, empty storage (instant, every row is gone)");
        if (rv.value("inh", true)) lock_descendants(facts, ctx, relname, M::AccessExclusive, "TRUNCATE empties every partition");
        const RelationInfo* info = ctx.catalog.find(relname);
        if (cascade && info) {
            for (const auto& dep : std::vector<std::string>(info->referenced_by)) {
                const RelationInfo* d = ctx.catalog.find(dep);
                std::string display = d ? d->display : quote_ident(dep);
                add_lock(facts, ctx, dep, display, M::AccessExclusive, "", "TRUNCATE ... CASCADE: empties the tables that reference it");
                add_rewrite(facts, display, "TRUNCATE ... CASCADE swaps in new, empty storage");
            }
        }
    }
    return true;
}

}  // namespace pgfence::analyze::model
