#pragma once
// `pgfence analyze` and graphile-migrate (tools/graphile_settings.hpp): its settings file in the
// folder it runs in, whose actions run unseen and whose placeholders are put into the migrations.
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/migrations/graphile_settings.hpp"

namespace pgfence::analyze::tools {

// The graphile-migrate projects of the working directory and of each folder of `inputs` (the first
// of .gmrc, .gmrc.js, .gmrc.cjs there, as getSettings takes it); each settings file with a line
// pgfence cannot follow is added to `unknown` as a report with those lines unknown.
[[nodiscard]] std::vector<GraphileProject> read_graphile_projects(const std::vector<std::string>& inputs, const AnalyzeOptions& options,
                                                                  std::vector<FileReport>& unknown);

}  // namespace pgfence::analyze::tools
