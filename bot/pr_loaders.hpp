#pragma once
// A pull request that changes only a helper module a merged migration loads (`require("../lib/helper")`,
// `import { drop } from "../lib/sql"`) changes what that unchanged migration runs on every database
// that has not run it yet (a fresh deploy, CI): pgfence follows the helper when it analyses the
// migration, so the migration is reviewed with the pull request, as a merged call of a function the
// pull request redefines is (bot/pr_callers.hpp), and its findings come from the new helper.
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/base/error.hpp"
#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// Adds to `changes` the JavaScript/TypeScript migrations of the merge base (selected by `globs`,
// empty: the defaults) that the pull request leaves unchanged and that load, through relative
// imports at the head (directly or through other repository modules), a script file the pull
// request changes; when it changes a tsconfig*.json or jsconfig*.json, those that import a bare
// name a path alias resolves (in the head's checkout) to repository code, or not agreed on; every line new (what the new helper makes them run is the pull request's).
// Returns their paths.
[[nodiscard]] analyze::Result<std::vector<std::string>> add_loaders(const diff::Repository& repo, diff::ChangeSet& changes,
                                                                  const std::vector<std::string>& globs, const analyze::AnalyzeOptions& options);

}  // namespace pgfence::bot
