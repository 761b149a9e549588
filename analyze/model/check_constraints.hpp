#pragma once
// CHECK constraints as the catalog keeps them (CheckInfo, analyze/model/catalog.hpp): the columns
// each names, which ALTER COLUMN ... TYPE checks again, and whether one rejects a column's
// constant default.
#include <optional>
#include <string>
#include <string_view>

#include "analyze/model/catalog.hpp"
#include "analyze/model/facts.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze::model {

struct Context;

// CHECK `con` as the catalog keeps it: validated unless NOT VALID, the columns it names, and its
// expression when it is made only of what check_rejects can evaluate (constants, the columns,
// comparisons, IN, BETWEEN, IS [NOT] NULL, AND, OR, NOT, length()), written back as SQL.
[[nodiscard]] CheckInfo check_info(const Constraint* con);

// The name PostgreSQL gives an unnamed CHECK of `table` (AddRelationNewConstraints:
// ChooseConstraintName(table, the column when the expression names one, "check")), with a number
// while `rel` has a CHECK of that name.
[[nodiscard]] std::string unnamed_check_name(const RelationInfo* rel, const std::string& table, const CheckInfo& check);

// Which CHECK of `rel` makes an INSERT that gives `column` (of canonical type `type`) the
// constant `value` and leaves its other columns alone fail: one that names that column alone and,
// evaluated on the value, is false (neither true nor NULL). Only CHECKs it can evaluate count;
// nothing when none is known to reject it. Returns the CHECK's name.
[[nodiscard]] std::optional<std::string> check_rejects(const RelationInfo& rel, const std::string& column, const std::string& type,
                                                       const pg::Node* value);

// A CHECK (col IS NOT NULL) of `rel` that was added NOT VALID and validated since: it proves the
// column has no NULL even when the catalog does not know the column itself.
[[nodiscard]] bool validated_not_null_check(const RelationInfo* rel, const std::string& col);

// After ALTER TABLE `stmt` of `relname` was modelled: for each constant default it gives a
// column (ADD COLUMN ... DEFAULT, ALTER COLUMN ... SET DEFAULT) that a CHECK of the table, as the
// statement leaves them, rejects, the note k_default_rejected_note.
void note_rejected_defaults(const AlterTableStmt* stmt, const std::string& relname, StatementFacts& facts, const Context& ctx);

// The note on ALTER COLUMN c TYPE t (`where`) that keeps the rows: PostgreSQL drops and re-adds
// each validated CHECK that names c (ATPostAlterTypeCleanup), and a re-added CHECK reads every
// row (checked on PostgreSQL 15 with a CHECK calling a function that raises a NOTICE per row):
// "<where>: checks every row again for CHECK <names> on c".
inline constexpr std::string_view k_recheck_marker = ": checks every row again for CHECK ";
// The note on a constant column default (ADD COLUMN ... DEFAULT, SET DEFAULT) that a CHECK of the
// table rejects: "<this><column> <value>: <check>", the column quoted, the value as written, and
// k_not_valid after the CHECK when it is NOT VALID (the existing rows are not checked against it).
inline constexpr std::string_view k_default_rejected_note = "a CHECK of the table rejects the default of ";
inline constexpr std::string_view k_not_valid = " (NOT VALID)";

}  // namespace pgfence::analyze::model
