#pragma once
// psql meta-commands in a file psql runs that only set how psql prints and reports (issue #53):
// psql carries them out itself and sends the server nothing, so they change neither the SQL that
// runs nor what it locks. A script commonly opens with `\set ON_ERROR_STOP on`, `\timing on` or
// `\pset pager off`; read as SQL they would not parse. Checked with psql 15 against
// postgres/postgres src/bin/psql/command.c and variables.c (a special variable's hook refuses any
// value but its own words, so `\set ECHO x` leaves ECHO as it was).
#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/migrations/psql_includes.hpp"

namespace pgfence::analyze::tools {

// Whether the meta-command `m` of `text` (each_meta_command) is one of them:
//   \echo, \qecho, \warn, \pset (any arguments), \timing, \x (at most one word), \conninfo,
//   \encoding with no argument (with one it sets the client encoding, which changes how the
//   server reads the bytes that follow), and `\set NAME [WORD]` for ON_ERROR_STOP, ECHO, QUIET,
//   VERBOSITY and SHOW_CONTEXT, unless the file interpolates NAME (`:NAME`).
// Never one whose line holds another backslash (`\\` ends its arguments and the rest of the line
// is SQL again; a second meta-command may follow) or a backquote (psql runs the command between
// backquotes in a shell), nor one whose name runs on into digits or other characters psql reads
// as part of it (`\timing1` is no command). ON_ERROR_STOP decides whether psql goes on after an
// error, not what a statement locks: pgfence reads every statement of the file as run either way.
[[nodiscard]] bool psql_setting_only(std::string_view text, const MetaCommand& m);

// The meta-commands of `text` that start a statement (nothing in psql's query buffer) and are
// psql_setting_only: [begin, end) of each, in order.
[[nodiscard]] std::vector<std::pair<std::size_t, std::size_t>> psql_setting_lines(std::string_view text);

}  // namespace pgfence::analyze::tools
