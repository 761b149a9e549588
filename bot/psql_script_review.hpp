#pragma once
// pr's review of a changed Python or Ruby script (or another interpreter's) whose psql runs
// analyze reads (tools/psql_scripts.hpp; red team R89b F3): they are unknown in `analyze`, so a
// pull request that changes one is reviewed as a command file is.
#include <optional>
#include <string_view>

#include "analyze/analyzer.hpp"
#include "analyze/migrations/tool_dirs.hpp"
#include "diff/change_set.hpp"

namespace pgfence::bot {

// The report of `file` (changed, `text` at the head) when psql_scripts reads a psql run in it that
// is unknown (SQL given with -c, a computed file): each on a changed line, every one when the file
// is new to the pull request, and every one whose file is computed (a change anywhere in the script
// may change it). The SQL files its runs name are migrations already (pr's psql_runs_at). nullopt
// when there is none.
[[nodiscard]] std::optional<analyze::FileReport> psql_script_report(const diff::ChangedFile& file, std::string_view text,
                                                                   const analyze::tools::ReadFile& read, const analyze::AnalyzeOptions& options);

}  // namespace pgfence::bot
