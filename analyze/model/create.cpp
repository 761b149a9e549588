#include "analyze/model/model.hpp"
#include "analyze/names.hpp"

namespace pgfence::analyze::model {
namespace {

using M = LockMode;

void record_foreign_key(Context& ctx, const std::string& table, const std::string& conname, const json& pktable) {
    std::string target = range_var_relname(pktable);
    if (auto* rel = ctx.catalog.find(table)) {
        rel->references.push_back(target);
        if (!conname.empty()) rel->foreign_keys[conname] = target;
    }
    if (auto* ref = ctx.catalog.find(target)) ref->referenced_by.push_back(table);
}

// Column and table constraints of CREATE TABLE: foreign keys lock the referenced table.
void create_constraint(const json& con, const std::string& table, const std::string& column,
                       StatementFacts& facts, Context& ctx) {
    std::string type = con.value("contype", std::string());
    if (type == "CONSTR_FOREIGN" && con.contains("pktable")) {
        lock_range_var(facts, ctx, con["pktable"], M::ShareRowExclusive,
                       "REFERENCES: adds the foreign key's triggers on the referenced table");
        std::string name = con.value("conname", std::string());
        if (name.empty()) {
            std::string col = column;
            if (col.empty()) {
                const auto& attrs = con.value("fk_attrs", json::array());
                if (!attrs.empty()) col = string_value(attrs[0]);
            }
            name = table + "_" + col + "_fkey";
        }
        record_foreign_key(ctx, table, name, con["pktable"]);
    }
}

std::vector<std::pair<std::string, std::string>> query_sources(const json& query) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const json* rv : query_range_vars(query)) out.emplace_back(range_var_relname(*rv), range_var_name(*rv));
    return out;
}

}  // namespace

bool model_create_table(const json& stmt, StatementFacts& facts, Context& ctx) {
    const json& rv = stmt.value("relation", json::object());
    std::string relname = range_var_relname(rv);
    std::string display = range_var_name(rv);
    bool partitioned = stmt.contains("partspec");
    bool exists_already = ctx.catalog.find(relname) != nullptr;
    facts.tag = "CREATE TABLE";
    if (stmt.value("if_not_exists", false) && exists_already) {
        facts.notes.push_back(display + " exists already: IF NOT EXISTS skips it");
        return true;
    }
    RelationInfo& info = ctx.catalog.add(relname, display, partitioned ? "partitioned table" : "table");
    info.is_new = true;
    lock_range_var(facts, ctx, rv, M::AccessExclusive, "CREATE TABLE: the new table");

    const auto& parents = stmt.value("inhRelations", json::array());
    bool is_partition = stmt.contains("partbound");
    for (const auto& p : parents) {
        if (!p.contains("RangeVar")) continue;
        const json& parent = p["RangeVar"];
        std::string parent_name = range_var_relname(parent);
        if (is_partition) {
            lock_range_var(facts, ctx, parent, M::AccessExclusive, "PARTITION OF: the partitioned table");
            if (auto* pinfo = ctx.catalog.find(parent_name)) {
                pinfo->children.push_back(relname);
                bool is_default = stmt["partbound"].value("PartitionBoundSpec", json::object()).value("is_default", false);
                if (is_default) {
                    pinfo->default_partition = relname;
                } else if (!pinfo->default_partition.empty()) {
                    const RelationInfo* def = ctx.catalog.find(pinfo->default_partition);
                    std::string def_display = def ? def->display : pinfo->default_partition;
                    add_lock(facts, ctx, pinfo->default_partition, def_display, M::AccessExclusive, "",
                             "PARTITION OF: the default partition is checked for rows of the new bound");
                    add_scan(facts, def_display, "PARTITION OF: the default partition is scanned for rows that belong to the new partition");
                }
                for (const auto& c : pinfo->columns) info.columns.push_back(c);
            }
        } else {
            lock_range_var(facts, ctx, parent, M::ShareUpdateExclusive, "INHERITS: the parent table");
            if (auto* pinfo = ctx.catalog.find(parent_name)) {
                pinfo->children.push_back(relname);
                for (const auto& c : pinfo->columns) info.columns.push_back(c);
            }
        }
    }
    // `info` may move when the catalog grows; look it up again after each insertion.
    for (const auto& elt : stmt.value("tableElts", json::array())) {
        if (elt.contains("ColumnDef")) {
            const json& def = elt["ColumnDef"];
            ColumnInfo col{def.value("colname", std::string()),
                           def.contains("typeName") ? canonical_type(def["typeName"]) : std::string(), false, false};
            for (const auto& c : def.value("constraints", json::array())) {
                if (!c.contains("Constraint")) continue;
                std::string type = c["Constraint"].value("contype", std::string());
                if (type == "CONSTR_NOTNULL" || type == "CONSTR_PRIMARY") col.not_null = true;
                create_constraint(c["Constraint"], relname, col.name, facts, ctx);
            }
            if (auto* rel = ctx.catalog.find(relname)) rel->columns.push_back(col);
        } else if (elt.contains("Constraint")) {
            create_constraint(elt["Constraint"], relname, "", facts, ctx);
        } else if (elt.contains("TableLikeClause")) {
            const json& like = elt["TableLikeClause"].value("relation", json::object());
            lock_range_var(facts, ctx, like, M::AccessShare, "LIKE: the source table");
            const RelationInfo* src = ctx.catalog.find(range_var_relname(like));
            if (src) {
                auto cols = src->columns;
                if (auto* rel = ctx.catalog.find(relname)) rel->columns.insert(rel->columns.end(), cols.begin(), cols.end());
            }
        }
    }
    return true;
}

bool model_create_table_as(const json& stmt, StatementFacts& facts, Context& ctx) {
    const json& into = stmt.value("into", json::object());
    const json& rv = into.value("rel", json::object());
    bool matview = stmt.value("objtype", std::string()) == "OBJECT_MATVIEW";
    facts.tag = matview ? "CREATE MATERIALIZED VIEW" : "CREATE TABLE AS";
    std::string relname = range_var_relname(rv);
    if (stmt.value("if_not_exists", false) && ctx.catalog.find(relname) != nullptr) {
        facts.notes.push_back(range_var_name(rv) + " exists already: IF NOT EXISTS skips it");
        return true;
    }
    const json& query = stmt.value("query", json::object());
    lock_query_sources(facts, ctx, query, M::AccessShare, facts.tag + ": reads the query's tables");
    auto sources = query_sources(query);
    RelationInfo& info = ctx.catalog.add(relname, range_var_name(rv), matview ? "materialized view" : "table");
    info.is_new = true;
    info.sources = sources;
    lock_range_var(facts, ctx, rv, M::AccessExclusive, facts.tag + ": the new relation");
    if (!into.value("skipData", false)) {
        for (const auto& [name, display] : sources) add_scan(facts, display, facts.tag + ": runs the query over it");
    }
    return true;
}

bool model_view(const json& stmt, StatementFacts& facts, Context& ctx) {
    const json& rv = stmt.value("view", json::object());
    std::string relname = range_var_relname(rv);
    bool replace = stmt.value("replace", false);
    facts.tag = replace ? "CREATE OR REPLACE VIEW" : "CREATE VIEW";
    const json& query = stmt.value("query", json::object());
    lock_query_sources(facts, ctx, query, M::AccessShare, "CREATE VIEW: the query's tables are opened");
    auto sources = query_sources(query);
    RelationInfo* existing = ctx.catalog.find(relname);
    bool was_new = existing == nullptr || existing->is_new;
    if (existing == nullptr) {
        existing = &ctx.catalog.add(relname, range_var_name(rv), "view");
        existing->is_new = true;
    }
    existing->is_new = was_new;
    existing->sources = sources;
    lock_range_var(facts, ctx, rv, M::AccessExclusive,
                   replace ? "CREATE OR REPLACE VIEW: replaces the view's query" : "CREATE VIEW: the new view", "view");
    return true;
}

}  // namespace pgfence::analyze::model
