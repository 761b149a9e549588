#pragma once
// A PL/pgSQL trigger function's body as PostgreSQL's PL/pgSQL parser reads it, for the checks that
// look at what it does whatever the row (plpgsql.cpp trigger_returns_null_always,
// plpgsql_overwrite.cpp trigger_overwrites_new). libpg_query does not compile a function RETURNS
// trigger, so the body is read as function_calls.cpp reads one: inside an outer block that
// declares NEW, OLD and TG_*.
#include <string>
#include <string_view>
#include <vector>

#include "analyze/parse/json_access.hpp"
#include "analyze/parse/pg_parser.hpp"

namespace pgfence::analyze {

// The top-level statements of the body's block (held by `parsed`); null when it does not parse, is
// not one block, or has an exception handler.
[[nodiscard]] const Node* trigger_body_statements(std::string_view body, ParsedStatement& parsed);

// The SQL statements at the top level of a PL/pgSQL body (a DO block's), in order, as their text:
// not those under IF, a loop or CASE; none when the body does not parse or has an exception handler
// (rules/integrity-not-enforced.cpp: a replacement a DO block certainly makes).
[[nodiscard]] std::vector<std::string> body_top_level_sql(std::string_view body);

}  // namespace pgfence::analyze
