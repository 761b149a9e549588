#pragma once
// Red team R86 F9: a sign-off counts only when the audit chain records it. The hash chain covers
// pgfence_audit_events alone; an approval or exemption row written into its table by hand must not
// sign anything off. Each row names the seq of the event the service appended with it (event_seq,
// serve/migrations/014 and 015), and the evaluation reads that event back: the row counts only when
// the event is the one that granted it. Pure: the callers read the rows and events.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace pgfence::serve {

// An approval row as stored (pgfence_approvals).
struct ApprovalFacts {
    std::int64_t pull_request = 0;
    std::string login, source, commit_sha;
    std::optional<std::int64_t> review_id, comment_id;
};

// Whether `event` (its event_seq's event in the repository's chain, null when there is none) is the
// `approval` event that granted the row: same pull request, login, review or comment, and commit.
[[nodiscard]] bool approval_backed(const ApprovalFacts& row, const nlohmann::json& event);

// An exemption row as stored (pgfence_exemptions).
struct ExemptionFacts {
    std::int64_t pull_request = 0;
    std::string id, rule, owner;
    std::optional<std::string> path;
    std::optional<int> line;
};

// Whether `event` is the `exemption` event that granted the row: same pull request, id, rule,
// place and owner.
[[nodiscard]] bool exemption_backed(const ExemptionFacts& row, const nlohmann::json& event);

}  // namespace pgfence::serve
