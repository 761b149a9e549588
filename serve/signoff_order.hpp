#pragma once
// A signer's latest word counts, not the last delivered (#53, gor88). GitHub does not order its
// deliveries, so a reviewer's "changes requested" (or a `/pgfence revoke`) can arrive before the
// approval it follows. GitHub's rule for reviews is the reviewer's latest state, by the review's
// submitted_at; pgfence applies the same to comments, by their created_at. Each withdrawal by a
// signer is kept in the audit chain with its instant (`withdrawn_at`); an approval given at or
// before a withdrawal by the same person is refused whenever it is delivered (equal instants: the
// withdrawal wins). Events written before this carry no instant and withdraw by id only
// (serve/withdrawals.hpp).
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "serve/store.hpp"

namespace pgfence::serve {

// The instant GitHub gives at `path` of the payload (YYYY-MM-DDTHH:MM:SSZ), as pgfence writes it;
// nullopt when absent or not an instant.
[[nodiscard]] std::optional<std::string> github_instant(const nlohmann::json& payload, std::initializer_list<const char*> path);

// What a withdrawal withdraws: a "changes requested" review, approvals; `/pgfence revoke`, approvals
// and exemptions ("sign-offs").
enum class Withdraws { Approvals, SignOffs };

// The fields a withdrawal's events carry so that a later-delivered, earlier approval sees it.
[[nodiscard]] nlohmann::json withdrawal_fields(const std::string& at, Withdraws what);

// Inside a Store transaction, after lock_chain: whether `login` withdrew, on the pull request, at or
// after `at` (GitHub's instant of the approval or exemption; nullopt: unknown, so any timed
// withdrawal of theirs counts), what an approval (`exemption` false) or an exemption needs.
[[nodiscard]] StoreResult<bool> withdrawn_since(trace::Connection& conn, const std::string& repository, std::int64_t pull_request,
                                                const std::string& login, const std::optional<std::string>& at, bool exemption);

// Inside a Store transaction: the "changes requested" review `review_id` by `login`, submitted `at`:
// revokes every approval they gave the pull request (by review or by /pgfence approve), audited as
// approval_revoked with the instant; when there is none, keeps the withdrawal
// (withdrawal_before_approval) for one given before it and delivered after. How many it revoked.
[[nodiscard]] StoreResult<int> request_changes(trace::Connection& conn, const std::string& repository, std::int64_t pull_request,
                                               const std::string& login, std::int64_t review_id,
                                               const std::optional<std::string>& at, const std::string& delivery);

}  // namespace pgfence::serve
