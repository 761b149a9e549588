#pragma once
// A Decision as the CLI and the check run show it. Each writer escapes the report's text for
// its own format (terminal, Markdown); none trusts the other.
#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "governance/decision.hpp"

namespace pgfence::governance {

// A time as RFC 3339 in UTC, to the second ("2026-11-23T09:00:00Z"): how the decision, the audit
// trail and the check run write every instant.
[[nodiscard]] std::string utc_text(std::chrono::system_clock::time_point at);

// {"conclusion", "summary", "items", "policy", "exempted", "ignored_exemptions"}.
[[nodiscard]] nlohmann::json to_json(const Decision& decision);

// One line per item, `path:line rule RISK — message`, then notes on exemptions and the summary.
[[nodiscard]] std::string to_text(const Decision& decision);

// A check run's output text: every item links to its line at `head_sha` in OWNER/REPO on the
// GitHub at `web_url` (https://github.com, or a GitHub Enterprise Server's own URL).
[[nodiscard]] std::string to_markdown(const Decision& decision, std::string_view owner, std::string_view repo,
                                      std::string_view head_sha, std::string_view web_url = "https://github.com");

}  // namespace pgfence::governance
