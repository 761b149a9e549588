#pragma once
// An exemption: a named person's reasoned permission for one rule's findings, in a file or on
// one line of it, until a date. Issued by the service's approvals (#20); evaluate() applies them.
#include <chrono>
#include <optional>
#include <string>

namespace pgfence::governance {

struct Exemption {
    std::string rule;
    std::optional<std::string> path;  // the report's path of the file; every file when unset
    std::optional<int> line;          // a finding's start line; every line when unset
    std::string reason;
    std::string owner;
    std::chrono::system_clock::time_point expires_at;  // UTC; at or after it the exemption is void
};

}  // namespace pgfence::governance
