#pragma once
// CREATE OR REPLACE VIEW of a view whose old query the migrations show: may the new query return
// fewer rows than the old one (analyze/model/create.cpp notes it, view-returns-no-rows reports it)?
// An allowlist: the new query keeps the old one's rows when its FROM, WHERE, GROUP BY, HAVING,
// DISTINCT, LIMIT, OFFSET and WITH are the old ones (PostgreSQL's equal(), which ignores where in
// the text a node was), a WHERE, HAVING, DISTINCT, LIMIT or OFFSET removed, a WHERE that is
// literally true, or LEFT JOINs added around the old FROM; any other change may drop rows, and
// which ones is not judged.
#include <string>
#include <string_view>

#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze {

// "" when the new query keeps every row the old one returned, else what changed ("it adds a
// WHERE", "its FROM changed"). `old_sql` is the statement that made the old query (a CREATE [OR
// REPLACE] VIEW, or a CREATE SCHEMA holding one) of view `relname`.
[[nodiscard]] std::string view_rows_change(std::string_view old_sql, std::string_view relname, const pg::Node* new_query);
// The same with the old statement parsed already (`old_stmt`, null when it does not parse).
[[nodiscard]] std::string view_rows_change(const pg::Node* old_stmt, std::string_view relname, const pg::Node* new_query);

}  // namespace pgfence::analyze
