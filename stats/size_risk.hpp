#pragma once
// The size-aware risk pass: runs on a finished Report with a stats snapshot, and moves the
// risk of size-sensitive findings with how long their lock is estimated to block, or with the
// size class of their table where there is no estimate (docs/stats-format.md, "How sizes
// change risk"). Adds the size, the estimate and what moved the risk to the finding's
// message, so every output format carries them.
#include <string>

#include "analyze/model/facts.hpp"
#include "stats/lookup.hpp"
#include "stats/snapshot.hpp"

namespace pgfence::stats {

// A table is small below both small_* figures, large at or above either large_* figure,
// huge at or above either huge_* figure. Moves risk only where there is no time estimate.
struct SizeThresholds {
    double small_rows = 10'000;
    double small_bytes = 10.0 * 1024 * 1024;
    double large_rows = 1'000'000;
    double large_bytes = 1024.0 * 1024 * 1024;
    double huge_rows = 10'000'000;
    double huge_bytes = 10.0 * 1024 * 1024 * 1024;
};

// The estimated seconds a lock blocks decide the risk: CRITICAL from critical_seconds (only
// under a lock that blocks reads or writes; else HIGH), HIGH from high_seconds, at most MEDIUM
// below it, and one level lower than the rule's risk (at most MEDIUM) below low_seconds.
// Valid when 0 <= low_seconds <= high_seconds < critical_seconds.
struct TimeThresholds {
    double low_seconds = 0.5;
    double high_seconds = 5;
    double critical_seconds = 60;
};

struct SizeOptions {
    SizeThresholds thresholds;
    TimeThresholds times;
    // Bytes per second a rewrite, index build or validation scan gets through; deliberately
    // low (a busy server, cold cache, indexes rebuilt too) so the estimate errs long. 0: no
    // estimate, the size classes move the risk.
    double throughput = 50.0 * 1024 * 1024;
};

// What the pass did, for tests and the CLI's summary.
struct SizeSummary {
    int adjusted = 0;       // findings whose risk moved
    int measured = 0;       // findings matched to a snapshot table
    int absent = 0;         // findings on tables the snapshot does not have

    SizeSummary& operator+=(const SizeSummary& other) {
        adjusted += other.adjusted;
        measured += other.measured;
        absent += other.absent;
        return *this;
    }
};

SizeSummary apply_size_risk(analyze::Report& report, const Snapshot& snapshot, const SizeOptions& options);
// The same for one file, with the snapshot's index built once for every file.
SizeSummary apply_size_risk(analyze::FileReport& file, const SnapshotIndex& index, const SizeOptions& options);

// Whether the rule's cost grows with the table, and which work the estimate times.
[[nodiscard]] bool size_sensitive(std::string_view rule);

}  // namespace pgfence::stats
