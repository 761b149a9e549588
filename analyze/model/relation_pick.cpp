#include "analyze/model/relation_pick.hpp"

namespace pgfence::analyze::model {
namespace {

void pick(Context& ctx, const RangeVar* rv) {
    if (rv == nullptr || rv->relname == nullptr) return;
    pick_relation(ctx, std::string(pg::relname(rv)), rv->schemaname != nullptr ? std::string(rv->schemaname) : std::string());
}

// A name list (schema.relation, or relation; `drop_last` leaves a column's name out).
void pick(Context& ctx, const List* names, bool drop_last = false) {
    const int count = pg::length(names) - (drop_last ? 1 : 0);
    if (count <= 0 || count > 3) return;
    pick_relation(ctx, std::string(pg::text(pg::nth(names, count - 1))), count >= 2 ? std::string(pg::text(pg::nth(names, count - 2))) : std::string());
}

bool relation_object(ObjectType type) {
    switch (type) {
        case OBJECT_TABLE:
        case OBJECT_VIEW:
        case OBJECT_MATVIEW:
        case OBJECT_INDEX:
        case OBJECT_SEQUENCE:
        case OBJECT_FOREIGN_TABLE:
            return true;
        default:
            return false;
    }
}

}  // namespace

void pick_relation(Context& ctx, const std::string& relname, const std::string& schema) {
    if (!schema.empty() || ctx.search_path.empty()) {
        ctx.catalog.pick_schema(relname, schema);
        return;
    }
    // As PostgreSQL looks an unqualified name up (namespace.c RelnameGetRelid): the first schema
    // of the search_path that has it ("$user" left out: the role is not known here).
    for (const std::string& s : ctx.search_path) {
        if (s != "$user" && ctx.catalog.pick_schema(relname, s)) return;
    }
}

void pick_named_relations(const pg::Node* stmt, Context& ctx) {
    if (const auto* index = pg::as<IndexStmt>(stmt)) return pick(ctx, index->relation);
    if (const auto* insert = pg::as<InsertStmt>(stmt)) return pick(ctx, insert->relation);
    if (const auto* update = pg::as<UpdateStmt>(stmt)) return pick(ctx, update->relation);
    if (const auto* del = pg::as<DeleteStmt>(stmt)) return pick(ctx, del->relation);
    if (const auto* merge = pg::as<MergeStmt>(stmt)) return pick(ctx, merge->relation);
    if (const auto* rename = pg::as<RenameStmt>(stmt)) return pick(ctx, rename->relation);
    if (const auto* moved = pg::as<AlterObjectSchemaStmt>(stmt)) return pick(ctx, moved->relation);
    if (const auto* cluster = pg::as<ClusterStmt>(stmt)) return pick(ctx, cluster->relation);
    if (const auto* reindex = pg::as<ReindexStmt>(stmt)) return pick(ctx, reindex->relation);
    if (const auto* truncate = pg::as<TruncateStmt>(stmt)) {
        for (const RangeVar* rv : pg::each<RangeVar>(truncate->relations)) pick(ctx, rv);
        return;
    }
    if (const auto* lock = pg::as<LockStmt>(stmt)) {
        for (const RangeVar* rv : pg::each<RangeVar>(lock->relations)) pick(ctx, rv);
        return;
    }
    if (const auto* vacuum = pg::as<VacuumStmt>(stmt)) {
        for (const VacuumRelation* v : pg::each<VacuumRelation>(vacuum->rels)) pick(ctx, v->relation);
        return;
    }
    if (const auto* grant = pg::as<GrantStmt>(stmt)) {
        if (grant->targtype != ACL_TARGET_OBJECT || !relation_object(grant->objtype)) return;
        for (const RangeVar* rv : pg::each<RangeVar>(grant->objects)) pick(ctx, rv);
        return;
    }
    if (const auto* drop = pg::as<DropStmt>(stmt)) {
        if (!relation_object(drop->removeType)) return;
        for (const List* names : pg::each<List>(drop->objects)) pick(ctx, names);
        return;
    }
    if (const auto* comment = pg::as<CommentStmt>(stmt)) {
        if (comment->objtype == OBJECT_COLUMN) pick(ctx, pg::as<List>(comment->object), true);
        else if (relation_object(comment->objtype)) pick(ctx, pg::as<List>(comment->object));
    }
}

}  // namespace pgfence::analyze::model
