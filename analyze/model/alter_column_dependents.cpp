#include <algorithm>
#include <map>

#include "analyze/model/alter_table_parts.hpp"
#include "analyze/names.hpp"

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
// the same type with another typmod, or varchar and text (both use text_ops).
bool same_operator_class(const std::string& from, const std::string& to) {
    auto family = [](const std::string& type) {
        std::string base = type_base(type);
        return base == "varchar" ? std::string("text") : base;
    };
    return from.ends_with("[]") == to.ends_with("[]") && family(from) == family(to);
}

}  // namespace

// ALTER COLUMN ... TYPE drops and recreates the indexes that use the column (ATPostAlterTypeCleanup);
// a rewrite rebuilds every index of the table. Named when the catalog knows them.
void note_index_rebuilds(const std::string& where, const std::string& col, const std::string& from, const std::string& to,
                         TypeChange change, const Target& t, StatementFacts& facts, Context& ctx) {
    auto using_column = indexes_using(ctx, t.relname, col);
    if (change == TypeChange::Rewrite) {
        auto all = ctx.catalog.indexes_of(t.relname);
        if (!all.empty()) facts.notes.push_back(where + ": the rewrite rebuilds every index of the table: " + name_list(all));
        return;
    }
    if (using_column.empty()) return;
    if (same_operator_class(from, to)) {
        facts.notes.push_back(where + ": the indexes on " + quote_ident(col) + " are kept, not rebuilt: " +
                              name_list(using_column));
    } else {
        facts.notes.push_back(where + ": rebuilds the indexes on " + quote_ident(col) +
                              " (their operator class changes): " + name_list(using_column));
    }
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

// Views that use a dropped column: PostgreSQL refuses the drop without CASCADE ("cannot drop
// column ... because other objects depend on it"); with CASCADE it drops each of them, and the
// views built on those, under ACCESS EXCLUSIVE.
void drop_column_views(const Target& t, const std::string& column, bool cascade, StatementFacts& facts, Context& ctx) {
    std::vector<std::string> pending;
    for (const RelationInfo* view : ctx.catalog.views_using_column(t.relname, column)) {
        facts.dependent_views.push_back({view->display, view->kind, column, t.display, cascade});
        pending.push_back(view->relname);
    }
    if (!cascade) return;
    while (!pending.empty()) {
        std::string name = pending.back();
        pending.pop_back();
        const RelationInfo* view = ctx.catalog.find(name);
        if (view == nullptr) continue;
        add_lock(facts, ctx, name, view->display, M::AccessExclusive, view->kind,
                 "DROP COLUMN " + quote_ident(column) + " CASCADE: drops " + view->kind + " " + view->display +
                     ", which depends on it");
        for (const auto& [other, info] : ctx.catalog.relations()) {
            for (const auto& source : info.sources) {
                if (source.first == name && other != name) pending.push_back(other);
            }
        }
        ctx.reshape(name);
        ctx.catalog.remove(name);
    }
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
    const RelationInfo* idx = ctx.catalog.find(index);
    bool unique_index = idx && idx->kind == "index" && idx->index_table == t.relname;
    if (!unique_index && column.empty()) return;
    for (const auto& [relname, rel] : std::map<std::string, RelationInfo>(ctx.catalog.relations())) {
        for (const auto& [name, fk] : rel.foreign_keys) {
            if (fk.target != t.relname || relname == t.relname) continue;
            bool uses = unique_index || std::find(fk.target_columns.begin(), fk.target_columns.end(), column) != fk.target_columns.end();
            if (!uses) continue;
            add_lock(facts, ctx, relname, rel.display, k_referenced_drop_triggers, "",
                     "CASCADE: drops foreign key " + quote_ident(name) + " that depends on it");
            if (auto* r = ctx.catalog.find(relname)) r->foreign_keys.erase(name);
            break;
        }
    }
}

}  // namespace pgfence::analyze::model::alter
