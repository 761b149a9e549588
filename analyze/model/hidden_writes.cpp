// Writes the model does not judge where they stand (issue #53, red team F1 items 2 and 4): a
// data-modifying statement wrapped in another statement, and a write into a system catalog.
// Both make the statement unknown (the unknown-statement rule), so that a human reviews it.
#include <string>
#include <string_view>

#include "analyze/model/model.hpp"
#include "analyze/parse/pg_walk.hpp"

namespace pgfence::analyze::model {
namespace {

// The data-modifying statement `query` is or holds in its WITH clause (PostgreSQL allows a
// data-modifying WITH only at the top level of a statement), or null when it only reads.
const pg::Node* writing_query(const pg::Node* query) {
    if (query == nullptr) return nullptr;
    switch (query->type) {
        case T_InsertStmt: case T_UpdateStmt: case T_DeleteStmt: case T_MergeStmt:
            return query;
        default:
            break;
    }
    const auto* select = pg::as<SelectStmt>(query);
    if (select == nullptr || select->withClause == nullptr) return nullptr;
    for (const CommonTableExpr* cte : pg::each<CommonTableExpr>(select->withClause->ctes)) {
        if (const pg::Node* w = writing_query(cte->ctequery)) return w;
    }
    return nullptr;
}

std::string_view verb(const pg::Node* write) {
    switch (write->type) {
        case T_InsertStmt: return "INSERT";
        case T_UpdateStmt: return "UPDATE";
        case T_DeleteStmt: return "DELETE";
        default: return "MERGE";
    }
}

// The one place the statements that wrap a query are listed: COPY (query) TO, CREATE TABLE AS
// and SELECT INTO (a data-modifying WITH runs there). PostgreSQL runs the
// wrapped DELETE/UPDATE/INSERT/MERGE ... RETURNING in full (COPY: copy.c BeginCopyTo accepts
// them with RETURNING), but the rules judge the statement a migration names, not the one
// inside it. EXPLAIN ANALYZE and EXECUTE are unknown already (misc.cpp model_user_code);
// DECLARE CURSOR and CREATE [MATERIALIZED] VIEW reject a data-modifying query (parser/analyze.c
// transformDeclareCursorStmt, "DECLARE CURSOR must not contain data-modifying statements in
// WITH"; view.c/createas.c for views).
const pg::Node* wrapped_query(const pg::Node* stmt, std::string& wrapper) {
    if (const auto* copy = pg::as<CopyStmt>(stmt)) {
        wrapper = "COPY (...) TO";
        return copy->query;
    }
    if (const auto* ctas = pg::as<CreateTableAsStmt>(stmt); ctas != nullptr && ctas->objtype != OBJECT_MATVIEW) {
        wrapper = "CREATE TABLE AS";
        return ctas->query;
    }
    // SELECT ... INTO t is CREATE TABLE AS once analysed (analyze.c transformSelectStmt); the raw
    // tree keeps it a SelectStmt with an intoClause.
    if (const auto* select = pg::as<SelectStmt>(stmt); select != nullptr && select->intoClause != nullptr) {
        wrapper = "SELECT ... INTO";
        return stmt;
    }
    return nullptr;
}

// A system catalog (or TOAST) table: a relation in pg_catalog or pg_toast, or an unqualified
// pg_* name the migrations did not create (pg_catalog is searched first, before search_path,
// unless search_path names it: namespace.c recomputeNamespacePath).
// pg_settings, a view whose UPDATE sets a setting, has its own finding (lexing_settings.cpp).
bool catalog_table(const RangeVar* rv, Context& ctx) {
    if (rv == nullptr) return false;
    const std::string_view name = pg::text(rv->relname);
    if (name == "pg_settings") return false;
    if (rv->schemaname != nullptr) {
        const std::string_view schema = pg::text(rv->schemaname);
        return schema == "pg_catalog" || schema == "pg_toast";
    }
    return name.starts_with("pg_") && ctx.catalog.find(std::string(name)) == nullptr;
}

// The first INSERT, UPDATE, DELETE, MERGE or COPY FROM into a system catalog anywhere in the
// statement (a data-modifying WITH, COPY's query included).
const RangeVar* catalog_write(const pg::Node* node, Context& ctx) {
    if (node == nullptr) return nullptr;
    const RangeVar* target = nullptr;
    if (const auto* s = pg::as<InsertStmt>(node)) target = s->relation;
    else if (const auto* s = pg::as<UpdateStmt>(node)) target = s->relation;
    else if (const auto* s = pg::as<DeleteStmt>(node)) target = s->relation;
    else if (const auto* s = pg::as<MergeStmt>(node)) target = s->relation;
    else if (const auto* s = pg::as<CopyStmt>(node); s != nullptr && s->is_from) target = s->relation;
    if (catalog_table(target, ctx)) return target;
    const RangeVar* found = nullptr;
    pg::each_child(node, [&](const pg::Node* child) {
        if (found == nullptr) found = catalog_write(child, ctx);
    });
    return found;
}

}  // namespace

void note_hidden_writes(const pg::Node* stmt, StatementFacts& facts, Context& ctx) {
    std::string wrapper;
    if (const pg::Node* write = writing_query(wrapped_query(stmt, wrapper))) {
        facts.notes.push_back("not visible to static analysis: " + wrapper + " runs a data-modifying " + std::string(verb(write)) +
                              " whose rows pgfence does not judge inside it (a whole-table write, a sequence reset ...); "
                              "write the " + std::string(verb(write)) + " as a statement of its own to have it judged");
        facts.status = StatementStatus::Unknown;
    }
    if (const RangeVar* catalog = catalog_write(stmt, ctx)) {
        facts.notes.push_back("not visible to static analysis: writes into the system catalog " + pg::display_name(catalog) +
                              ": it changes the catalog directly (a function's body, a constraint, a trigger, row "
                              "security, a column's NOT NULL ...), and what it does is not modelled");
        facts.status = StatementStatus::Unknown;
    }
}

}  // namespace pgfence::analyze::model
