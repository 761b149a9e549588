#pragma once
// A migration the base branch has that a pull request deletes or renames: it has run in
// production, so what it made is there whatever the repository now says (issue #53).
// `pgfence pr` keeps its base version in the history the pull request's migrations are analysed
// on (analyze_history.cpp base_history) and reports the deletion or rename itself, HIGH
// (migration-tool-settings-changed): the tool's record of it no longer matches the files.

#include "analyze/analyzer.hpp"
#include "diff/change_set.hpp"

namespace pgfence::bot {

// Whether `change` deletes a migration the base branch has, or renames one away from its base
// path (a file moved in from outside the migration folders never ran as one); a down half is none.
[[nodiscard]] bool removes_base_migration(const diff::ChangedFile& change);

// The finding at the base path: what the pull request does to it and what the tools then do.
[[nodiscard]] analyze::FileReport removed_migration_report(const diff::ChangedFile& change,
                                                           const analyze::AnalyzeOptions& options);

}  // namespace pgfence::bot
