#pragma once
// A pull request that edits a function's body in a merged migration changes what an unchanged,
// merged `SELECT cleanup()` elsewhere runs: that call is new though its file is not. The merged
// migrations that call a function a changed file defines are reviewed with the changed files
// (as modified files with no added line), so the call's findings come from the new body and,
// compared with the base's analysis of the same file, are new when the body's are.
#include <cstdint>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/base/error.hpp"
#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// The names (lower case, unqualified) of the functions and procedures `text` creates, as SQL text.
[[nodiscard]] std::vector<std::string> defined_functions(std::string_view text);

// The same for the migration at `path` as pgfence reads it: the functions its statements create,
// in an ORM script's strings and in the EXECUTE bodies pgfence folds too (red team R82b B8: a
// knex `k.raw("CREATE OR REPLACE FUNCTION f() ...")`, `DO $d$ BEGIN EXECUTE $e$CREATE ...$e$; END $d$`),
// and those of its raw text.
[[nodiscard]] std::vector<std::string> defined_functions(const std::string& path, std::string_view text, const analyze::AnalyzeOptions& options);

// Adds to `changes` the migrations of the merge base (selected by `globs`, empty: the defaults)
// that the pull request leaves unchanged and that call a function the changed files define, at
// the merge base or the head (read with `options`). Returns their paths.
[[nodiscard]] analyze::Result<std::vector<std::string>> add_callers(const diff::Repository& repo, diff::ChangeSet& changes,
                                                                  const std::vector<std::string>& globs, const analyze::AnalyzeOptions& options);

}  // namespace pgfence::bot
