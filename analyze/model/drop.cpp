#include <algorithm>
#include <utility>
#include <map>

#include "analyze/model/cascade_note.hpp"
#include "analyze/model/extension_types.hpp"
#include "analyze/model/alter_table_parts.hpp"
#include "analyze/model/empty_tables.hpp"
#include "analyze/model/integrity.hpp"
#include "analyze/model/model.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_parser.hpp"

namespace pgfence::analyze::model {
namespace {

using M = LockMode;

// A DropStmt object for a relation is a list of names: [schema,] name.
std::pair<std::string, std::string> object_name(const pg::Node* object) {
    const List* items = pg::as<List>(object);
    if (pg::length(items) == 0) return {};
    return {std::string(pg::last_name(items)), pg::qualified_name(items)};
}

// The relation kinds DROP removes, with their tag and lock kind.
struct DroppedRelation {
    const char* tag;
    const char* kind;
};

const std::map<ObjectType, DroppedRelation>& dropped_relations() {
    static const std::map<ObjectType, DroppedRelation> k_map = {
        {OBJECT_TABLE, {"DROP TABLE", "table"}},
        {OBJECT_VIEW, {"DROP VIEW", "view"}},
        {OBJECT_MATVIEW, {"DROP MATERIALIZED VIEW", "materialized view"}},
        {OBJECT_SEQUENCE, {"DROP SEQUENCE", "sequence"}},
        {OBJECT_FOREIGN_TABLE, {"DROP FOREIGN TABLE", "foreign table"}}};
    return k_map;
}

// Objects whose DROP takes no table lock of its own.
const std::map<ObjectType, const char*>& plain_drops() {
    static const std::map<ObjectType, const char*> k_map = {
        {OBJECT_FUNCTION, "DROP FUNCTION"}, {OBJECT_PROCEDURE, "DROP PROCEDURE"},
        {OBJECT_EXTENSION, "DROP EXTENSION"}, {OBJECT_AGGREGATE, "DROP AGGREGATE"},
        {OBJECT_OPERATOR, "DROP OPERATOR"}, {OBJECT_COLLATION, "DROP COLLATION"},
        {OBJECT_CONVERSION, "DROP CONVERSION"}, {OBJECT_STATISTIC_EXT, "DROP STATISTICS"},
        {OBJECT_PUBLICATION, "DROP PUBLICATION"}, {OBJECT_EVENT_TRIGGER, "DROP EVENT TRIGGER"},
        {OBJECT_FOREIGN_SERVER, "DROP SERVER"}, {OBJECT_FDW, "DROP FOREIGN DATA WRAPPER"},
        {OBJECT_CAST, "DROP CAST"}, {OBJECT_LANGUAGE, "DROP LANGUAGE"},
        {OBJECT_ROUTINE, "DROP ROUTINE"}, {OBJECT_TSCONFIGURATION, "DROP TEXT SEARCH CONFIGURATION"},
        {OBJECT_TSDICTIONARY, "DROP TEXT SEARCH DICTIONARY"}, {OBJECT_OPCLASS, "DROP OPERATOR CLASS"},
        {OBJECT_OPFAMILY, "DROP OPERATOR FAMILY"}, {OBJECT_ACCESS_METHOD, "DROP ACCESS METHOD"},
        {OBJECT_TRANSFORM, "DROP TRANSFORM"}, {OBJECT_TSPARSER, "DROP TEXT SEARCH PARSER"},
        {OBJECT_TSTEMPLATE, "DROP TEXT SEARCH TEMPLATE"}};
    return k_map;
}

// The base name of a dropped type or domain, "" when the object is not a type name.
std::string type_of(const pg::Node* object) {
    const TypeName* type = pg::as<TypeName>(object);
    return type != nullptr ? type_base(canonical_type(type)) : std::string();
}

// Relations that go with relname under CASCADE: views and materialized views reading it.
std::vector<std::string> dependent_views(Context& ctx, const std::string& relname) {
    std::vector<std::string> out;
    for (const auto& [name, info] : ctx.catalog.relations()) {
        if (info->kind != "view" && info->kind != "materialized view") continue;
        for (const auto& [source, display] : info->sources) {
            if (source == relname && name != relname) {
                out.push_back(name);
                break;
            }
        }
    }
    return out;
}

void drop_relation(const std::string& relname, const std::string& display, const std::string& kind,
                   bool cascade, StatementFacts& facts, Context& ctx, int depth = 0) {
    add_lock(facts, ctx, relname, display, M::AccessExclusive, kind, "DROP: the relation being dropped");
    RelationInfo* info = ctx.catalog.find(relname);
    if (info == nullptr && depth == 0) {
        facts.notes.push_back(needs_context(std::string("the tables ") + display +
                                            "'s foreign keys reference also get ACCESS EXCLUSIVE locks" +
                                            (cascade ? ", and CASCADE locks the tables and views that depend on it" : "")));
    }
    if (info == nullptr || depth > 8) return;
    // A partition: queries on the partitioned table must not see it half gone, and the
    // default partition's implicit constraint changes.
    if (const RelationInfo* parent = std::as_const(ctx.catalog).find(info->parent); parent && parent->kind == "partitioned table") {
        add_lock(facts, ctx, info->parent, parent->display, M::AccessExclusive, "",
                 "DROP of a partition: locks the partitioned table");
        if (!parent->default_partition.empty() && parent->default_partition != relname) {
            add_lock(facts, ctx, parent->default_partition, display_of(ctx, parent->default_partition), M::AccessExclusive,
                     "", "DROP of a partition: the default partition's constraint changes");
        }
        if (auto* p = ctx.catalog.find(info->parent)) {
            erase(p->children, relname);
            if (p->default_partition == relname) p->default_partition.clear();
        }
        info = ctx.catalog.find(relname);
    }
    auto children = ctx.catalog.descendants(relname);
    for (const auto& child : children) {
        add_lock(facts, ctx, child, display_of(ctx, child), M::AccessExclusive, "", "DROP: partitions are dropped with their table");
    }
    std::vector<std::string> dropped = children;
    dropped.push_back(relname);
    for (const auto& gone : dropped) {
        const RelationInfo* g = std::as_const(ctx.catalog).find(gone);
        if (g == nullptr) continue;
        for (const auto& [name, fk] : std::map<std::string, ForeignKey>(g->foreign_keys)) {
            if (fk.target == gone) continue;
            add_lock(facts, ctx, fk.target, display_of(ctx, fk.target), M::AccessExclusive, "",
                     "DROP: removes foreign key " + quote_ident(name) + "'s triggers from the referenced table");
        }
        if (!cascade) continue;
        // Collected first (add_lock may change the catalog), without copying the whole of it.
        struct Referencing {
            std::string relname, display, key;
        };
        std::vector<Referencing> referencing;
        for (const auto& [other, rel] : ctx.catalog.relations()) {
            if (other == gone) continue;
            for (const auto& [name, fk] : rel->foreign_keys) {
                if (fk.target == gone) referencing.push_back({other, rel->display, name});
            }
        }
        for (const Referencing& r : referencing) {
            add_lock(facts, ctx, r.relname, r.display, M::AccessExclusive, "",
                     "DROP ... CASCADE: drops foreign key " + quote_ident(r.key) + " that points here");
        }
        for (const auto& view : dependent_views(ctx, gone)) {
            drop_relation(view, display_of(ctx, view), "", true, facts, ctx, depth + 1);
        }
    }
    for (const auto& child : children) ctx.catalog.remove(child);
    ctx.catalog.remove(relname);
}

// DROP TYPE / DOMAIN / EXTENSION ... CASCADE: every column of type `name` goes (AccessExclusive
// on its table), as DROP COLUMN ... CASCADE would drop it: with the views that use it.
void drop_type_columns(const std::string& name, const std::string& tag, StatementFacts& facts, Context& ctx) {
    for (const auto& t : ctx.catalog.tables_using_type(name)) {
        const RelationInfo* info = std::as_const(ctx.catalog).find(t);  // there: the catalog named it
        alter::Target target{t, info->display, info->kind};
        const bool is_new = names_new(ctx, info, t, info->display);
        add_lock(facts, ctx, t, target.display, M::AccessExclusive, "", tag + ": drops the columns that use it");
        std::vector<std::string> columns;
        for (const ColumnInfo& c : ctx.catalog.find(t)->columns) {
            if (type_base(c.type) == name) columns.push_back(c.name);
        }
        for (const std::string& column : columns) {
            if (!is_new) facts.notes.push_back(cascade_column_note(target.display + "." + quote_ident(column) + " (" + quote_ident(name) + ")"));
            alter::drop_column_views(target, column, true, facts, ctx);
            ctx.catalog.drop_column(t, column);
        }
    }
}

// Relations in `schema`, as the catalog knows them (their display name is qualified).
std::vector<std::string> relations_in_schema(Context& ctx, const std::string& schema) {
    std::vector<std::string> out;
    std::string prefix = quote_ident(schema) + ".";
    for (const auto& [name, info] : ctx.catalog.relations()) {
        if (info->display.starts_with(prefix) && info->kind != "index" && info->kind != "sequence") out.push_back(name);
    }
    return out;
}

}  // namespace

bool model_drop(const DropStmt* stmt, StatementFacts& facts, Context& ctx) {
    ObjectType type = stmt->removeType;
    bool cascade = stmt->behavior == DROP_CASCADE;
    bool concurrent = stmt->concurrent;
    const List* objects = stmt->objects;
    if (cascade) facts.notes.push_back("CASCADE also drops dependent objects (views, foreign keys) and locks their tables");
    auto rel = dropped_relations().find(type);
    if (rel != dropped_relations().end()) {
        facts.tag = rel->second.tag;
        for (const pg::Node* o : pg::each(objects)) {
            auto [relname, display] = object_name(o);
            if (relname.empty()) continue;
            ConditionalFrom maybe{facts, facts.locks.size(), stmt->missing_ok && std::as_const(ctx.catalog).find(relname) == nullptr};
            if (maybe.on) facts.notes.push_back("IF EXISTS: " + display + " is locked only if it exists");
            if (type == OBJECT_SEQUENCE && cascade) {
                // Column defaults calling nextval() on it are dropped with it.
                for (const auto& [table, info] : RelationMap(ctx.catalog.relations())) {
                    if (std::find(info->default_sequences.begin(), info->default_sequences.end(), relname) ==
                        info->default_sequences.end()) {
                        continue;
                    }
                    add_lock(facts, ctx, table, info->display, M::AccessExclusive, "",
                             "DROP SEQUENCE ... CASCADE: drops the column default that calls nextval() on it");
                }
            }
            drop_relation(relname, display, relation_kind(ctx, relname, rel->second.kind), cascade, facts, ctx);
        }
        return true;
    }
    if (type == OBJECT_INDEX) {
        facts.tag = concurrent ? "DROP INDEX CONCURRENTLY" : "DROP INDEX";
        if (concurrent) facts.no_transaction_block = true;
        // Several at once, one of them unique (or of unknown kind): apart, one table would accept
        // rows another index of the statement still refuses (the drop-index rule then keeps the
        // statement whole).
        if (!concurrent && pg::length(objects) > 1) {
            for (const pg::Node* o : pg::each(objects)) {
                auto [index, display] = object_name(o);
                const RelationInfo* info = index.empty() ? nullptr : ctx.catalog.find(index);
                if (info != nullptr && info->index && !info->index->unique) continue;
                facts.notes.push_back(std::string(k_several_unique_indexes) + " (" + display + ")");
                break;
            }
        }
        for (const pg::Node* o : pg::each(objects)) {
            auto [index, display] = object_name(o);
            if (index.empty()) continue;
            const RelationInfo* info = std::as_const(ctx.catalog).find(index);
            std::string table = info ? info->index_table : std::string();
            M table_mode = concurrent ? M::ShareUpdateExclusive : M::AccessExclusive;
            ConditionalFrom maybe{facts, facts.locks.size(), stmt->missing_ok && info == nullptr};
            if (!table.empty()) {
                add_context_lock(facts, ctx, table, display_of(ctx, table), table_mode,
                                 concurrent ? "DROP INDEX CONCURRENTLY: the index's table" : "DROP INDEX: the index's table",
                                 info->source);
                // The index of a partitioned table takes the partitions' indexes, and their tables, with it.
                if (relation_kind(ctx, table, "") == "partitioned table") {
                    lock_descendants(facts, ctx, table, M::AccessExclusive, "DROP INDEX: drops the partitions' indexes too");
                }
            } else if (auto owner = outside_index_owner(ctx, index, display)) {
                add_context_lock(facts, ctx, owner->relname, owner->display, table_mode,
                                 std::string(concurrent ? "DROP INDEX CONCURRENTLY" : "DROP INDEX") + ": the index's table",
                                 owner->source);
            } else {
                facts.notes.push_back(needs_context("the index's table also gets " + with_article(lock_mode_name(table_mode)) + " lock", true));
            }
            ctx.reshape(index);
            add_lock(facts, ctx, index, display, M::AccessExclusive, "index",
                     concurrent ? "DROP INDEX CONCURRENTLY: taken only after the index is marked dead"
                                : "DROP INDEX: the index being dropped");
            if (maybe.on) facts.notes.push_back("IF EXISTS: " + display + " is locked only if it exists");
            // With CASCADE, the foreign keys of other tables that depend on a unique index go too
            // (PostgreSQL 15: "drop cascades to constraint ... on table ..."); a table not known
            // may have some.
            if (cascade && !table.empty()) {
                alter::drop_foreign_keys(alter::Target{table, display_of(ctx, table), "table"}, "", index, true, facts, ctx);
            } else if (cascade && info == nullptr) {
                facts.notes.push_back(std::string(k_cascade_unknown_fk_note) + "index " + display);
            }
            if (info != nullptr && !table.empty()) note_dropped_index(table, index, display, *info, cascade, facts, ctx);
            // Its expressions' functions no longer run on the table's writes (function_attach.hpp).
            if (RelationInfo* owner = table.empty() ? nullptr : ctx.catalog.find(table)) {
                erase_if(owner->attached, [&](const AttachedFunction& f) { return f.index == index; });
            }
            ctx.catalog.remove(index);
        }
        return true;
    }
    if (type == OBJECT_TRIGGER || type == OBJECT_POLICY || type == OBJECT_RULE) {
        facts.tag = type == OBJECT_TRIGGER ? "DROP TRIGGER" : type == OBJECT_POLICY ? "DROP POLICY" : "DROP RULE";
        for (const pg::Node* o : pg::each(objects)) {
            // [schema,] table, name
            const List* items = pg::as<List>(o);
            int count = pg::length(items);
            if (count < 2) continue;
            std::string relname(pg::text(pg::nth(items, count - 2)));
            std::string name(pg::text(pg::last(items)));
            RelationInfo* info = ctx.catalog.find(relname);
            // IF EXISTS of one the history does not show: PostgreSQL finds none and locks nothing
            // (the table's lock is taken once the trigger or rule is found).
            const bool known = info != nullptr && type != OBJECT_POLICY &&
                               (type == OBJECT_RULE ? info->rules.count(name) > 0 : info->triggers.count(name) > 0);
            ConditionalFrom maybe{facts, facts.locks.size(), stmt->missing_ok && !known};
            add_lock(facts, ctx, relname, pg::qualified_name(items, count - 1), M::AccessExclusive, "",
                     facts.tag + ": the table it belongs to");
            if (info && type == OBJECT_POLICY) alter::drop_policy(*info, name, pg::qualified_name(items, count - 1), facts, ctx);
            if (info) {
                if (type == OBJECT_RULE) info->rules.erase(name);
                else if (type == OBJECT_POLICY) info->policies.erase(name);
                else info->triggers.erase(name);
            }
        }
        return true;
    }
    if (type == OBJECT_TYPE || type == OBJECT_DOMAIN) {
        facts.tag = type == OBJECT_TYPE ? "DROP TYPE" : "DROP DOMAIN";
        if (cascade) {
            for (const pg::Node* o : pg::each(objects)) {
                std::string name = type_of(o);
                if (!ctx.catalog.is_known_type(name)) {
                    facts.notes.push_back(needs_context("the tables with a column of type " + quote_ident(name) +
                                                        " also get ACCESS EXCLUSIVE locks"));
                    facts.notes.push_back(cascade_unknown_note(quote_ident(name)));
                }
                drop_type_columns(name, facts.tag + " CASCADE", facts, ctx);
            }
        }
        for (const pg::Node* o : pg::each(objects)) {
            if (pg::is<TypeName>(o)) ctx.catalog.remove_domain(type_of(o));
        }
        return true;
    }
    if (type == OBJECT_EXTENSION && cascade) {
        // The columns of the types it provides go with it, as DROP TYPE ... CASCADE drops them.
        for (const pg::Node* o : pg::each(objects)) {
            std::string extension(pg::text(o));
            auto types = extension_types(extension);
            if (types.empty()) {
                facts.notes.push_back(needs_context("the tables with a column of a type extension " + quote_ident(extension) +
                                                    " provides also get ACCESS EXCLUSIVE locks"));
                facts.notes.push_back(cascade_unknown_note("extension " + quote_ident(extension)));
                continue;
            }
            for (std::string_view t : types) drop_type_columns(std::string(t), "DROP EXTENSION CASCADE", facts, ctx);
        }
    }
    if (type == OBJECT_SCHEMA) {
        facts.tag = "DROP SCHEMA";
        if (cascade) {
            for (const pg::Node* o : pg::each(objects)) {
                std::string schema(pg::text(o));
                for (const auto& rel : relations_in_schema(ctx, schema)) {
                    if (ctx.catalog.find(rel)) drop_relation(rel, display_of(ctx, rel), "", true, facts, ctx);
                }
                LockFact& l = add_lock(facts, ctx, schema + ".*", quote_ident(schema) + ".*", M::AccessExclusive,
                                       "schema", "DROP SCHEMA ... CASCADE drops every relation in the schema");
                l.cascades = true;
            }
        }
        return true;
    }
    if ((type == OBJECT_FUNCTION || type == OBJECT_PROCEDURE || type == OBJECT_ROUTINE) && cascade) {
        // Triggers that call the function go with it.
        bool triggers_only = true;  // every function known, and each RETURNS trigger
        std::string dropped_triggers;
        for (const ObjectWithArgs* o : pg::each<ObjectWithArgs>(objects)) {
            if (pg::length(o->objname) == 0) {
                triggers_only = false;
                continue;
            }
            std::string function(pg::last_name(o->objname));
            const auto* overloads = ctx.catalog.functions(function);
            triggers_only = triggers_only && overloads != nullptr && !overloads->empty();
            for (std::size_t i = 0; overloads != nullptr && i < overloads->size(); ++i) {
                const auto& overload = (*overloads)[i];
                ParsedStatement parsed = parse_statement(overload->definition);
                const auto* create = parsed.failure ? nullptr : pg::as<CreateFunctionStmt>(parsed.stmt);
                const bool trigger = create != nullptr && create->returnType != nullptr &&
                                     pg::last_name(create->returnType->names) == "trigger" && !create->returnType->setof;
                triggers_only = triggers_only && trigger;
            }
            for (const auto& [relname, info] : RelationMap(ctx.catalog.relations())) {
                for (const auto& [trigger, called] : info->triggers) {
                    if (called != function) continue;
                    dropped_triggers += (dropped_triggers.empty() ? "" : ", ") + ("trigger " + quote_ident(trigger) + " on " + info->display);
                }
            }
            for (const auto& [relname, info] : RelationMap(ctx.catalog.relations())) {
                for (const auto& [trigger, called] : info->triggers) {
                    if (called != function) continue;
                    add_lock(facts, ctx, relname, info->display, M::AccessExclusive, "",
                             "DROP FUNCTION ... CASCADE: drops trigger " + quote_ident(trigger));
                    if (auto* r = ctx.catalog.find(relname)) r->triggers.erase(trigger);
                    break;
                }
            }
        }
        if (triggers_only) facts.notes.push_back(std::string(k_cascade_triggers_only_note) + dropped_triggers);
    }
    // Functions, extensions, sequences of other kinds, roles...: no table lock of their own.
    auto plain = plain_drops().find(type);
    if (plain == plain_drops().end()) return false;
    facts.tag = plain->second;
    return true;
}

bool model_truncate(const TruncateStmt* stmt, StatementFacts& facts, Context& ctx) {
    facts.tag = "TRUNCATE";
    bool cascade = stmt->behavior == DROP_CASCADE;
    std::vector<std::string> queue;
    auto truncate = [&](const std::string& relname, const std::string& display, bool children, const std::string& why) {
        add_lock(facts, ctx, relname, display, M::AccessExclusive, "", why);
        if (children) {
            lock_descendants(facts, ctx, relname, M::AccessExclusive, "TRUNCATE empties every partition or child table");
            add_rewrite_tree(facts, ctx, relname, display, "TRUNCATE swaps in new, empty storage (instant, every row is gone)");
        } else {
            add_rewrite(facts, display, "TRUNCATE swaps in new, empty storage (instant, every row is gone)");
        }
        queue.push_back(relname);
        for (const auto& child : children ? ctx.catalog.descendants(relname) : std::vector<std::string>()) queue.push_back(child);
    };
    for (const RangeVar* rv : pg::each<RangeVar>(stmt->relations)) {
        truncate(std::string(pg::relname(rv)), pg::display_name(rv), range_var_inh(rv), "TRUNCATE: the table being emptied");
    }
    // CASCADE empties every table whose foreign keys point at an emptied one, recursively.
    for (std::size_t i = 0; cascade && i < queue.size() && i < 64; ++i) {
        std::string target = queue[i];
        for (const auto& [relname, info] : RelationMap(ctx.catalog.relations())) {
            if (std::find(queue.begin(), queue.end(), relname) != queue.end()) continue;
            for (const auto& [name, fk] : info->foreign_keys) {
                if (fk.target != target) continue;
                truncate(relname, info->display, true, "TRUNCATE ... CASCADE: empties the tables that reference it");
                break;
            }
        }
    }
    for (const auto& relname : queue) prove_empty(facts, ctx, relname, "emptied it");
    return true;
}

}  // namespace pgfence::analyze::model
