#include "stats/apply.hpp"

#include "stats/snapshot.hpp"

namespace pgfence::stats {

analyze::Result<SizeSummary> apply_stats_file(analyze::Report& report, const std::string& path, const SizeOptions& options) {
    auto snapshot = load_snapshot(path);
    if (!snapshot) return snapshot.error();
    return apply_size_risk(report, *snapshot, options);
}

}  // namespace pgfence::stats
