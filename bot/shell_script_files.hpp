#pragma once
// `pgfence pr` and the files a command file runs as shell scripts whatever their names
// (analyze/migrations/shell_scripts.hpp, red team R88c F1): read as command files are.
#include <cstdint>
#include <map>
#include <string>

#include "analyze/base/error.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// The files of `commit` its command files run as shell scripts, and those these run in turn: at
// most 256, each with the name it is read under (tools::shell_view's, or for a file named as make's,
// just's or flyctl's, tools::command_view's).
[[nodiscard]] analyze::Result<std::map<std::string, std::string>> shell_scripts_at(const diff::Repository& repo, const std::string& commit, std::uint64_t max_bytes);

}  // namespace pgfence::bot
