#pragma once
// Shared by the schema-change rules (registry_schema.cpp): reading ALTER TABLE subcommands,
// slicing the user's own SQL text out of a statement, PostgreSQL's default constraint names,
// and the migrations that recur in their recipes (batched backfill, the NOT NULL dance).
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/facts.hpp"
#include "analyze/parse/function_ref.hpp"
#include "analyze/model/findings.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules::schema {

// ---- reading statements ----

// The lock the statement takes on `table` when the table existed before this migration.
[[nodiscard]] const LockFact* existing_table_lock(const StatementFacts& statement, const std::string& table);
// A rewrite or scan on `relation` whose reason begins with `clause` (e.g. "ADD COLUMN age").
[[nodiscard]] const TableEffect* effect_for(const std::vector<TableEffect>& effects, const std::string& relation,
                                            const std::string& clause);
// The part of an effect's reason after "<clause>: ", which says why.
[[nodiscard]] std::string effect_detail(const TableEffect& effect);
// An ALTER TABLE of a table that existed before this migration.
struct AlteredTable {
    const AlterTableStmt* stmt;
    const RangeVar* relation;
    const std::string& table;  // as written
    const LockFact& lock;  // the statement's lock on it
};
// What the statement must do to the table before a rule reads its subcommands.
enum class TableEffectNeeded { none, scan, rewrite };
// Calls fn(table, subcommand) for each subcommand, in order, when the statement is an ALTER
// TABLE of an existing table with the `needed` effect on it.
void each_alter_cmd(const StatementContext& ctx, TableEffectNeeded needed,
                    FunctionRef<void(const AlteredTable& table, const AlterTableCmd* cmd)> fn);
// One ADD COLUMN subcommand.
struct AddedColumn {
    const AlterTableCmd* cmd;
    const ColumnDef* def;
    std::string col;  // the column's name, quoted
    const TableEffect* rewrite = nullptr;  // the rewrite this column causes, if the facts name one
};
// each_alter_cmd, for the ADD COLUMN subcommands only.
void each_added_column(const StatementContext& ctx, TableEffectNeeded needed,
                       FunctionRef<void(const AlteredTable& table, const AddedColumn& column)> fn);

// Each ADD CONSTRAINT of `contype` (CONSTR_UNIQUE, CONSTR_PRIMARY, CONSTR_EXCLUSION) that builds
// its own index (no USING INDEX) in an ALTER TABLE that scans a table existing before the
// migration: fn(the statement, the constraint, the table as written, its lock).
void each_index_building_constraint(
    const StatementContext& ctx, ConstrType contype,
    FunctionRef<void(const AlterTableStmt* stmt, const Constraint* con, const std::string& table,
                             const LockFact& lock)> fn);

// A UNIQUE or PRIMARY KEY constraint that builds its own index, already reported.
struct UniqueIndexBuild {
    const AlterTableStmt* stmt;
    const Constraint* con;
    const std::string& table;
    std::string index;     // the index's name, quoted
    Finding& finding;      // its recipe holds the CREATE UNIQUE INDEX CONCURRENTLY migration
};
// For each_index_building_constraint of `contype`: reports "<label> <index> on <table> builds its
// index ..." with a recipe that starts by building the index concurrently; fn adds the rule's
// fix, summary and the migrations that attach the index.
void report_unique_index_builds(const StatementContext& ctx, Sink& sink, ConstrType contype,
                                std::string_view label, FunctionRef<void(const UniqueIndexBuild& build)> fn);

// The column form, ALTER TABLE ... ADD COLUMN c ... UNIQUE / PRIMARY KEY on an existing table: the
// index is built under the ALTER TABLE's lock all the same. Reports "<label> <index> on <table>
// (ADD COLUMN c) builds its index ..." with a fix that adds the column first; no recipe (the
// column's definition is the user's to split).
void report_column_index_builds(const StatementContext& ctx, Sink& sink, ConstrType contype, std::string_view label);

// A relation or type name as written: schema "" when not written.
struct QualifiedName {
    std::string schema;
    std::string name;
};
[[nodiscard]] QualifiedName name_of_range_var(const RangeVar* range_var);
[[nodiscard]] QualifiedName name_of_list(const List* names);  // of String nodes
// Same object, when the schemas agree or one of them is not written.
[[nodiscard]] bool same_name(const QualifiedName& a, const QualifiedName& b);
// The name as SQL writes it: "schema"."name", each part quoted where PostgreSQL needs it.
[[nodiscard]] std::string shown(const QualifiedName& name);

// ---- slicing the user's SQL ----

// Index of the first top-level ',' at or after `from` (quotes, dollar quotes and parentheses
// respected), or the end of `sql`.
[[nodiscard]] std::size_t clause_end(std::string_view sql, std::size_t from);

// One column definition of ADD COLUMN cut into the pieces the user wrote.
struct ColumnPiece {
    enum class Kind { type, collate, constraint } kind = Kind::constraint;
    ConstrType contype = CONSTR_NULL;  // for constraints
    std::string text;                  // as written, trimmed
    const Constraint* node = nullptr;  // for constraints
    // A constraint of that type.
    [[nodiscard]] bool is(ConstrType type) const { return kind == Kind::constraint && contype == type; }
};
// Constraint types a recipe keeps or handles itself.
using ConstrTypes = std::vector<ConstrType>;
struct ColumnText {
    std::string name;  // as PostgreSQL stores it
    std::vector<ColumnPiece> pieces;  // in the order written
};
[[nodiscard]] ColumnText column_text(std::string_view sql, const ColumnDef* column_def);
// "name type [COLLATE ...] [pieces kept...]" keeping pieces whose contype is in `keep`.
[[nodiscard]] std::string column_sql(const ColumnText& column, const ConstrTypes& keep,
                                     std::string_view type_override = {});
// The first constraint of a ColumnDef with contype `type`, or nullptr.
[[nodiscard]] const Constraint* column_constraint(const ColumnDef* column_def, ConstrType type);
// The text of the pieces of `column` that a recipe leaves out (for a comment), "" if none.
[[nodiscard]] std::string dropped_pieces(const ColumnText& column, const ConstrTypes& handled);
// "bigint" for bigserial, "integer" for serial, "smallint" for smallserial; "" otherwise.
[[nodiscard]] std::string serial_base_type(const ColumnDef* column_def);
// The column's DEFAULT constraint unless it is DEFAULT NULL, else nullptr.
[[nodiscard]] const Constraint* real_default(const ColumnDef* column_def);
// "ALTER TABLE <table> ADD COLUMN [IF NOT EXISTS ]<column>", keeping the IF NOT EXISTS of `cmd`.
[[nodiscard]] std::string add_column_sql(const std::string& table, const AlterTableCmd* cmd, const std::string& column);
// How a recipe tells to add the constraints it leaves out of the column.
enum class LaterConstraints { separately, through_unique_index };
// "\n-- Add the column's other constraints (...) ..." for the pieces of `column` not in
// `handled` (see dropped_pieces), or "" when none are left out.
[[nodiscard]] std::string later_constraints_note(const ColumnText& column, const ConstrTypes& handled,
                                                 LaterConstraints how);
// "-- ..." line saying the statement's other subcommands are not repeated, or "".
[[nodiscard]] std::string others_note(const AlterTableStmt* stmt);
// A dollar-quote tag ($$, $fn$, ...) that does not occur in `body`.
[[nodiscard]] std::string dollar_tag(std::string_view body);
// Default expression text of a DEFAULT piece ("DEFAULT gen_random_uuid()" -> "gen_random_uuid()").
[[nodiscard]] std::string default_expression(const ColumnPiece& piece);

// Expression text with every column reference written as `prefix` + its column: "NEW." for a
// trigger body, "" for an UPDATE of the table itself. A table-qualified reference (`users.a`,
// `app.users.a`) loses its qualifier, which means nothing in either place (in a trigger it is
// "missing FROM-clause entry"). `expr_text` starts at offset `expr_begin` of the statement;
// `expr` is its parse tree.
[[nodiscard]] std::string prefix_columns(std::string_view expr_text, std::size_t expr_begin, const pg::Node* expr,
                                         std::string_view prefix);
// Distinct names of the columns an expression reads.
[[nodiscard]] std::vector<std::string> referenced_columns(const pg::Node* expr);

// ---- names ----

// object_name (PostgreSQL's makeObjectName) is in analyze/names.hpp.
// Name of the CHECK (column IS NOT NULL) that stands in for NOT NULL while it is validated.
[[nodiscard]] std::string not_null_check_name(const std::string& relname, const std::string& column);
// "schema." of a RangeVar (quoted), or "".
[[nodiscard]] std::string schema_prefix(const RangeVar* range_var);
// A string literal naming a relation for regclass arguments: 'app."Users_seq"'.
[[nodiscard]] std::string regclass_literal(const std::string& qualified);

// PostgreSQL's name for a UNIQUE/PRIMARY KEY constraint's index: <table>_<cols>_key, <table>_pkey.
[[nodiscard]] std::string constraint_index_name(const std::string& relname, const Constraint* con);

// ---- recipe pieces ----

// CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS that builds the index a UNIQUE or PRIMARY KEY
// constraint would build (columns, INCLUDE, NULLS NOT DISTINCT, WITH, tablespace as written).
[[nodiscard]] std::string unique_index_sql(std::string_view sql, const Constraint* con, const std::string& index,
                                           const std::string& table);
// " DEFERRABLE INITIALLY DEFERRED" as the constraint says, or "".
[[nodiscard]] std::string deferrable_clause(const Constraint* con);

// Out-of-band batched backfill of `column` with `value`, as comments: UPDATE in batches of
// rows still NULL (or matching `pending`, an SQL condition), one transaction per batch.
[[nodiscard]] RecipeStep backfill_step(const std::string& table, const std::string& column, const std::string& value,
                                       const std::string& pending = "");
// Appends the migrations that make `columns` NOT NULL without a long ACCESS EXCLUSIVE scan:
// CHECK (c IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT; SET NOT NULL (proved by the CHECK
// from PostgreSQL 12); DROP CONSTRAINT. `finish` runs in the last migration, after SET NOT NULL.
// `number` is the next migration's number and is advanced.
void add_not_null_steps(Recipe& recipe, int& number, const std::string& table, const std::string& relname,
                        const std::vector<std::string>& columns, int pg_version, const std::string& finish = "");
// "Migration <n>" and advances n.
[[nodiscard]] std::string migration_title(int& number, std::string_view suffix = {});

}  // namespace pgfence::analyze::rules::schema
