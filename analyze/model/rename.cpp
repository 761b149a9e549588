#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "analyze/model/renamed_constraint.hpp"
#include "analyze/model/rename_note.hpp"
#include "analyze/model/table_swap.hpp"
#include "analyze/model/typed_tables.hpp"
#include "analyze/model/model.hpp"
#include "analyze/model/search_paths.hpp"
#include "analyze/parse/names.hpp"

namespace pgfence::analyze::model {

namespace {

// The relation kinds RENAME moves to a new name, with their tag and lock kind.
struct RenamedRelation {
    const char* tag;
    const char* kind;
};

const std::map<ObjectType, RenamedRelation>& renamed_relations() {
    static const std::map<ObjectType, RenamedRelation> k_map = {
        {OBJECT_TABLE, {"ALTER TABLE RENAME", "table"}},
        {OBJECT_VIEW, {"ALTER VIEW RENAME", "view"}},
        {OBJECT_MATVIEW, {"ALTER MATERIALIZED VIEW RENAME", "materialized view"}},
        {OBJECT_SEQUENCE, {"ALTER SEQUENCE RENAME", "sequence"}},
        {OBJECT_FOREIGN_TABLE, {"ALTER FOREIGN TABLE RENAME", "foreign table"}}};
    return k_map;
}

// The index's name is one PostgreSQL chooses for a constraint's index (ChooseIndexName's labels
// "pkey", "key", "excl", with a number after a clash).
bool constraint_index_name(std::string_view name) {
    while (!name.empty() && name.back() >= '0' && name.back() <= '9') name.remove_suffix(1);
    return name.ends_with("_pkey") || name.ends_with("_key") || name.ends_with("_excl");
}

// renamed_constraint.hpp: the constraint an index rename renames with it.
void note_constraint_index(const RangeVar* rv, const std::string& relname, bool guess, StatementFacts& facts, const Context& ctx) {
    const RelationInfo* idx = ctx.catalog.find(relname);
    if (idx != nullptr && idx->kind == "index" && !idx->owned_by.empty()) {  // create.cpp record_constraint
        const RelationInfo* table = ctx.catalog.find(idx->owned_by);
        const bool primary = idx->index && idx->index->primary;
        facts.notes.push_back(std::string(k_renamed_constraint_note) + "known " + (primary ? std::string(k_primary_key) : std::string()) + quote_ident(relname) + " of " +
                              (table != nullptr ? table->display : quote_ident(idx->owned_by)));
    } else if (guess && (idx == nullptr || (idx->kind == "index" && !idx->index)) && constraint_index_name(relname)) {
        facts.notes.push_back(std::string(k_renamed_constraint_note) + "maybe " + pg::display_name(rv));
    }
}

// The names RENAME gave types and domains, whatever it renamed: the catalog keeps the types and
// domains CREATE made, by their last name, not those of an ALTER DOMAIN d RENAME TO text (red team
// R77 S1). Kept among the object uses, under a key no name can have (as search_paths.cpp keeps paths).
const std::string& renamed_types_key() {
    static const std::string k(std::string("\0type-renamed", 13));
    return k;
}

// Why the names of `columns`' types may stand for other types in a table made later, or "". The
// rules compare a copy-and-swap's new table with the old one by its types' names
// (rules/renamed_aside.cpp), which are pg_catalog's only where nothing comes first: PostgreSQL
// looks for an unqualified type name in pg_temp first, then in pg_catalog unless the search_path
// lists another schema before it (ddl.html, "The Schema Search Path"). Red team R77, on PostgreSQL
// 15: S2, an earlier migration's CREATE DOMAIN pg_temp.text AS "char" in the session that runs the
// next one (the new table's text columns are the domain's, dropped with it at the session's end);
// S3, an earlier ALTER ROLE CURRENT_USER (or ALTER DATABASE) SET search_path = public, pg_catalog
// beside a public.text (each email copied as one character). A type or relation (its row type) of
// such a name in any schema counts, as does any role's, database's or the server's search_path
// and any statement pgfence did not read.
std::string type_names_unsure(const std::vector<ColumnInfo>& columns, const Catalog& catalog) {
    if (catalog.unread_seen()) return "a statement pgfence did not read ran before it, and may have made a type of one of their names";
    if (std::string who = remembered_default_path(catalog); !who.empty()) {
        return "the migrations set a search_path for " + who + ", which may put another schema's types before pg_catalog's";
    }
    const std::vector<std::string>* renamed = catalog.object_uses(renamed_types_key());
    for (const ColumnInfo& column : columns) {
        const std::string name = type_base(column.type);
        const RelationInfo* relation = catalog.find(name);
        if (catalog.is_known_type(name) || (relation != nullptr && relation->kind != "index") ||
            (renamed != nullptr && (std::find(renamed->begin(), renamed->end(), name) != renamed->end() ||
                                    renamed->size() >= Catalog::k_max_object_uses))) {
            return "the migrations made a type, domain or relation named " + quote_ident(name) + ", in some schema";
        }
    }
    return {};
}

}  // namespace

bool model_rename(const RenameStmt* stmt, StatementFacts& facts, Context& ctx) {
    using M = LockMode;
    ObjectType type = stmt->renameType;
    std::string newname(pg::text(stmt->newname));
    std::string sub(pg::text(stmt->subname));
    if (stmt->relation == nullptr) {
        // Schemas, types, functions, enum values...: catalog-only renames.
        facts.tag = "ALTER ... RENAME";
        if ((type == OBJECT_DOMAIN || type == OBJECT_TYPE) && !newname.empty()) ctx.catalog.add_object_use(renamed_types_key(), newname);
        return true;
    }
    const RangeVar* rv = stmt->relation;
    std::string relname(pg::relname(rv));
    ConditionalFrom maybe{facts, facts.locks.size(), stmt->missing_ok && std::as_const(ctx.catalog).find(relname) == nullptr};
    if (type == OBJECT_INDEX) {
        facts.tag = "ALTER INDEX RENAME";
        note_constraint_index(rv, relname, true, facts, ctx);
        lock_range_var(facts, ctx, rv, ctx.pg_version >= 12 ? M::ShareUpdateExclusive : M::AccessExclusive,
                       "ALTER INDEX ... RENAME", "index");
        ctx.catalog.rename(relname, newname);
        ctx.reshape(relname);
        ctx.reshape(newname);
        return true;
    }
    auto rel = renamed_relations().find(type);
    if (rel != renamed_relations().end()) {
        facts.tag = rel->second.tag;
        if (type == OBJECT_TABLE) note_constraint_index(rv, relname, false, facts, ctx);  // ALTER TABLE index RENAME TO
        std::string kind = type == OBJECT_TABLE ? relation_kind(ctx, relname, "table") : rel->second.kind;
        lock_range_var(facts, ctx, rv, M::AccessExclusive, "RENAME: every query naming the old name breaks", kind);
        // The columns the running code may name, for a copy-and-swap's new table to keep.
        if (const RelationInfo* info = ctx.catalog.find(relname);
            type == OBJECT_TABLE && info != nullptr && !info->is_new && !info->columns.empty()) {
            std::vector<std::string> columns;
            std::vector<std::string> types;
            for (const ColumnInfo& c : info->columns) columns.push_back(c.name), types.push_back(c.type);
            facts.notes.push_back(renamed_columns_note(pg::display_name(rv), columns));
            facts.notes.push_back(renamed_column_types_note(pg::display_name(rv), types));
            if (std::string why = type_names_unsure(info->columns, ctx.catalog); !why.empty()) {
                facts.notes.push_back(renamed_types_unsure_note(pg::display_name(rv), why));
            }
            // Other tables' foreign keys stay pointing at it: no new table takes them (red team R69 C11).
            if (!info->referenced_by.empty()) {
                facts.notes.push_back(renamed_protections_note(pg::display_name(rv), "other tables' foreign keys"));
            }
            // Its privileges, row-level security, policies and triggers, for renamed_aside.hpp to
            // compare the new table with (table_swap.hpp).
            note_table_keeps(pg::display_name(rv), keeps_of(*info), ctx.catalog.default_table_privileges(), facts);
        }
        ctx.catalog.rename(relname, newname);
        ctx.reshape(relname);
        ctx.reshape(newname);
        return true;
    }
    if (type == OBJECT_COLUMN || type == OBJECT_ATTRIBUTE) {
        facts.tag = "ALTER TABLE RENAME COLUMN";
        std::string kind = stmt->relationType == OBJECT_VIEW ? "view"
                         : type == OBJECT_ATTRIBUTE ? "type" : relation_kind(ctx, relname, "table");
        lock_range_var(facts, ctx, rv, M::AccessExclusive, "RENAME COLUMN " + quote_ident(sub), kind);
        if (range_var_inh(rv)) lock_descendants(facts, ctx, relname, M::AccessExclusive, "RENAME COLUMN applies to every partition");
        if (type == OBJECT_ATTRIBUTE) note_renamed_attribute_columns(stmt, facts, ctx);  // before the rename
        ctx.catalog.rename_column(relname, sub, newname);
        ctx.reshape(relname, sub);
        ctx.reshape(relname, newname);
        if (type == OBJECT_ATTRIBUTE) rename_typed_columns(stmt, facts, ctx);  // ... CASCADE (typed_tables.hpp)
        return true;
    }
    if (type == OBJECT_TABCONSTRAINT || type == OBJECT_TRIGGER || type == OBJECT_POLICY || type == OBJECT_RULE) {
        facts.tag = type == OBJECT_TABCONSTRAINT ? "ALTER TABLE RENAME CONSTRAINT" : type == OBJECT_TRIGGER ? "ALTER TRIGGER RENAME"
                  : type == OBJECT_POLICY ? "ALTER POLICY RENAME" : "ALTER RULE RENAME";
        lock_range_var(facts, ctx, rv, M::AccessExclusive, facts.tag);
        if (RelationInfo* info = ctx.catalog.find(relname); info && type == OBJECT_RULE) {
            if (auto rule = info->rules.extract(sub)) {
                rule.key() = newname;
                info->rules.insert(std::move(rule));
            }
        }
        if (RelationInfo* info = ctx.catalog.find(relname); info && type == OBJECT_TRIGGER) {
            if (auto trigger = info->triggers.extract(sub)) {
                trigger.key() = newname;
                info->triggers.insert(std::move(trigger));
            }
        }
        if (RelationInfo* info = ctx.catalog.find(relname); info && type == OBJECT_POLICY) {
            if (auto policy = info->policies.extract(sub)) {
                policy.key() = newname;
                info->policies.insert(std::move(policy));
            }
        }
        if (type == OBJECT_TABCONSTRAINT) {
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
            if (const RelationInfo* idx = std::as_const(ctx.catalog).find(sub); idx && idx->kind == "index" && idx->index_table == relname) {
                if (idx->index && idx->index->primary) {
                    facts.notes.push_back(std::string(k_renamed_constraint_note) + "known " + std::string(k_primary_key) + quote_ident(sub) +
                                          " of " + pg::display_name(rv));
                }
                ctx.catalog.rename(sub, newname);
            }
        }
        return true;
    }
    return false;
}

}  // namespace pgfence::analyze::model
