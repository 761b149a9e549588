#pragma once
// `pgfence pr` and other databases' migration sets (analyze/tools/other_database.hpp): the base
// commit's files decide which sets are another database's, so a pull request cannot take its own
// migrations out of the review; a pull request that adds or changes a marker so that a set the base
// analysed as PostgreSQL would be set aside is itself reported (migration-tool-settings-changed).
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/base/error.hpp"
#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// Whether a migration path of `commit` is in another database's set, read from `commit`'s files.
[[nodiscard]] std::function<bool(std::string_view)> other_database_at(const diff::Repository& repo, const std::string& commit,
                                                                      std::uint64_t max_bytes);

// Takes out of `changes` the changed migrations whose set the merge base's files say is another
// database's: one skipped report per set. Adds one migration-tool-settings-changed report per marker
// the pull request adds or changes so that a set would be set aside that the base did not.
// The paths of the changed files set aside are added to `aside` (when given): reported, so no
// later check counts them as unseen.
[[nodiscard]] analyze::Result<std::vector<analyze::FileReport>> set_aside_other_databases(const diff::Repository& repo,
                                                                                          diff::ChangeSet& changes,
                                                                                          const analyze::AnalyzeOptions& options,
                                                                                          std::set<std::string>* aside = nullptr);

}  // namespace pgfence::bot
