#include <algorithm>

#include "analyze/model/model.hpp"
#include "analyze/names.hpp"

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
    if (const RelationInfo* rel = ctx.catalog.find(watch.table)) {
        for (const auto& [name, fk] : rel->foreign_keys) watch.before.insert(name);
    }
    return watch;
}

void check_foreign_key_indexes(const ForeignKeyWatch& watch, StatementFacts& facts, const Context& ctx) {
    if (watch.table.empty()) return;
    const RelationInfo* rel = ctx.catalog.find(watch.table);
    if (rel == nullptr || (rel->kind != "table" && rel->kind != "partitioned table")) return;
    auto indexes = ctx.catalog.indexes_of(watch.table);
    for (const auto& [name, fk] : rel->foreign_keys) {
        if (watch.before.count(name) > 0) continue;
        bool served = std::any_of(indexes.begin(), indexes.end(), [&](const RelationInfo* idx) {
            return idx->index && index_leads_with(*idx->index, fk.columns);
        });
        // An index whose columns the catalog does not know may serve it: say nothing.
        bool unknown = std::any_of(indexes.begin(), indexes.end(), [](const RelationInfo* idx) { return !idx->index; });
        if (served || unknown) continue;
        const RelationInfo* target = ctx.catalog.find(fk.target);
        std::string referenced = target ? target->display : quote_ident(fk.target);
        facts.unindexed_foreign_keys.push_back(
            UnindexedForeignKey{rel->display, rel->relname, name, fk.columns, referenced, rel->is_new});
    }
}

}  // namespace pgfence::analyze::model
