#pragma once
// `pgfence pr` and psql includes (#53): the files a migration of the commit includes with `\i` or
// `\ir` (analyze/migrations/psql_includes.hpp) are followed as migrations, as a `psql -f` file is,
// so a pull request that changes only an included file has it analysed.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "analyze/base/error.hpp"
#include "analyze/migrations/tool_dirs.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// Appends to `dirs` the includes of the SQL migrations at `commit` (those the default globs select
// or a followed folder holds, `dirs` as given), and of the files they include, transitively (each
// file read once; past 256 included files the walk stops). Each entry names the including file.
[[nodiscard]] analyze::Result<bool> add_psql_includes(const diff::Repository& repo, const std::string& commit, std::uint64_t max_bytes,
                                                      std::vector<std::pair<std::string, analyze::tools::ToolDir>>& dirs);

}  // namespace pgfence::bot
