#pragma once
// What `analyze --stats-file` calls after analysis: load the snapshot, run the size pass.
#include <string>

#include "analyze/error.hpp"
#include "analyze/facts.hpp"
#include "stats/size_risk.hpp"

namespace pgfence::stats {

// An unreadable or unsupported snapshot is an Error naming the file; the report is then unchanged.
[[nodiscard]] analyze::Result<SizeSummary> apply_stats_file(analyze::Report& report, const std::string& path,
                                                            const SizeOptions& options);

}  // namespace pgfence::stats
