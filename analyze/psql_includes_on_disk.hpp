#pragma once
// psql includes of a migration on disk (issue #53, red team I1): psql runs the included file's SQL
// where `\i` / `\ir` / `\include` / `\include_relative` stands. analyze follows the file an include
// names when it is a regular file reached through no link inside --confine-to
// (tool_dir_inputs.cpp); one it does not follow is an unknown statement where the including file
// is analysed, and history replays a followed one in the include's place.
#include <string>
#include <string_view>

#include "analyze/analyzer.hpp"
#include "analyze/migrations/conventions.hpp"

namespace pgfence::analyze {

// The folder psql runs in, which `\i` names files against: AnalyzeOptions::run_folder, else the
// working directory; absolute and normal.
[[nodiscard]] std::string psql_run_folder(const AnalyzeOptions& options);

// Whether analyze follows an include to `file` (absolute): a regular file reached through no link,
// inside --confine-to.
[[nodiscard]] bool include_followed(const std::string& file, const AnalyzeOptions& options);

// Each include of `source` (the SQL file at `path`, on disk or at the same path below the working
// directory) that analyze does not follow (tools::unfollowed_psql_includes, include_followed):
// blanked in source.text, so the SQL after it is the statement psql sends next, and a refusal
// (an unknown statement) at its line saying what was not followed.
void refuse_unfollowed_includes(const std::string& path, PreparedSource& source, const AnalyzeOptions& options);

// Each `\c` / `\connect` of `source` at a statement's start (psql connects to another database
// there, and the statements after it run in that one): blanked in source.text, as psql sends the
// server nothing for it, and a refusal (an unknown statement) at its line saying so. A migration
// tool that sends the file's text would fail on the backslash; psql, which runs such a file (a
// container's init script), does not.
void refuse_psql_connects(PreparedSource& source);

// In a SQL file no migration tool claims (a container's init script, which psql runs: the
// postgres image's docker-entrypoint.sh runs /docker-entrypoint-initdb.d/*.sql with `psql -f`),
// the other meta-commands psql carries out: a setting at a statement's start (`\set
// ON_ERROR_STOP on`) is blanked; `\g` and its kin end the statement before them (psql sends its
// query buffer); every other one (`\gexec`, which runs each value the query returns as a
// statement, `\if`, `\!`) is a refusal (an unknown statement) at its line. Not for a migration
// tool's file: the tool sends the text to the server, where the backslash is a syntax error
// (stranger review 84 FP-6: Unleash's init-unleash.sql failed the run with 4 syntax errors).
void refuse_psql_meta_commands(PreparedSource& source);

// `text` (the SQL file at `path`, on disk) as psql runs it: each include at a statement's start
// replaced by the included file's SQL, found as analyze follows the includes it analyses
// (include_followed, within --max-file-size; `\i` against run_folder), its own
// includes the same way (at most 256 files in all, none inside itself); every other psql
// meta-command blanked as without_psql_meta_commands does. `unfollowed` is set when an include
// was not followed, or another meta-command changes what runs (psql_meta.hpp).
[[nodiscard]] std::string with_psql_includes(const std::string& path, std::string_view text, const AnalyzeOptions& options,
                                             bool& unfollowed);

}  // namespace pgfence::analyze
