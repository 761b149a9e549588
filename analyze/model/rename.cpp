#include <map>
#include <utility>

#include "analyze/model/renamed_constraint.hpp"
#include "analyze/model/rename_note.hpp"
#include "analyze/model/table_swap.hpp"
#include "analyze/model/typed_tables.hpp"
#include "analyze/model/model.hpp"
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
        facts.notes.push_back(std::string(k_renamed_constraint_note) + "known " + quote_ident(relname) + " of " +
                              (table != nullptr ? table->display : quote_ident(idx->owned_by)));
    } else if (guess && (idx == nullptr || (idx->kind == "index" && !idx->index)) && constraint_index_name(relname)) {
        facts.notes.push_back(std::string(k_renamed_constraint_note) + "maybe " + pg::display_name(rv));
    }
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
                ctx.catalog.rename(sub, newname);
            }
        }
        return true;
    }
    return false;
}

}  // namespace pgfence::analyze::model
