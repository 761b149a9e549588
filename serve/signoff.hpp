#pragma once
// Sign-off on top of the policy's decision (issue #20): the approvals that count lift an
// action_required conclusion (never a failure: only exemptions lift a guardrail), and the check
// run says who signed off, which approvals do not count and why, and every exemption granted on
// the pull request. Pure: the service gathers the facts (GitHub's memberships, the database).
#include <optional>
#include <string>
#include <vector>

#include "governance/exemption.hpp"
#include "governance/policy.hpp"
#include "governance/render.hpp"
#include "serve/decide.hpp"

namespace pgfence::serve {

enum class ApprovalStatus {
    Counted,
    Voided,        // the migrations changed after it
    OtherContent,  // given on content other than this upload's (not voided: a newer upload)
    NotApprover,   // the approver is not (or no longer) allowed by the policy
    Author,        // the pull request's author, and the policy does not let them approve
    Committer,     // authored or committed commits of the pull request: an author too (issue #32)
    Pending,       // given on a commit whose upload has not arrived: bound to nothing yet
    AuthorsUnknown,  // the pull request has more commits than GitHub lists (250): its authors are not all known
    NewItems,      // the decision has an item needing sign-off it does not cover (a rebase, another job's later upload)
};

struct ApprovalView {
    std::string login;
    std::string source;  // "review" or "comment"
    std::string reason;
    ApprovalStatus status = ApprovalStatus::Counted;
};

struct SignoffFacts {
    std::vector<ApprovalView> approvals;  // not revoked
    std::vector<governance::Exemption> exemptions;
    std::vector<governance::Exemption> voided_exemptions;  // their statements changed since granted
    std::vector<governance::Exemption> pending_exemptions;  // granted on a commit whose upload has not arrived
    std::optional<std::string> review_request;  // already escaped Markdown, when one was made
};

// Changes `decided` (decision's conclusion and summary, title, text) and returns the logins that
// signed off (each once, in the order given). `now` decides which exemptions have expired.
std::vector<std::string> apply_signoff(Decided& decided, const governance::PolicySettings& settings, const SignoffFacts& facts,
                                       std::chrono::system_clock::time_point now);

// "@acme/dba, alice" with each name escaped for Markdown (no mention is made).
[[nodiscard]] std::string people_markdown(const std::vector<std::string>& people);

// governance::utc_text, as the check run and the audit trail write instants.
using governance::utc_text;

}  // namespace pgfence::serve
