#pragma once
// `pgfence extract-stats`: writes a table-size snapshot of a database (stats/extractor.hpp)
// for `analyze --stats-file`. Meant to run in the team's own CI against a read replica.
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "stats/extractor.hpp"
#include "stats/snapshot.hpp"

namespace pgfence::bot {

// args[0] is "extract-stats". Exit 0 on success; 2 for usage errors and for any failure
// to connect, read or write, with one `error:` line that never shows the password.
[[nodiscard]] int run_extract_stats(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The snapshot extract-stats takes, read from `conninfo` (URL or key=value): nullopt after one
// `error: <who>: ...` line that names the database without its password.
[[nodiscard]] std::optional<stats::Snapshot> take_snapshot(const std::string& conninfo, const stats::ExtractOptions& options,
                                                           const std::string& who, std::ostream& err);

}  // namespace pgfence::bot
