#pragma once
// What `--stats-file` does around an analysis: what the snapshot knows of the schema (column
// types and NOT NULL, each index's table) goes into the analysis, its sizes into the size pass
// after it.
#include <memory>
#include <string>
#include <vector>

#include "analyze/model/known_schema.hpp"
#include "analyze/base/error.hpp"
#include "analyze/model/facts.hpp"
#include "stats/known_schema.hpp"
#include "stats/size_risk.hpp"
#include "stats/snapshot.hpp"

namespace pgfence::stats {

class LoadedStats {
public:
    explicit LoadedStats(Snapshot snapshot);
    LoadedStats(const LoadedStats&) = delete;
    LoadedStats& operator=(const LoadedStats&) = delete;

    // For AnalyzeOptions::known_schema.
    [[nodiscard]] const analyze::KnownSchema* known_schema() const { return m_schema.get(); }
    // extract-stats --schema: the schema as statements, replayed into the catalog (empty without).
    [[nodiscard]] const std::vector<std::string>& schema_sql() const { return m_snapshot.schema_sql; }
    // The server's version (server_version_num: 150004), 0 when the snapshot does not say.
    [[nodiscard]] int server_version_num() const { return m_snapshot.server_version_num; }
    // The size pass, on a report analysed with known_schema().
    SizeSummary apply(analyze::Report& report, const SizeOptions& options) const;
    // The same on one file (thread-safe: a streamed report's files are sized as they come).
    SizeSummary apply(analyze::FileReport& file, const SizeOptions& options) const;

private:
    Snapshot m_snapshot;
    std::unique_ptr<SnapshotSchema> m_schema;  // reads m_snapshot
    std::unique_ptr<SnapshotIndex> m_index;    // reads m_snapshot
};

// An unreadable or unsupported snapshot is an Error naming the file.
// Only a regular file up to analyze::k_stats_max_bytes is read.
[[nodiscard]] analyze::Result<std::shared_ptr<const LoadedStats>> load_stats(const std::string& path);
// The same from text already read (`pgfence pr` takes it from the base commit); source names it.
[[nodiscard]] analyze::Result<std::shared_ptr<const LoadedStats>> parse_stats(const std::string& text,
                                                                              const std::string& source);

}  // namespace pgfence::stats
