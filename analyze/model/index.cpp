#include "analyze/model/model.hpp"
#include "analyze/names.hpp"

namespace pgfence::analyze::model {
namespace {

using M = LockMode;

bool has_option(const json& params, const std::string& name) {
    for (const auto& p : params) {
        if (p.contains("DefElem") && p["DefElem"].value("defname", std::string()) == name) {
            const json& arg = p["DefElem"].value("arg", json::object());
            // CONCURRENTLY written as an option may carry an explicit false.
            if (arg.contains("Boolean") && !arg["Boolean"].value("boolval", false)) return false;
            if (arg.contains("String") && arg["String"].value("sval", std::string()) == "false") return false;
            return true;
        }
    }
    return false;
}

// The table an index belongs to, from the catalog; "" when the index predates the migration.
std::string table_of_index(Context& ctx, const std::string& index) {
    const RelationInfo* info = ctx.catalog.find(index);
    return info ? info->index_table : std::string();
}

}  // namespace

bool model_index(const json& stmt, StatementFacts& facts, Context& ctx) {
    const json& rv = stmt.value("relation", json::object());
    std::string table = range_var_relname(rv);
    std::string display = range_var_name(rv);
    bool concurrent = stmt.value("concurrent", false);
    std::string idxname = stmt.value("idxname", std::string());
    facts.tag = std::string("CREATE ") + (stmt.value("unique", false) ? "UNIQUE " : "") + "INDEX" +
                (concurrent ? " CONCURRENTLY" : "");
    if (stmt.value("if_not_exists", false) && !idxname.empty() && ctx.catalog.find(idxname) != nullptr) {
        facts.notes.push_back(quote_ident(idxname) + " exists already: IF NOT EXISTS skips it");
        return true;
    }
    M mode = concurrent ? M::ShareUpdateExclusive : M::Share;
    std::string reason = concurrent ? "CREATE INDEX CONCURRENTLY: blocks only DDL and VACUUM while it builds"
                                    : "CREATE INDEX: blocks writes while it builds";
    lock_range_var(facts, ctx, rv, mode, reason);
    if (rv.value("inh", true)) lock_descendants(facts, ctx, table, mode, "CREATE INDEX on a partitioned table indexes every partition");
    add_scan(facts, display, concurrent ? "builds the index in two scans without blocking writes"
                                        : "builds the index by scanning the whole table");
    if (concurrent) {
        facts.no_transaction_block = true;
        const RelationInfo* t = ctx.catalog.find(table);
        if (t && t->kind == "partitioned table") {
            facts.notes.push_back("CREATE INDEX CONCURRENTLY is not supported on partitioned tables");
        }
    }
    if (!idxname.empty()) {
        RelationInfo& idx = ctx.catalog.add(idxname, quote_ident(idxname), "index");
        idx.is_new = true;
        idx.index_table = table;
        add_lock(facts, ctx, idxname, quote_ident(idxname), M::AccessExclusive, "index", "the new index");
    }
    return true;
}

bool model_reindex(const json& stmt, StatementFacts& facts, Context& ctx) {
    std::string kind = stmt.value("kind", std::string());
    bool concurrent = has_option(stmt.value("params", json::array()), "concurrently");
    facts.tag = std::string("REINDEX") + (concurrent ? " CONCURRENTLY" : "");
    if (concurrent) {
        facts.no_transaction_block = true;
        if (ctx.pg_version < 12) facts.notes.push_back("REINDEX CONCURRENTLY needs PostgreSQL 12 or later");
    }
    M table_mode = concurrent ? M::ShareUpdateExclusive : M::Share;
    M index_mode = concurrent ? M::ShareUpdateExclusive : M::AccessExclusive;
    if (kind == "REINDEX_OBJECT_INDEX") {
        const json& rv = stmt.value("relation", json::object());
        std::string index = range_var_relname(rv);
        std::string table = table_of_index(ctx, index);
        lock_range_var(facts, ctx, rv, index_mode,
                       concurrent ? "REINDEX CONCURRENTLY: builds a replacement beside it" : "REINDEX: the index being rebuilt",
                       "index");
        if (!table.empty()) {
            const RelationInfo* t = ctx.catalog.find(table);
            add_lock(facts, ctx, table, t ? t->display : quote_ident(table), table_mode, "",
                     concurrent ? "REINDEX CONCURRENTLY: the index's table" : "REINDEX: blocks writes to the index's table");
        } else {
            facts.notes.push_back("the index's table also gets a " + std::string(lock_mode_name(table_mode)) +
                                  " lock (the index is not defined in this migration)");
        }
        add_rewrite(facts, range_var_name(rv), "REINDEX builds the index into new storage");
        return true;
    }
    if (kind == "REINDEX_OBJECT_TABLE") {
        const json& rv = stmt.value("relation", json::object());
        lock_range_var(facts, ctx, rv, table_mode,
                       concurrent ? "REINDEX TABLE CONCURRENTLY" : "REINDEX TABLE: blocks writes while it rebuilds");
        facts.notes.push_back(std::string("every index of ") + range_var_name(rv) + " is locked " +
                              std::string(lock_mode_name(index_mode)) + " and rebuilt");
        add_scan(facts, range_var_name(rv), "REINDEX TABLE reads the table to rebuild each index");
        return true;
    }
    // SCHEMA, DATABASE, SYSTEM: every table in scope, one at a time.
    facts.no_transaction_block = true;
    facts.notes.push_back("REINDEX of a whole schema or database locks each table and index in turn");
    return true;
}

}  // namespace pgfence::analyze::model
