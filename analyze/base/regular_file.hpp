#pragma once
// Reading a whole file whose name came from a configuration, a flag or the environment: only
// a regular file, and only up to a size limit, so that /dev/zero, a FIFO or a directory named
// there is a clear error at once instead of a hang or memory without end.
#include <cstdint>
#include <string>
#include <string_view>

#include "analyze/base/error.hpp"

namespace pgfence::analyze {

// Size limits of the files pgfence reads besides migrations (README "Configuration").
constexpr std::uintmax_t k_config_max_bytes = 1024 * 1024;          // .pgfence.toml / .json
constexpr std::uintmax_t k_stats_max_bytes = 256 * 1024 * 1024;     // a stats snapshot
constexpr std::uintmax_t k_event_max_bytes = 64 * 1024 * 1024;      // GitHub's event payload

// The content of `path`, or an Error naming it ("<what> is not a regular file", "... is larger
// than N bytes", "cannot read <what>"). The file is opened without blocking (a FIFO with no
// writer does not wait) and checked with fstat before any byte is read.
[[nodiscard]] Result<std::string> read_regular_file(const std::string& path, std::uintmax_t max_bytes,
                                                    std::string_view what);

// Whether `path`, every link resolved, lies inside `root` (a path with its links resolved, as
// fs::weakly_canonical gives it): AnalyzeOptions::confine_to.
[[nodiscard]] bool path_inside(const std::string& path, const std::string& root);

}  // namespace pgfence::analyze
