#pragma once
// `pgfence pr` and the files a command file runs as shell scripts whatever their names
// (analyze/migrations/shell_scripts.hpp, red team R88c F1): read as command files are.
#include <cstdint>
#include <set>
#include <string>

#include "analyze/base/error.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// The files of `commit` its command files run as shell scripts, and those these run in turn: at
// most 256, each read under tools::shell_view's name.
[[nodiscard]] analyze::Result<std::set<std::string>> shell_scripts_at(const diff::Repository& repo, const std::string& commit, std::uint64_t max_bytes);

}  // namespace pgfence::bot
