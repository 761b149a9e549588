#pragma once
// `pgfence capture [options] -- COMMAND...`: runs the project's own migrate command against a
// PostgreSQL of pgfence's through a recording proxy, cuts what it sent into migrations at the
// tool's bookkeeping writes and analyses each as its file (docs/capture.md).
// Exit codes: 0 captured (with --ci, nothing above --max-risk); 1 with --ci, a finding above
// --max-risk or a statement pgfence could not see; 2 usage or input error, or the server could
// not be started or prepared; 3 the command exited non-zero (or was killed, or ran past
// --timeout); 4 the command never connected; 5 a statement of the command was rejected by the
// server (a migration failed).
#include <iosfwd>
#include <string>
#include <vector>

namespace pgfence::bot {

inline constexpr int k_exit_command_failed = 3;
inline constexpr int k_exit_never_connected = 4;
inline constexpr int k_exit_migration_failed = 5;

// `args[0]` is "capture".
[[nodiscard]] int run_capture(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace pgfence::bot
