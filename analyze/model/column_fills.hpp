#pragma once
// Column fills (ColumnFill, analyze/catalog.hpp): which columns every row holds one constant in,
// as the statements replayed and analysed so far set them, and what forgets them. A WHERE that
// tests the constant then holds for every row the fill reached (EveryRow, model/dml.cpp).
#include <optional>
#include <string>

#include "analyze/model/model.hpp"

namespace pgfence::analyze::model {

// After statement `stmt` (its facts, at `line` of the catalog's current source) was modelled:
// records the fills it makes (ADD COLUMN ... DEFAULT <constant>, UPDATE without WHERE setting a
// column to a constant) and forgets those it may break (a write of the column otherwise, rows
// added to the table, code the model cannot see). `stmt` null: a statement that did not parse.
void track_fills(const pg::Node* stmt, const StatementFacts& facts, Context& ctx, int line);

// `expr` as the SQL text of a constant a column of canonical type `type` holds exactly as written
// ('eu', 42, true): a literal, cast to nothing but the column's own type; nullopt for anything
// else, and for types whose literals can mean another value later or once stored (dates and times,
// a type modifier that rounds or truncates).
[[nodiscard]] std::optional<std::string> fill_constant(const pg::Node* expr, const std::string& type, const Catalog& catalog);

}  // namespace pgfence::analyze::model
