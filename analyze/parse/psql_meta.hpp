#pragma once
// psql meta-commands in a migration replayed as history (issue #53).

#include <string_view>

namespace pgfence::analyze {

// Whether `text` holds a psql meta-command that changes what runs and that history replay does
// not follow: `\i`, `\ir`, `\include`, `\include_relative` (psql reads another file's SQL
// there), `\gexec`, `\copy`, `\connect`, `\if`, `\!` and any other but the few that only print or
// set psql's own variables (`\set`, `\unset`, `\echo`, `\qecho`, `\warn`, `\pset`, `\timing`,
// `\encoding`, pg_dump's `\restrict` and `\unrestrict`). without_psql_meta_commands drops them
// all; after one of these the replayed schema is not known whole: a table the included file made
// may exist.
[[nodiscard]] bool has_unfollowed_psql_meta_command(std::string_view text);

// Whether the meta-command `name` (without its backslash) only prints or sets psql's own state.
[[nodiscard]] bool psql_meta_command_harmless(std::string_view name);

}  // namespace pgfence::analyze
