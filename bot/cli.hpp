#pragma once
// The command line: argument parsing and the `analyze` command. Exit codes are public
// (README "Exit codes").
#include <iosfwd>
#include <string>
#include <vector>

namespace pgfence::bot {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_findings = 1;
inline constexpr int k_exit_input = 2;  // usage, configuration or input errors

// Runs the program with argv[1..]; writes reports to `out`, `error:` lines to `err`.
[[nodiscard]] int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace pgfence::bot
