#pragma once
// Where the PostgreSQL server binaries (initdb, postgres) are: a folder given on the command
// line, a major version installed under /usr/lib/postgresql/<N>/bin, initdb on PATH, or else
// the newest version installed there.
#include <optional>
#include <string>

#include "trace/pq_connection.hpp"

namespace pgfence::trace {

// `bin_dir` ("" when not given) wins; then `version` (0 when not given); then PATH; then
// the newest /usr/lib/postgresql/<N>/bin. The error says what was looked for.
[[nodiscard]] Result<std::string> find_server_binaries(const std::string& bin_dir, int version,
                                                       const std::string& lib_root = "/usr/lib/postgresql");

}  // namespace pgfence::trace
