#pragma once
// The object a RENAME acts on, by the name's relation in the catalog, not by the keyword (issue 53,
// red team h1 item 9). PostgreSQL lets ALTER TABLE and, for RENAME, ALTER INDEX name any relation
// (postgres/postgres src/backend/commands/tablecmds.c RangeVarCallbackForAlterRelation: "We allow
// similar flexibility for ALTER INDEX in the case of RENAME"), and RENAME COLUMN checks only that
// the relation has columns (RangeVarCallbackForRenameAttribute): `ALTER INDEX users RENAME TO
// users_old` renames the table users, `ALTER FOREIGN TABLE orders RENAME COLUMN total TO amount`
// a plain table's column. ALTER SEQUENCE, VIEW, MATERIALIZED VIEW and FOREIGN TABLE ... RENAME TO
// fail on another kind, and are left as written.
#include "analyze/model/model.hpp"

namespace pgfence::analyze::model {

// Rewrites `stmt`'s renameType (RENAME TO under ALTER TABLE or ALTER INDEX) or relationType
// (RENAME COLUMN) to the kind of the relation the catalog knows under its name, so the lock model
// and the rename rules judge what PostgreSQL renames. A name the catalog does not know is left.
void rename_by_catalog_kind(RenameStmt* stmt, const Context& ctx);

// ALTER TABLE ... SET SCHEMA of a view, materialized view or sequence: PostgreSQL moves it
// (AlterTableNamespace looks the name up through RangeVarCallbackForAlterRelation, which lets ALTER
// TABLE name most relation kinds; ALTER INDEX, SEQUENCE, VIEW and MATERIALIZED VIEW ... SET SCHEMA
// fail on another kind). Rewrites `stmt`'s objectType to the kind the catalog knows, so rename-view
// and rename-table judge what moves. A name the catalog does not know is left.
void set_schema_by_catalog_kind(AlterObjectSchemaStmt* stmt, const Context& ctx);

}  // namespace pgfence::analyze::model
