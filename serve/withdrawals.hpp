#pragma once
// Red team R87 F8: GitHub does not order its deliveries (a 503 and its redelivery, or any
// reordering), so a review's `dismissed` can arrive before its `submitted`, and a comment's `edited`
// or `deleted` before its `created`. A withdrawal that finds no approval to revoke is kept in the
// audit chain (`withdrawal_before_approval`, naming the review or comment), and a later approval or
// exemption standing on that review or comment is refused. The chain is the record: its events are
// hashed, so the withdrawal cannot be taken out by hand without `audit verify` seeing it.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "serve/store.hpp"

namespace pgfence::serve {

// Inside a Store transaction: locks `repository`'s audit chain until the transaction ends (as
// append_audit does), so that a withdrawal and the approval it withdraws, handled at once by two
// jobs, are decided one after the other: whichever runs second sees the first. The caller must
// append an event before it commits (a head with no event makes `audit verify` fail).
[[nodiscard]] StoreResult<bool> lock_chain(trace::Connection& conn, const std::string& repository);

// Inside a Store transaction: whether the chain records the review or comment `id` (`key`:
// "review_id" or "comment_id") of the pull request as withdrawn: a withdrawal that came first, or
// an approval or exemption it gave that was revoked or withdrawn since.
[[nodiscard]] StoreResult<bool> withdrawn_earlier(trace::Connection& conn, const std::string& repository, std::int64_t pull_request,
                                                  const char* key, std::int64_t id);

// Inside a Store transaction: appends the `withdrawal_before_approval` event (`data` names the
// review or comment, who, why, the delivery).
[[nodiscard]] StoreResult<bool> record_early_withdrawal(trace::Connection& conn, const std::string& repository,
                                                        std::int64_t pull_request, nlohmann::json data);

// Inside a Store transaction: withdraws the pull request's exemptions that `where` selects ($1
// repository, $2 pull request, $3 `value`), each audited as exemption_withdrawn with `data` (red
// team r84 #7). How many.
[[nodiscard]] StoreResult<int> withdraw_exemptions(trace::Connection& conn, const std::string& repository, std::int64_t number,
                                                   const std::string& where, const std::string& value, const nlohmann::json& data);

}  // namespace pgfence::serve
