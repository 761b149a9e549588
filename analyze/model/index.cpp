#include "analyze/model/model.hpp"
#include <utility>
#include "analyze/model/if_not_exists.hpp"
#include "analyze/parse/pg_walk.hpp"
#include "analyze/parse/names.hpp"

namespace pgfence::analyze::model {
namespace {

using M = LockMode;

bool has_option(const List* params, std::string_view name) {
    for (const DefElem* d : pg::each<DefElem>(params)) {
        if (pg::text(d->defname) != name) continue;
        // CONCURRENTLY written as an option may carry an explicit false.
        if (const Boolean* b = pg::as<Boolean>(d->arg)) return b->boolval;
        return pg::text(d->arg) != "false";
    }
    return false;
}

// The table an index belongs to, from the catalog; "" when the index predates the migration.
std::string table_of_index(Context& ctx, const std::string& index) {
    const RelationInfo* info = std::as_const(ctx.catalog).find(index);
    return info ? info->index_table : std::string();
}

// Where the catalog's definition of the index came from (RelationInfo::source).
std::string source_of(Context& ctx, const std::string& relname) {
    const RelationInfo* info = std::as_const(ctx.catalog).find(relname);
    return info ? info->source : std::string();
}

// The name PostgreSQL gives an index column that is an expression (FigureColnameInternal, as
// transformIndexStmt calls it): a column's, a function's, a cast's (its type's when the argument
// names nothing better), a few constructs' keyword; "expr" otherwise. `strength` as PostgreSQL's:
// 2 a name, 1 a keyword, 0 none.
int figure_colname(const pg::Node* node, std::string& name) {
    if (node == nullptr) return 0;
    if (const auto* ref = pg::as<ColumnRef>(node)) {
        const pg::Node* last = pg::last(ref->fields);
        if (!pg::is<String>(last)) return 0;
        name = pg::text(last);
        return 2;
    }
    if (const auto* ind = pg::as<A_Indirection>(node)) {
        const pg::Node* last = pg::last(ind->indirection);
        if (pg::is<String>(last)) {
            name = pg::text(last);
            return 2;
        }
        return figure_colname(ind->arg, name);
    }
    if (const auto* call = pg::as<FuncCall>(node)) {
        name = std::string(pg::last_name(call->funcname));
        return 2;
    }
    if (const auto* e = pg::as<A_Expr>(node); e != nullptr && e->kind == AEXPR_NULLIF) {
        name = "nullif";
        return 2;
    }
    if (const auto* cast = pg::as<TypeCast>(node)) {
        int strength = figure_colname(cast->arg, name);
        if (strength <= 1 && cast->typeName != nullptr) {
            name = std::string(pg::last_name(cast->typeName->names));
            return 1;
        }
        return strength;
    }
    if (const auto* collate = pg::as<CollateClause>(node)) return figure_colname(collate->arg, name);
    if (const auto* c = pg::as<CaseExpr>(node)) {
        int strength = figure_colname(reinterpret_cast<const pg::Node*>(c->defresult), name);
        if (strength <= 1) {
            name = "case";
            return 1;
        }
        return strength;
    }
    if (pg::is<A_ArrayExpr>(node)) {
        name = "array";
        return 1;
    }
    if (pg::is<RowExpr>(node)) {
        name = "row";
        return 1;
    }
    if (pg::is<CoalesceExpr>(node)) {
        name = "coalesce";
        return 2;
    }
    if (const auto* mm = pg::as<MinMaxExpr>(node)) {
        name = mm->op == IS_GREATEST ? "greatest" : "least";
        return 2;
    }
    return 0;
}

// The name PostgreSQL gives an unnamed CREATE INDEX (ChooseIndexName): table_columns_idx, a
// number added while the name is taken. "" when it would be truncated to 63 bytes (the rules
// for that are PostgreSQL's makeObjectName, not worth copying here).
std::string generated_index_name(Context& ctx, const std::string& table, const IndexStmt* stmt) {
    std::string base = table;
    for (const List* list : {stmt->indexParams, stmt->indexIncludingParams}) {
        for (const IndexElem* elem : pg::each<IndexElem>(list)) {
            std::string figured;
            if (elem->indexcolname == nullptr && elem->name == nullptr && figure_colname(elem->expr, figured) == 0) figured.clear();
            base += "_" + std::string(elem->indexcolname != nullptr ? elem->indexcolname
                                      : elem->name != nullptr      ? elem->name
                                      : !figured.empty()           ? figured.c_str()
                                                                   : "expr");
        }
    }
    base += "_idx";
    std::string name = base;
    for (int n = 1; std::as_const(ctx.catalog).find(name) != nullptr && n < 100; ++n) name = base + std::to_string(n);
    return name.size() <= 63 ? name : std::string();
}

}  // namespace

void referenced_columns(const pg::Node* expr, std::set<std::string>& out) {
    if (expr == nullptr) return;
    if (const ColumnRef* ref = pg::as<ColumnRef>(expr)) {
        if (const pg::Node* field = pg::last(ref->fields); field != nullptr && !pg::is<A_Star>(field)) {
            out.emplace(pg::text(field));
        }
        return;
    }
    if (const List* list = pg::as<List>(expr)) {
        for (const pg::Node* item : pg::each(list)) referenced_columns(item, out);
        return;
    }
    pg::each_child(expr, [&](const pg::Node* child) { referenced_columns(child, out); });
}

IndexDef index_def(const List* elements, const List* including, const pg::Node* where, const char* method) {
    IndexDef def;
    if (method != nullptr && *method != '\0') def.method = method;
    def.partial = where != nullptr;
    for (const IndexElem* elem : pg::each<IndexElem>(elements)) {
        def.keys.emplace_back(elem->name != nullptr ? elem->name : "");
        if (pg::length(elem->collation) > 0 || pg::length(elem->opclass) > 0) def.plain = false;
        if (elem->name != nullptr) def.uses.insert(elem->name);
        referenced_columns(elem->expr, def.uses);
    }
    for (const IndexElem* elem : pg::each<IndexElem>(including)) {
        if (elem->name != nullptr) def.uses.insert(elem->name);
    }
    referenced_columns(where, def.uses);
    return def;
}

bool model_index(const IndexStmt* stmt, StatementFacts& facts, Context& ctx) {
    const RangeVar* rv = stmt->relation;
    std::string table(pg::relname(rv));
    std::string display = pg::display_name(rv);
    bool concurrent = stmt->concurrent;
    std::string idxname(pg::text(stmt->idxname));
    bool named = !idxname.empty();
    facts.tag = std::string("CREATE ") + (stmt->unique ? "UNIQUE " : "") + "INDEX" +
                (concurrent ? " CONCURRENTLY" : "");
    M mode = concurrent ? M::ShareUpdateExclusive : M::Share;
    if (concurrent) facts.no_transaction_block = true;
    // The table is locked before the name is checked: IF NOT EXISTS still waits for it.
    std::string reason = concurrent ? "CREATE INDEX CONCURRENTLY: blocks only DDL and VACUUM while it builds"
                                    : "CREATE INDEX: blocks writes while it builds";
    lock_range_var(facts, ctx, rv, mode, reason);
    if (stmt->if_not_exists && !idxname.empty() && std::as_const(ctx.catalog).find(idxname) != nullptr) {
        facts.notes.push_back(exists_already_note(quote_ident(idxname)));
        return true;
    }
    const RelationInfo* t = std::as_const(ctx.catalog).find(table);
    bool partitioned = t && t->kind == "partitioned table";
    if (range_var_inh(rv)) lock_descendants(facts, ctx, table, mode, "CREATE INDEX on a partitioned table indexes every partition");
    if (!partitioned) {
        add_scan(facts, display, concurrent ? "builds the index in two scans without blocking writes"
                                            : "builds the index by scanning the whole table");
    }
    if (concurrent && partitioned) facts.notes.push_back("CREATE INDEX CONCURRENTLY is not supported on partitioned tables");
    if (!named) idxname = generated_index_name(ctx, table, stmt);
    if (!idxname.empty()) {
        // The index lives in its table's schema.
        std::string schema = rv->schemaname != nullptr ? quote_ident(rv->schemaname) + "." : "";
        RelationInfo& idx = ctx.catalog.add(idxname, schema + quote_ident(idxname), "index");
        mark_new(ctx, idx);
        idx.index_table = table;
        idx.index = index_def(stmt->indexParams, stmt->indexIncludingParams, stmt->whereClause, stmt->accessMethod);
        idx.index->unique = stmt->unique;
        idx.index->nulls_not_distinct = stmt->nulls_not_distinct;
        if (named) {
            add_lock(facts, ctx, idxname, schema + quote_ident(idxname), M::AccessExclusive, "index",
                     concurrent ? "the new index, while it is created (invisible to others until then)" : "the new index");
        }
    }
    return true;
}

bool model_reindex(const ReindexStmt* stmt, StatementFacts& facts, Context& ctx) {
    ReindexObjectType kind = stmt->kind;
    bool concurrent = has_option(stmt->params, "concurrently");
    facts.tag = std::string("REINDEX") + (concurrent ? " CONCURRENTLY" : "");
    if (concurrent) {
        facts.no_transaction_block = true;
        if (ctx.pg_version < 12) facts.notes.push_back("REINDEX CONCURRENTLY needs PostgreSQL 12 or later");
    }
    M table_mode = concurrent ? M::ShareUpdateExclusive : M::Share;
    const RangeVar* rv = stmt->relation;
    // A partitioned table or index is reindexed one partition at a time, each in its own
    // transaction: never inside a transaction block.
    auto partitions = [&](const std::string& table) {
        if (relation_kind(ctx, table, "") != "partitioned table") return;
        facts.no_transaction_block = true;
        lock_descendants(facts, ctx, table, table_mode, "REINDEX: each partition in its own transaction");
        facts.notes.push_back("each partition's indexes are locked ACCESS EXCLUSIVE while rebuilt, one partition at a time");
    };
    if (kind == REINDEX_OBJECT_INDEX) {
        std::string index(pg::relname(rv));
        std::string table = table_of_index(ctx, index);
        // CONCURRENTLY builds a copy under SHARE UPDATE EXCLUSIVE, but drops the old index at
        // the end under ACCESS EXCLUSIVE (once no transaction uses it).
        lock_range_var(facts, ctx, rv, M::AccessExclusive,
                       concurrent ? "REINDEX CONCURRENTLY: the old index is dropped at the end" : "REINDEX: the index being rebuilt",
                       "index");
        if (!table.empty()) {
            add_context_lock(facts, ctx, table, display_of(ctx, table), table_mode,
                             concurrent ? "REINDEX CONCURRENTLY: the index's table" : "REINDEX: blocks writes to the index's table",
                             source_of(ctx, index));
            partitions(table);
        } else if (auto owner = outside_index_owner(ctx, index, pg::display_name(rv))) {
            add_context_lock(facts, ctx, owner->relname, owner->display, table_mode,
                             std::string(concurrent ? "REINDEX CONCURRENTLY" : "REINDEX") + ": the index's table", owner->source);
        } else {
            facts.notes.push_back(needs_context("the index's table also gets " + with_article(lock_mode_name(table_mode)) + " lock", true));
        }
        if (relation_kind(ctx, table, "") != "partitioned table") {
            add_rewrite(facts, pg::display_name(rv), "REINDEX builds the index into new storage");
        }
        return true;
    }
    if (kind == REINDEX_OBJECT_TABLE) {
        lock_range_var(facts, ctx, rv, table_mode,
                       concurrent ? "REINDEX TABLE CONCURRENTLY" : "REINDEX TABLE: blocks writes while it rebuilds");
        // Each index the catalog knows is named (CONCURRENTLY: its old copy, dropped at the end);
        // a partitioned table's own indexes hold no data and are not locked: each partition's are,
        // in that partition's transaction.
        bool partitioned = relation_kind(ctx, std::string(pg::relname(rv)), "") == "partitioned table";
        for (const RelationInfo* idx : partitioned ? std::vector<const RelationInfo*>{}
                                                   : ctx.catalog.indexes_of(std::string(pg::relname(rv)))) {
            add_context_lock(facts, ctx, idx->relname, idx->display, M::AccessExclusive,
                             concurrent ? "REINDEX TABLE CONCURRENTLY: the old copy of the index, dropped at the end"
                                        : "REINDEX TABLE: the index being rebuilt",
                             idx->source);
        }
        partitions(std::string(pg::relname(rv)));
        facts.notes.push_back(std::string("every index of ") + pg::display_name(rv) + " is locked ACCESS EXCLUSIVE" +
                              (concurrent ? " at the end, when its old copy is dropped" : " and rebuilt"));
        add_scan(facts, pg::display_name(rv), "REINDEX TABLE reads the table to rebuild each index");
        return true;
    }
    // SCHEMA, DATABASE, SYSTEM: every table in scope, one at a time.
    facts.no_transaction_block = true;
    facts.notes.push_back("REINDEX of a whole schema or database locks each table and index in turn");
    return true;
}

}  // namespace pgfence::analyze::model
