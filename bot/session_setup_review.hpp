#pragma once
// `pgfence pr` and the settings that set up the migration tool's connections
// (analyze/migrations/session_setup.hpp): a line the pull request adds or changes, in any
// configuration, script or CI file, that gives connections session settings (libpq options,
// PGOPTIONS, standard_conforming_strings, a non-UTF8 client encoding) or runs code on each new one
// (a pool hook, an init SQL) is an unknown statement: what the migrations then run under is not
// what pgfence parsed them under.
#include <set>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/base/error.hpp"
#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// Appends to `added` those files (not already in `listed`, which it extends).
[[nodiscard]] analyze::Result<bool> add_session_setup_reports(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                              const analyze::AnalyzeOptions& options, std::set<std::string>& listed,
                                                              std::vector<analyze::FileReport>& added);

}  // namespace pgfence::bot
