#pragma once
// psql includes in a migration replayed as history from disk (issue #53, red team I1): psql runs
// the included file's SQL where `\i` / `\ir` / `\include` / `\include_relative` stands, so what
// it creates exists for the migrations after it.
#include <string>
#include <string_view>

#include "analyze/analyzer.hpp"

namespace pgfence::analyze {

// `text` (the SQL file at `path`, on disk) as psql runs it: each include at a statement's start
// replaced by the included file's SQL, found as analyze follows the includes it analyses
// (tool_dir_inputs.cpp: tools/psql_includes.hpp's file, a regular file reached through no link,
// inside --confine-to, within --max-file-size; `\i` against the working directory), its own
// includes the same way (at most 256 files in all, none inside itself); every other psql
// meta-command blanked as without_psql_meta_commands does. `unfollowed` is set when an include
// was not followed, or another meta-command changes what runs (psql_meta.hpp).
[[nodiscard]] std::string with_psql_includes(const std::string& path, std::string_view text, const AnalyzeOptions& options,
                                             bool& unfollowed);

}  // namespace pgfence::analyze
