#include "analyze/model/extension_members.hpp"

#include <string>

#include "analyze/model/catalog.hpp"
#include "analyze/parse/names.hpp"

namespace pgfence::analyze::model {
namespace {

// Kept as Catalog object uses under a key no function can have (a name PostgreSQL stores never
// holds a NUL byte), so the catalog carries it from history and earlier files like its other facts.
std::string key(std::string_view extension) { return std::string("\0extension-member:", 18) + std::string(extension); }

std::string owner_key(std::string_view table) { return std::string("\0sequence-owned-by:", 19) + std::string(table); }

std::string kind(ObjectType type) {
    switch (type) {
        case OBJECT_TABLE: return "table";
        case OBJECT_SEQUENCE: return "sequence";
        case OBJECT_VIEW: return "view";
        case OBJECT_MATVIEW: return "materialized view";
        case OBJECT_FOREIGN_TABLE: return "foreign table";
        case OBJECT_TYPE: return "type";
        case OBJECT_DOMAIN: return "domain";
        case OBJECT_FUNCTION: return "function";
        case OBJECT_PROCEDURE: return "procedure";
        case OBJECT_SCHEMA: return "schema";
        default: return "object";
    }
}

}  // namespace

void remember_extension_member(const AlterExtensionContentsStmt* stmt, Context& ctx) {
    if (stmt == nullptr || stmt->action <= 0 || stmt->extname == nullptr) return;
    std::string what = kind(stmt->objtype);
    if (const List* names = pg::as<List>(stmt->object)) {
        what += " " + pg::qualified_name(names);
    } else if (const auto* with_args = pg::as<ObjectWithArgs>(stmt->object)) {
        what += " " + pg::qualified_name(with_args->objname) + "()";
    } else if (const auto* type = pg::as<TypeName>(stmt->object)) {
        what += " " + pg::qualified_name(type->names);
    } else if (const auto* name = pg::as<String>(stmt->object)) {
        what += " " + quote_ident(std::string(pg::text(reinterpret_cast<const pg::Node*>(name))));
    }
    ctx.catalog.add_object_use(key(pg::text(stmt->extname)), what);
}

void remember_sequence_owner(const AlterSeqStmt* stmt, Context& ctx) {
    if (stmt == nullptr || stmt->sequence == nullptr) return;
    for (const auto* option : pg::each<DefElem>(stmt->options)) {
        if (pg::text(option->defname) != "owned_by") continue;
        const List* names = pg::as<List>(option->arg);
        const int parts = pg::length(names);
        if (parts < 2) continue;  // OWNED BY NONE
        const std::string table(pg::text(pg::nth(names, parts - 2)));
        ctx.catalog.add_object_use(owner_key(table), "sequence " + pg::display_name(stmt->sequence) + " (ALTER SEQUENCE ... OWNED BY " +
                                                         pg::qualified_name(names) + ")");
    }
}

void note_extension_members(const DropStmt* stmt, StatementFacts& facts, Context& ctx) {
    if (stmt != nullptr && stmt->removeType == OBJECT_TABLE) {
        for (const pg::Node* o : pg::each(stmt->objects)) {
            const List* names = pg::as<List>(o);
            if (pg::length(names) == 0) continue;
            const std::string table(pg::last_name(names));
            const std::vector<std::string>* owned = ctx.catalog.object_uses(owner_key(table));
            if (owned == nullptr) continue;
            for (const std::string& sequence : *owned) {
                facts.notes.push_back(std::string(k_extension_member_note) + "DROP TABLE " + pg::qualified_name(names) + " also drops " +
                                      sequence + ": the DEFAULTs that call nextval() on it go with it, and every later insert "
                                      "that leaves such a column out fails");
            }
        }
        return;
    }
    if (stmt == nullptr || stmt->removeType != OBJECT_EXTENSION) return;
    for (const pg::Node* o : pg::each(stmt->objects)) {
        const std::string extension(pg::text(o));
        const std::vector<std::string>* members = ctx.catalog.object_uses(key(extension));
        if (members == nullptr) continue;
        for (const std::string& member : *members) {
            facts.notes.push_back(std::string(k_extension_member_note) + "DROP EXTENSION " + quote_ident(extension) + " also drops " +
                                  member + ", which an earlier ALTER EXTENSION " + quote_ident(extension) +
                                  " ADD made a member of it: a table goes with its rows, a sequence with the DEFAULTs that use it");
        }
        if (members->size() >= Catalog::k_max_object_uses) {
            facts.notes.push_back(std::string(k_extension_member_note) + "DROP EXTENSION " + quote_ident(extension) +
                                  " also drops more members than pgfence keeps the names of (" +
                                  std::to_string(Catalog::k_max_object_uses) + " shown)");
        }
    }
}

}  // namespace pgfence::analyze::model
