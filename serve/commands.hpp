#pragma once
// The commands the service reads in pull-request comments (issue #20):
//   /pgfence approve [SHA] [reason]
//   /pgfence revoke
//   /pgfence exempt RULE [at FILE[:LINE]] --reason "..." --until DATE
// Only a comment whose first non-blank line starts with "/pgfence" is one; any other comment is
// not a command at all. The text comes from anyone who can comment: it is parsed, never trusted.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "analyze/base/error.hpp"

namespace pgfence::serve {

enum class CommandKind { Approve, Revoke, Exempt };

struct Command {
    CommandKind kind = CommandKind::Approve;
    std::string reason;  // approve: the rest of the line (may be empty); exempt: --reason
    // approve only: the head commit named (7 to 40 hex digits, lower case), when the first word is one.
    std::optional<std::string> commit;
    // exempt only:
    std::string rule;
    std::optional<std::string> path;
    std::optional<int> line;
    std::string until;                                 // as written
    std::chrono::system_clock::time_point expires_at;  // UTC
};

// The longest reason kept (bytes); a longer one is an error, not cut silently.
inline constexpr std::size_t k_max_reason = 1000;

// nullopt: not a command. An error: a "/pgfence" line that is not a valid command (its message
// says what is wrong, for the reply). --until takes a date, YYYY-MM-DD (the exemption holds through
// that day, UTC: it expires at the next midnight), or an instant, YYYY-MM-DDTHH:MM:SSZ.
[[nodiscard]] analyze::Result<std::optional<Command>> parse_command(std::string_view body);

// How to write the commands, for replies.
[[nodiscard]] std::string_view command_usage();

}  // namespace pgfence::serve
