#pragma once
// Red team R86 F9: a sign-off counts only when the audit chain records it. The hash chain covers
// pgfence_audit_events alone; an approval or exemption row written into its table by hand must not
// sign anything off. Each row names the seq of the event the service appended with it (event_seq,
// serve/migrations/014 and 015), and the evaluation reads that event back: the row counts only when
// the event is the one that granted it. Pure: the callers read the rows and events.
#include <chrono>
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

// What an exemption grants, as the chain says it (red team R86b F6): its expiry, the statements it
// covers and the commit it was granted on come from its `exemption` event (the scope of one granted
// before its upload from the `exemption_bound` event after it), and an `exemption_withdrawn` or
// `exemption_voided` event naming it after its event withdraws or voids it, whatever the row says.
struct ExemptionTerms {
    std::chrono::system_clock::time_point expires_at;
    std::optional<std::string> scope;  // statements_sha256; none while pending
    std::string commit_sha;
    bool withdrawn = false;
    bool voided = false;
};
// `grant` is the row's `exemption` event (exemption_backed), `later` the chain's events after it
// that name its id (in seq order). Nothing when the grant carries no readable expiry.
[[nodiscard]] std::optional<ExemptionTerms> exemption_terms(const nlohmann::json& grant, const nlohmann::json& later);

}  // namespace pgfence::serve
