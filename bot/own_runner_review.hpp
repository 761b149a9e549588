#pragma once
// `pgfence pr` and a change to the project's own migration runner (review87 miss 1): a program a
// script named to migrate runs (`db:migrate:deploy: node ./dist/scripts/apply-migrations.js`,
// analyze/migrations/deploy_commands.hpp own_runner_programs), the TypeScript source a built one
// is built from, and the repository modules they load (relative imports, followed). pgfence does
// not model such a program: a pull request that changes one is an unknown statement at line 1 of
// each changed file ("the project's own runner changed"), never a pass with 0 files.
#include <set>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/base/error.hpp"
#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// Appends to `added` a report for each such changed file not in `listed` (which it extends).
[[nodiscard]] analyze::Result<bool> add_own_runner_reports(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                           const analyze::AnalyzeOptions& options, std::set<std::string>& listed,
                                                           std::vector<analyze::FileReport>& added);

}  // namespace pgfence::bot
