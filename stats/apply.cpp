#include "stats/apply.hpp"

#include <utility>

namespace pgfence::stats {

LoadedStats::LoadedStats(Snapshot snapshot) : m_snapshot(std::move(snapshot)) {
    m_schema = std::make_unique<SnapshotSchema>(m_snapshot);
    m_index = std::make_unique<SnapshotIndex>(m_snapshot);
}

SizeSummary LoadedStats::apply(analyze::Report& report, const SizeOptions& options) const {
    return apply_size_risk(report, m_snapshot, options);
}

SizeSummary LoadedStats::apply(analyze::FileReport& file, const SizeOptions& options) const {
    return apply_size_risk(file, *m_index, options);
}

analyze::Result<std::shared_ptr<const LoadedStats>> load_stats(const std::string& path) {
    auto snapshot = load_snapshot(path);
    if (!snapshot) return snapshot.error();
    return std::shared_ptr<const LoadedStats>(std::make_shared<LoadedStats>(std::move(*snapshot)));
}

analyze::Result<std::shared_ptr<const LoadedStats>> parse_stats(const std::string& text, const std::string& source) {
    auto snapshot = parse_snapshot(text, source);
    if (!snapshot) return snapshot.error();
    return std::shared_ptr<const LoadedStats>(std::make_shared<LoadedStats>(std::move(*snapshot)));
}

}  // namespace pgfence::stats
