#pragma once
// Typed tables (issue 53, red team h1 item 15). `CREATE TABLE people OF person` makes a table whose
// columns are the composite type's attributes; `ALTER TYPE person RENAME ATTRIBUTE age TO years
// CASCADE`, `... DROP ATTRIBUTE age CASCADE`, `... ALTER ATTRIBUTE age TYPE bigint CASCADE` and
// `... ADD ATTRIBUTE ... CASCADE` change each such table as the matching ALTER TABLE would
// (src/backend/commands/tablecmds.c: ATTypedTableRecursion runs the subcommand on every typed table
// of the type, renameatt_internal recurses through find_typed_table_dependencies; without CASCADE
// PostgreSQL refuses: "cannot alter type ... because it is the type of a typed table"). The
// catalog remembers each typed table and each composite type's statement (as Catalog object uses,
// under keys no name can have), across files and --history; the lock model then takes each typed
// table's lock with a reason starting k_typed_table_reason, and the rules (rename-column,
// drop-column, alter-column-type-rewrite) judge those tables as they judge an ALTER TABLE.
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/model.hpp"
#include "analyze/model/typed_table_note.hpp"

namespace pgfence::analyze::model {

// CREATE TYPE name AS (...): its statement, kept so that a later CREATE TABLE ... OF it gets its columns.
void remember_composite_type(const CompositeTypeStmt* stmt, const StatementFacts& facts, Context& ctx);
// The types a composite type's attributes have (CREATE TYPE ... AS, ALTER TYPE ... ADD ATTRIBUTE)
// or a range's subtype, for the domain CHECKs a value converted to it runs (Catalog::add_type_parts).
void remember_type_parts(const pg::Node* stmt, Context& ctx);
// CREATE TABLE t OF type, after the table is in the catalog: t is remembered as a typed table of
// type, and given the type's attributes as columns where its statement is known.
void remember_typed_table(const CreateStmt* stmt, Context& ctx);
// The typed tables of composite type `type` (relnames) that the catalog still holds.
[[nodiscard]] std::vector<std::string> typed_tables_of(const Context& ctx, const std::string& type);
[[nodiscard]] std::vector<std::string> typed_tables_of(const Catalog& catalog, const std::string& type);

// ALTER TYPE t ADD | DROP ATTRIBUTE: the columns of existing tables whose type is t (or t[]), in a
// note (k_composite_columns_note). PostgreSQL changes their values' shape in place, with no lock on
// those tables and no rewrite (checked on PostgreSQL 15): after ADD ATTRIBUTE a literal or ROW()
// of the old field count fails ("malformed record literal", "Input has too few columns"); DROP
// ATTRIBUTE removes the field's data from every row.
void note_composite_columns(const AlterTableStmt* stmt, StatementFacts& facts, const Context& ctx);
// The same note on ALTER TYPE ... RENAME ATTRIBUTE: the running code's reads of the field by its
// old name ((col).a, in SQL and in function bodies) fail "column ... not found in data type".
void note_renamed_attribute_columns(const RenameStmt* stmt, StatementFacts& facts, const Context& ctx);

// ALTER TYPE ... RENAME ATTRIBUTE a TO b CASCADE: each typed table's column is renamed, under ACCESS EXCLUSIVE.
void rename_typed_columns(const RenameStmt* stmt, StatementFacts& facts, Context& ctx);

}  // namespace pgfence::analyze::model
