#pragma once
// Reads a table-size snapshot from a live database, read-only and from the catalog, so it
// gives real numbers on a streaming replica (the cumulative statistics counters are per
// server and read zero on a standby; pg_class is WAL-logged and replicates).
#include <string>

#include "analyze/base/error.hpp"
#include "stats/snapshot.hpp"

namespace pgfence::stats {

struct ExtractOptions {
    bool columns = false;              // --schema: column names and types too
    int statement_timeout_ms = 30000;  // every query; the catalog reads are quick
};

// Connects with `conninfo` (URL or key=value), reads every user table, and disconnects.
// Errors are one line and never contain the password.
[[nodiscard]] analyze::Result<Snapshot> extract_snapshot(const std::string& conninfo, const ExtractOptions& options);

}  // namespace pgfence::stats
