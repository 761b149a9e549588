#pragma once
// psql's variable interpolation in the SQL it sends (red team R68 B24): outside quotes, comments
// and dollar quotes, psql replaces `:name` by the variable's value, `:'name'` by it as a literal and
// `:"name"` as an identifier, and reads the result as SQL again (postgres/postgres
// src/bin/psql/psqlscan.l: the rules `:{variable_char}+`, `:'{variable_char}+'`,
// `:\"{variable_char}+\"`; `::` is a cast). Where libpg_query reads an array slice
// `[1:LAST_ERROR_MESSAGE]`, psql sends the text of the last error. psql sets variables itself
// (LAST_ERROR_MESSAGE, ROW_COUNT, ...), a psqlrc and `\set` set others: the value is psql's, not the
// file's.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze {

struct PsqlVariableUse {
    std::size_t offset = 0;  // of the colon
    std::string name;
    std::string written;     // ":name", ":'name'" or ":\"name\""
};

// The variable references psql would interpolate in `text`, in order. A name of digits only
// (`[1:2]`) is left out: no psql variable is so named unless the file or command line makes one.
// A backslash outside quotes starts a meta-command, whose line is psql's (psql_meta.hpp): skipped.
[[nodiscard]] std::vector<PsqlVariableUse> psql_variable_uses(std::string_view text);

}  // namespace pgfence::analyze
