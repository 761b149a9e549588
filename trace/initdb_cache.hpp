#pragma once
// The test suite's shortcut for throwaway servers: with PGFENCE_TRACE_INITDB_CACHE naming a folder
// (tests/memory_tmpdir.py sets it; nothing else does), a throwaway cluster is a copy of one that
// initdb made once with the same arguments, binaries and account, not a new initdb each time. The
// copy is what initdb would have written (initdb's output depends only on those), in about a tenth
// of initdb's time. A persistent data folder (`pgfence serve`) is always initdb'd.
#include <optional>
#include <string>
#include <vector>

#include "trace/process.hpp"

namespace pgfence::trace {

// The folder PGFENCE_TRACE_INITDB_CACHE names, when it is an absolute path to a folder.
[[nodiscard]] std::optional<std::string> initdb_cache_folder();

// Makes `target` (which must not exist) as `initdb` (its argv, with "-D" and `target` at 1 and 2)
// would: copied, as `as`, from the cache's cluster for these arguments, which is made first
// (initdb into a private folder, renamed into place) when the cache has none.
[[nodiscard]] Status initdb_from_cache(const std::string& cache, const std::vector<std::string>& initdb,
                                       const std::string& target, const std::string& log_path, const Account* as,
                                       const std::string& home);

}  // namespace pgfence::trace
