#include <algorithm>
#include <utility>

#include "analyze/model/model.hpp"
#include "analyze/parse/names.hpp"

namespace pgfence::analyze::model {

ForeignKeyWatch watch_foreign_keys(const pg::Node* stmt, const Context& ctx) {
    ForeignKeyWatch watch;
    const RangeVar* rv = nullptr;
    if (const CreateStmt* create = pg::as<CreateStmt>(stmt)) rv = create->relation;
    else if (const AlterTableStmt* alter = pg::as<AlterTableStmt>(stmt); alter && alter->objtype == OBJECT_TABLE) {
        rv = alter->relation;
    }
    if (rv == nullptr) return watch;
    watch.table = std::string(pg::relname(rv));
    if (const RelationInfo* rel = std::as_const(ctx.catalog).find(watch.table)) {
        for (const auto& [name, fk] : rel->foreign_keys) watch.before.insert(name);
    }
    return watch;
}

void check_foreign_key_indexes(const ForeignKeyWatch& watch, StatementFacts& facts, const Context& ctx) {
    if (watch.table.empty()) return;
    const RelationInfo* rel = std::as_const(ctx.catalog).find(watch.table);
    if (rel == nullptr || (rel->kind != "table" && rel->kind != "partitioned table")) return;
    // The indexes are looked up (a pass over the catalog) only for a statement that added a key.
    bool added = std::any_of(rel->foreign_keys.begin(), rel->foreign_keys.end(),
                             [&](const auto& key) { return watch.before.count(key.first) == 0; });
    if (!added) return;
    auto indexes = ctx.catalog.indexes_of(watch.table);
    for (const auto& [name, fk] : rel->foreign_keys) {
        if (watch.before.count(name) > 0) continue;
        bool served = std::any_of(indexes.begin(), indexes.end(), [&](const RelationInfo* idx) {
            return idx->index && index_leads_with(*idx->index, fk.columns);
        });
        // An index whose columns the catalog does not know may serve it: say nothing.
        bool unknown = std::any_of(indexes.begin(), indexes.end(), [](const RelationInfo* idx) { return !idx->index; });
        if (served || unknown) continue;
        const RelationInfo* target = std::as_const(ctx.catalog).find(fk.target);
        std::string referenced = target ? target->display : quote_ident(fk.target);
        facts.unindexed_foreign_keys.push_back(
            UnindexedForeignKey{rel->display, rel->relname, name, fk.columns, referenced, rel->is_new});
    }
}

// Joining: CloneForeignKeyConstraints gives the partition the parent's keys, whose check
// triggers go on the referenced table, and the keys pointing at the parent new action triggers
// on the referencing table (CreateTrigger: SHARE ROW EXCLUSIVE both). Leaving
// (DetachPartitionFinalize): the partition's own keys get action triggers of their own on the
// referenced table (SHARE ROW EXCLUSIVE); the keys pointing at the parent lose the partition's
// triggers on the referencing table (RemoveTriggerById: ACCESS EXCLUSIVE).
void partition_foreign_keys(const std::string& parent, bool joining, const std::string& what, StatementFacts& facts,
                            Context& ctx) {
    const RelationInfo* info = std::as_const(ctx.catalog).find(parent);
    if (info == nullptr || info->kind != "partitioned table") return;
    std::vector<std::string> referenced;
    for (const auto& [name, fk] : info->foreign_keys) {
        if (fk.target != parent) referenced.push_back(fk.target);
    }
    for (const std::string& target : referenced) {
        add_lock(facts, ctx, target, display_of(ctx, target), LockMode::ShareRowExclusive, "",
                 what + ": the partitioned table's foreign key gets the partition's triggers on the referenced table");
    }
    for (const Catalog::ForeignKeyRef& ref : ctx.catalog.foreign_keys_to(parent)) {
        if (ref.relname == parent) continue;
        add_lock(facts, ctx, ref.relname, ref.display, joining ? LockMode::ShareRowExclusive : LockMode::AccessExclusive, "",
                 what + ": the foreign key " + quote_ident(ref.constraint) + " that references the partitioned table " +
                     (joining ? "gets triggers for the partition" : "loses the partition's triggers"));
    }
}

}  // namespace pgfence::analyze::model
