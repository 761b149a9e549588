#pragma once
// The check of a head commit is the worst of the decisions of every open pull request (and every
// job of it, `pgfence pr --name`) whose head it is (red team D: a second pull request from the same
// head into a branch of the author's, or a second job with nothing to report, posted its success
// over the first one's action_required). GitHub keeps one 'pgfence governance' check run per commit
// and a branch protection reads that, so one run says the worst. pgfence_head_decisions
// (serve/migrations/010_head_decisions.sql) keeps each decision as its check run would say it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "serve/store.hpp"

namespace pgfence::serve {

struct HeadDecision {
    std::int64_t pull_request = 0;
    std::string job;                       // `pgfence pr --name`, "" without
    std::optional<std::string> upload_id;  // none: voided by a change of the pull request's base
    std::string conclusion;                // success, action_required, failure, or pending (no conclusion yet)
    std::string title, summary, body;
};

// Inside a Store transaction: `job` decided for `pull_request` (an accepted upload, or a refused
// one): from now on every head of the pull request, for any base, waits for that job's upload
// (pgfence_pull_request_jobs, serve/migrations/012_pull_request_jobs.sql; red team r71 F9).
[[nodiscard]] StoreResult<bool> note_pull_request_job(trace::Connection& c, const std::string& repository,
                                                      std::int64_t pull_request, const std::string& job);

// Inside a Store transaction: records `decision` as the decision of its pull request and job for
// `head` (a voided one of that pull request, for another base, is dropped), and its job as one of
// the pull request's (note_pull_request_job).
[[nodiscard]] StoreResult<bool> record_head_decision(trace::Connection& c, const std::string& repository, const std::string& head,
                                                     const HeadDecision& decision);

// Inside a Store transaction: the decisions that stand for `head`: those of pull requests that are
// open with this head (or not known yet from a webhook), by pull request and job.
[[nodiscard]] StoreResult<std::vector<HeadDecision>> head_decisions(trace::Connection& c, const std::string& repository,
                                                                    const std::string& head);

// Inside a Store transaction: the worst of `pull_request`'s own decisions for `head` ("" when none).
[[nodiscard]] StoreResult<std::string> own_head_decision(trace::Connection& c, const std::string& repository, const std::string& head,
                                                         std::int64_t pull_request);

// Inside a Store transaction, for a pull request's `closed` or `reopened` webhook: closed without
// merging, its decisions no longer stand for `head` (head_decisions reads open pull requests
// only): a head_check job posts what the open ones decide, or waits; reopened with uploads of
// `head` (`uploaded`), each job's newest is evaluated again (its approvals asked of GitHub anew).
[[nodiscard]] StoreResult<bool> queue_closed_or_reopened(trace::Connection& c, const std::string& repository, const std::string& head,
                                                         std::int64_t pull_request, bool reopened, bool merged, bool uploaded);

// What the check run says: the worst decision (failure, then action_required, then pending, then
// success), its title and text, and when several stand a summary that lists each of them.
struct CombinedCheck {
    std::string conclusion;  // "pending" means in progress, no conclusion
    std::string title, summary, body;
    std::optional<std::string> upload_id;  // of the worst decision
    nlohmann::json decisions = nlohmann::json::array();  // [{pull_request, job, conclusion}] for the audit
};
[[nodiscard]] CombinedCheck combine(const std::vector<HeadDecision>& decisions);

}  // namespace pgfence::serve
