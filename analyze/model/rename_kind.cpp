#include "analyze/model/rename_kind.hpp"
#include <utility>

#include <optional>
#include <string>

#include "analyze/model/catalog.hpp"

namespace pgfence::analyze::model {
namespace {

std::optional<ObjectType> kind_of(const std::string& kind) {
    if (kind == "table" || kind == "partitioned table") return OBJECT_TABLE;
    if (kind == "view") return OBJECT_VIEW;
    if (kind == "materialized view") return OBJECT_MATVIEW;
    if (kind == "sequence") return OBJECT_SEQUENCE;
    if (kind == "index") return OBJECT_INDEX;
    if (kind == "foreign table") return OBJECT_FOREIGN_TABLE;
    return std::nullopt;
}

}  // namespace

void rename_by_catalog_kind(RenameStmt* stmt, const Context& ctx) {
    if (stmt == nullptr || stmt->relation == nullptr) return;
    const RelationInfo* info = std::as_const(ctx.catalog).find(std::string(pg::relname(stmt->relation)));
    if (info == nullptr) return;
    const std::optional<ObjectType> actual = kind_of(info->kind);
    if (!actual) return;
    if (stmt->renameType == OBJECT_TABLE && *actual == OBJECT_INDEX) {
        // ALTER TABLE idx RENAME: PostgreSQL takes ACCESS EXCLUSIVE on the index (RenameRelation
        // keeps the lock it took under ALTER TABLE: tablecmds.c RenameRelation, "We don't bother if
        // we already acquired AccessExclusiveLock with an index"); the ALTER TABLE model keeps that lock.
        return;
    }
    if (stmt->renameType == OBJECT_TABLE || stmt->renameType == OBJECT_INDEX) {
        stmt->renameType = *actual;
    } else if (stmt->renameType == OBJECT_COLUMN && *actual != OBJECT_INDEX && *actual != OBJECT_SEQUENCE) {
        stmt->relationType = *actual;
    }
}

void set_schema_by_catalog_kind(AlterObjectSchemaStmt* stmt, const Context& ctx) {
    if (stmt == nullptr || stmt->relation == nullptr || stmt->objectType != OBJECT_TABLE) return;
    const RelationInfo* info = std::as_const(ctx.catalog).find(std::string(pg::relname(stmt->relation)));
    if (info == nullptr) return;
    const std::optional<ObjectType> actual = kind_of(info->kind);
    if (actual == OBJECT_VIEW || actual == OBJECT_MATVIEW || actual == OBJECT_SEQUENCE) stmt->objectType = *actual;
}

}  // namespace pgfence::analyze::model
