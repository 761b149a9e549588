#include <set>
#include <utility>
#include <algorithm>
#include <map>

#include "analyze/model/cascade_note.hpp"
#include "analyze/model/check_constraints.hpp"
#include "analyze/model/alter_table_parts.hpp"
#include "analyze/parse/names.hpp"

namespace pgfence::analyze::model::alter {
namespace {

// Names, in order, joined for a note.
std::string name_list(const std::vector<const RelationInfo*>& relations) {
    std::string out;
    for (const RelationInfo* r : relations) out += (out.empty() ? "" : ", ") + r->display;
    return out;
}

// The indexes of a known table that use `column` (keys, expressions, INCLUDE, WHERE).
std::vector<const RelationInfo*> indexes_using(const Context& ctx, const std::string& table, const std::string& column) {
    std::vector<const RelationInfo*> out;
    for (const RelationInfo* idx : ctx.catalog.indexes_of(table)) {
        if (idx->index && idx->index->uses.count(column) > 0) out.push_back(idx);
    }
    return out;
}

// Whether an index on a column keeps its operator class across the type change, so that
// ATPostAlterTypeParse's TryReuseIndex keeps its storage when the table is not rewritten:
// the same type with another typmod, varchar and text (both use text_ops), cidr and inet (both use
// inet_ops). Checked on PostgreSQL 15 (pg_class.relfilenode of the table and of an index on the
// column, before and after): text or varchar(n) to citext, citext to text, int4 to oid and
// timestamp to timestamptz under UTC keep the table and build the index again; varchar(n) to
// varchar(m > n) or text, text to varchar, cidr to inet and numeric(p, s) to numeric(q > p, s)
// keep both.
bool same_operator_class(const std::string& from, const std::string& to) {
    auto family = [](const std::string& type) {
        std::string base = type_base(type);
        return base == "varchar" ? std::string("text") : base == "cidr" ? std::string("inet") : base;
    };
    return from.ends_with("[]") == to.ends_with("[]") && family(from) == family(to);
}

}  // namespace

// ALTER COLUMN ... TYPE drops and recreates the indexes that use the column (ATPostAlterTypeCleanup);
// a rewrite rebuilds every index of the table. Named when the catalog knows them.
void note_index_rebuilds(const std::string& where, const std::string& col, const std::string& from, const std::string& to,
                         TypeChange change, bool collation_changes, const Target& t, StatementFacts& facts,
                         Context& ctx) {
    auto using_column = indexes_using(ctx, t.relname, col);
    if (change == TypeChange::Rewrite) {
        auto all = ctx.catalog.indexes_of(t.relname);
        if (!all.empty()) facts.notes.push_back(where + ": the rewrite rebuilds every index of the table: " + name_list(all));
        return;
    }
    if (using_column.empty()) return;
    // CheckIndexCompatible does not compare an index's expressions or predicate and takes such an
    // index as incompatible, so ATPostAlterTypeParse builds it again whatever the types (PostgreSQL
    // 15, red team R67 A3: a varchar(255) to text change rebuilt users (lower(email)) and a
    // partial index under ACCESS EXCLUSIVE; their relfilenodes changed, the table's did not).
    std::vector<const RelationInfo*> expressions;
    for (const RelationInfo* idx : using_column) {
        if (idx->index->partial || std::find(idx->index->keys.begin(), idx->index->keys.end(), "") != idx->index->keys.end()) {
            expressions.push_back(idx);
        }
    }
    if (!same_operator_class(from, to)) {
        facts.notes.push_back(index_rebuild_note(where, quote_ident(col), "their operator class changes", name_list(using_column)));
    } else if (collation_changes) {
        // CheckIndexCompatible compares the collations of the old index and the new one: a
        // collation change builds it again (PostgreSQL 15: the index's relfilenode changes, the
        // table's does not; tests/hostile/test_collation_change.py).
        facts.notes.push_back(index_rebuild_note(where, quote_ident(col), "their collation changes", name_list(using_column)));
    } else if (!expressions.empty()) {
        facts.notes.push_back(index_rebuild_note(where, quote_ident(col),
                                                 "PostgreSQL never reuses an index with an expression or a WHERE clause",
                                                 name_list(expressions)));
        if (expressions.size() < using_column.size()) {
            std::vector<const RelationInfo*> kept;
            for (const RelationInfo* idx : using_column) {
                if (std::find(expressions.begin(), expressions.end(), idx) == expressions.end()) kept.push_back(idx);
            }
            facts.notes.push_back(where + ": the other indexes on " + quote_ident(col) + " are kept, not rebuilt: " + name_list(kept));
        }
    } else {
        facts.notes.push_back(where + ": the indexes on " + quote_ident(col) + " are kept, not rebuilt: " +
                              name_list(using_column));
    }
}

// ATPostAlterTypeCleanup drops and re-adds every constraint that depends on the column, from
// pg_get_constraintdef's text: a validated CHECK comes back validated, and ATAddCheckConstraint
// queues it for phase 3, which reads every row under the ACCESS EXCLUSIVE lock even when the
// table is not rewritten (PostgreSQL 15: varchar(10) to varchar(20), then to text, each ran a
// CHECK's function once per row; a NOT VALID one comes back NOT VALID and reads none).
void recheck_constraints(const std::string& where, const std::string& col, const Target& t, StatementFacts& facts, Context& ctx) {
    const RelationInfo* rel = ctx.catalog.find(t.relname);
    if (rel == nullptr) return;
    std::string names;
    for (const auto& [name, check] : rel->checks) {
        if (!check.validated || std::find(check.columns.begin(), check.columns.end(), col) == check.columns.end()) continue;
        names += (names.empty() ? "" : ", ") + quote_ident(name);
    }
    if (names.empty()) return;
    std::string reason = where + std::string(k_recheck_marker) + names + " on " + quote_ident(col);
    add_scan(facts, t.display, reason);
    facts.notes.push_back(std::move(reason));
}

// Indexes that use a dropped column go with it, CASCADE or not (their dependency on the
// column is automatic): each is dropped under ACCESS EXCLUSIVE.
void drop_column_indexes(const Target& t, const std::string& column, StatementFacts& facts, Context& ctx) {
    for (const RelationInfo* idx : indexes_using(ctx, t.relname, column)) {
        std::string name = idx->relname;
        add_lock(facts, ctx, name, idx->display, M::AccessExclusive, "index",
                 "DROP COLUMN " + quote_ident(column) + ": drops index " + idx->display + ", which uses the column");
        ctx.reshape(name);
        ctx.catalog.remove(name);
    }
}

// ALTER COLUMN ... TYPE drops and re-adds every foreign key the column is part of
// (ATPostAlterTypeCleanup). Dropping one removes its triggers from both of its tables
// (RemoveTriggerById, ACCESS EXCLUSIVE); a key of another table that points at the column has
// that table locked ACCESS EXCLUSIVE up front ("we'll need AccessExclusiveLock for the DROP
// CONSTRAINT step").
void retype_foreign_keys(const Target& t, const std::string& column, StatementFacts& facts, Context& ctx) {
    const RelationInfo* rel = std::as_const(ctx.catalog).find(t.relname);
    if (rel == nullptr) return;
    for (const auto& [name, fk] : rel->foreign_keys) {
        if (fk.target == t.relname || std::find(fk.columns.begin(), fk.columns.end(), column) == fk.columns.end()) continue;
        add_lock(facts, ctx, fk.target, display_of(ctx, fk.target), k_referenced_drop_triggers, "",
                 "ALTER COLUMN TYPE: re-creates foreign key " + quote_ident(name) + ", whose triggers are on the referenced table");
    }
    const std::vector<std::string>& primary_key = rel->primary_key;
    for (const Catalog::ForeignKeyRef& ref : ctx.catalog.foreign_keys_to(t.relname)) {
        if (ref.relname == t.relname) continue;
        const std::vector<std::string>& target = ref.key.target_columns.empty() ? primary_key : ref.key.target_columns;
        if (std::find(target.begin(), target.end(), column) == target.end()) continue;
        add_lock(facts, ctx, ref.relname, ref.display, k_referenced_drop_triggers, "",
                 "ALTER COLUMN TYPE: re-creates foreign key " + quote_ident(ref.constraint) + " that references the column");
    }
}

// DROP COLUMN ... CASCADE drops the views and materialized views that use the column, and the
// views over those, each under ACCESS EXCLUSIVE (without CASCADE the server refuses). A view
// uses it when its query names the column, or selects a star from the table alone. When a
// relation the view joins may have a column of that name too, which one it uses is open: a note.
void drop_column_views(const Target& t, const std::string& column, bool cascade, StatementFacts& facts, Context& ctx) {
    std::vector<std::string> dropped;
    for (const auto& [name, info] : ctx.catalog.relations()) {
        if (info->kind != "view" && info->kind != "materialized view") continue;
        bool reads = false;
        bool others = false;     // it reads other relations too
        bool ambiguous = false;  // one of them may have a column of that name
        for (const auto& [source, display] : info->sources) {
            if (source == t.relname) {
                reads = true;
                continue;
            }
            others = true;
            const RelationInfo* other = std::as_const(ctx.catalog).find(source);
            if (other == nullptr || other->columns.empty() || other->column_index.count(column) > 0) ambiguous = true;
        }
        bool names = info->source_columns.count(column) > 0;
        bool star = info->source_columns.count("*") > 0;
        if (!reads || (!names && !star)) continue;
        if (ambiguous || (others && !names)) {
            if (cascade) {
                facts.notes.push_back("DROP COLUMN " + quote_ident(column) + " CASCADE: drops " + info->display +
                                      " (ACCESS EXCLUSIVE) if it uses this table's " + quote_ident(column));
            }
            continue;
        }
        dropped.push_back(name);
        facts.dependent_views.push_back(DependentView{info->display, info->kind, column, t.display, cascade});
    }
    // Without CASCADE, PostgreSQL refuses the DROP COLUMN: nothing is dropped.
    if (!cascade) return;
    // Views over a dropped view go with it.
    for (std::size_t i = 0; i < dropped.size(); ++i) {
        for (const auto& [name, info] : ctx.catalog.relations()) {
            bool over = std::any_of(info->sources.begin(), info->sources.end(), [&](const auto& s) { return s.first == dropped[i]; });
            if (over && std::find(dropped.begin(), dropped.end(), name) == dropped.end()) dropped.push_back(name);
        }
    }
    for (const std::string& name : dropped) {
        const RelationInfo* info = std::as_const(ctx.catalog).find(name);
        add_lock(facts, ctx, name, info->display, M::AccessExclusive, info->kind,
                 "DROP COLUMN " + quote_ident(column) + " CASCADE: drops " + info->display + ", which uses the column");
        ctx.reshape(name);
    }
    for (const std::string& name : dropped) ctx.catalog.remove(name);
}

// Foreign keys that go away with a dropped column or an index-backed constraint: their
// triggers are removed from the other table (ACCESS EXCLUSIVE).
void drop_foreign_keys(const Target& t, const std::string& column, const std::string& index, bool cascade,
                       StatementFacts& facts, Context& ctx) {
    if (RelationInfo* rel = ctx.catalog.find(t.relname); rel && !column.empty()) {
        for (auto it = rel->foreign_keys.begin(); it != rel->foreign_keys.end();) {
            const ForeignKey& fk = it->second;
            if (std::find(fk.columns.begin(), fk.columns.end(), column) == fk.columns.end()) {
                ++it;
                continue;
            }
            add_lock(facts, ctx, fk.target, display_of(ctx, fk.target), k_referenced_drop_triggers, "",
                     "DROP COLUMN: drops foreign key " + quote_ident(it->first) + " and its triggers on the referenced table");
            it = rel->foreign_keys.erase(it);
        }
    }
    if (!cascade) return;
    const RelationInfo* idx = std::as_const(ctx.catalog).find(index);
    bool unique_index = idx && idx->kind == "index" && idx->index_table == t.relname;
    if (!unique_index && column.empty()) return;
    // The unique index a foreign key depends on (PostgreSQL's conindid): the primary key's when
    // it names no columns, else one whose keys are the columns it references. An index of the
    // table whose keys are not known may be it.
    const RelationInfo* table = std::as_const(ctx.catalog).find(t.relname);
    auto depends_on_index = [&](const ForeignKey& fk) {
        if (!idx->index || std::find(idx->index->keys.begin(), idx->index->keys.end(), "") != idx->index->keys.end()) return true;
        std::vector<std::string> referenced = fk.target_columns;
        if (referenced.empty() && table != nullptr) referenced.assign(table->primary_key.begin(), table->primary_key.end());
        if (referenced.empty()) return true;
        std::set<std::string> keys(idx->index->keys.begin(), idx->index->keys.end());
        return keys == std::set<std::string>(referenced.begin(), referenced.end());
    };
    for (const auto& [relname, rel] : RelationMap(ctx.catalog.relations())) {
        for (const auto& [name, fk] : rel->foreign_keys) {
            if (fk.target != t.relname || relname == t.relname) continue;
            bool uses = (unique_index && depends_on_index(fk)) ||
                        (!column.empty() && std::find(fk.target_columns.begin(), fk.target_columns.end(), column) != fk.target_columns.end());
            if (!uses) continue;
            add_lock(facts, ctx, relname, rel->display, k_referenced_drop_triggers, "",
                     "CASCADE: drops foreign key " + quote_ident(name) + " that depends on it");
            facts.notes.push_back(std::string(k_cascade_fk_note) + rel->display + "." + quote_ident(name));
            if (auto* r = ctx.catalog.find(relname)) r->foreign_keys.erase(name);
            break;
        }
    }
}

}  // namespace pgfence::analyze::model::alter
