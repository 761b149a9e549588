#include "analyze/model/typed_tables.hpp"
#include <utility>

#include "analyze/model/catalog.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_parser.hpp"

namespace pgfence::analyze::model {
namespace {

// Keys no relation or function name can have (a name PostgreSQL stores never holds a NUL byte).
std::string typed_key(std::string_view type) { return std::string("\0typed-table:", 13) + std::string(type); }
std::string composite_key(std::string_view type) { return std::string("\0composite-type:", 16) + std::string(type); }

}  // namespace

void remember_composite_type(const CompositeTypeStmt* stmt, const StatementFacts& facts, Context& ctx) {
    if (stmt == nullptr || stmt->typevar == nullptr || facts.sql.empty()) return;
    ctx.catalog.add_object_use(composite_key(pg::relname(stmt->typevar)), facts.sql);
}

void remember_type_parts(const pg::Node* stmt, Context& ctx) {
    std::vector<std::string> parts;
    auto part = [&](const TypeName* type) {
        if (type != nullptr) parts.push_back(type_base(canonical_type(type)));
    };
    std::string name;
    if (const auto* composite = pg::as<CompositeTypeStmt>(stmt); composite != nullptr && composite->typevar != nullptr) {
        name = pg::relname(composite->typevar);
        for (const ColumnDef* def : pg::each<ColumnDef>(composite->coldeflist)) part(def->typeName);
    } else if (const auto* range = pg::as<CreateRangeStmt>(stmt); range != nullptr && pg::length(range->typeName) > 0) {
        name = pg::last_name(range->typeName);
        for (const DefElem* d : pg::each<DefElem>(range->params)) {
            if (pg::text(d->defname) == "subtype") part(pg::as<TypeName>(d->arg));
        }
    } else if (const auto* alter = pg::as<AlterTableStmt>(stmt); alter != nullptr && alter->objtype == OBJECT_TYPE && alter->relation != nullptr) {
        name = pg::relname(alter->relation);
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            if (cmd->subtype != AT_AddColumn && cmd->subtype != AT_AlterColumnType) continue;
            if (const ColumnDef* def = pg::as<ColumnDef>(cmd->def)) part(def->typeName);
        }
    }
    if (!name.empty() && !parts.empty()) ctx.catalog.add_type_parts(name, parts);
}

void remember_typed_table(const CreateStmt* stmt, Context& ctx) {
    if (stmt == nullptr || stmt->ofTypename == nullptr || stmt->relation == nullptr) return;
    const std::string type(pg::last_name(stmt->ofTypename->names));
    const std::string relname(pg::relname(stmt->relation));
    RelationInfo* table = ctx.catalog.find(relname);
    if (table == nullptr) return;
    ctx.catalog.add_object_use(typed_key(type), relname);
    table->columns_nullable = true;  // the type's attributes have no NOT NULL
    // Its columns are the type's attributes (the last CREATE TYPE of that name the catalog holds).
    const std::vector<std::string>* made = ctx.catalog.object_uses(composite_key(type));
    if (made == nullptr || made->empty()) return;
    ParsedStatement parsed = parse_statement(made->back());
    const auto* composite = parsed.failure ? nullptr : pg::as<CompositeTypeStmt>(parsed.stmt);
    if (composite == nullptr) return;
    // A column the statement names (`c WITH OPTIONS DEFAULT ...`) was recorded without its type.
    std::size_t named = 0;
    for ([[maybe_unused]] const ColumnDef* def : pg::each<ColumnDef>(stmt->tableElts)) ++named;
    if (table->columns.size() > named) return;  // a table there before (IF NOT EXISTS): its own columns
    for (const ColumnDef* def : pg::each<ColumnDef>(composite->coldeflist)) {
        const std::string name(pg::text(def->colname));
        ColumnInfo* known = ctx.catalog.column(relname, name);
        if (known == nullptr) record_column(ctx, relname, def);
        else if (known->type.empty() && def->typeName != nullptr) known->type = canonical_type(def->typeName);
    }
}

std::vector<std::string> typed_tables_of(const Context& ctx, const std::string& type) { return typed_tables_of(ctx.catalog, type); }

std::vector<std::string> typed_tables_of(const Catalog& catalog, const std::string& type) {
    std::vector<std::string> out;
    const std::vector<std::string>* tables = catalog.object_uses(typed_key(type));
    if (tables == nullptr) return out;
    for (const std::string& table : *tables) {
        if (catalog.find(table) == nullptr) continue;  // dropped (or renamed) since
        bool seen = false;
        for (const std::string& o : out) seen = seen || o == table;
        if (!seen) out.push_back(table);
    }
    return out;
}

namespace {

void note_columns_of_type(const std::string& type, StatementFacts& facts, const Context& ctx) {
    if (!ctx.catalog.is_known_type(type)) {
        facts.notes.emplace_back(k_composite_unknown_note);
        return;
    }
    std::string columns;
    for (const std::string& table : ctx.catalog.tables_using_type(type)) {
        const RelationInfo* rel = std::as_const(ctx.catalog).find(table);
        if (rel == nullptr || rel->is_new || (rel->kind != "table" && rel->kind != "partitioned table")) continue;
        for (const ColumnInfo& c : rel->columns) {
            if (type_base(c.type) == type) columns += (columns.empty() ? "" : ", ") + rel->display + "." + quote_ident(c.name);
        }
    }
    if (!columns.empty()) facts.notes.push_back(std::string(k_composite_columns_note) + columns);
}

}  // namespace

void note_composite_columns(const AlterTableStmt* stmt, StatementFacts& facts, const Context& ctx) {
    if (stmt == nullptr || stmt->objtype != OBJECT_TYPE || stmt->relation == nullptr) return;
    bool changes = false;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        changes = changes || cmd->subtype == AT_AddColumn || cmd->subtype == AT_DropColumn;
    }
    if (changes) note_columns_of_type(std::string(pg::relname(stmt->relation)), facts, ctx);
}

void note_renamed_attribute_columns(const RenameStmt* stmt, StatementFacts& facts, const Context& ctx) {
    if (stmt == nullptr || stmt->renameType != OBJECT_ATTRIBUTE || stmt->relation == nullptr) return;
    note_columns_of_type(std::string(pg::relname(stmt->relation)), facts, ctx);
}

void rename_typed_columns(const RenameStmt* stmt, StatementFacts& facts, Context& ctx) {
    if (stmt == nullptr || stmt->relation == nullptr || stmt->behavior != DROP_CASCADE) return;
    if (stmt->subname == nullptr || stmt->newname == nullptr) return;
    const std::string type(pg::relname(stmt->relation));
    const std::string from(pg::text(stmt->subname)), to(pg::text(stmt->newname));
    for (const std::string& table : typed_tables_of(ctx, type)) {
        add_lock(facts, ctx, table, display_of(ctx, table), LockMode::AccessExclusive, "table",
                 std::string(k_typed_table_reason) + pg::display_name(stmt->relation) + ": RENAME COLUMN " + quote_ident(from));
        ctx.catalog.rename_column(table, from, to);
        ctx.reshape(table, from);
        ctx.reshape(table, to);
    }
}

}  // namespace pgfence::analyze::model
