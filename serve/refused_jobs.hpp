#pragma once
// A refused upload is the decision of its pgfence job (issue #53, red team H2 item 7). In the
// multi-job setup (`pgfence pr --name`, docs/pr.md) one job's upload that the service refused (too
// large, a path with a line feed, a report outside the schema) used to be a mark on the head that
// the next accepted upload of any job replaced: job web's success hid job api's refusal and the
// check said success. Each refusal is now kept per head, pull request and job
// (pgfence_refused_jobs, serve/migrations/011_refused_jobs.sql) and stands among the head's
// decisions (serve/head_decisions.hpp) as a failure until an upload of that same job for that head
// and pull request is accepted after it; an accepted upload of the job made before the refusal
// no longer stands. The job is the envelope's `job`, else the Pgfence-Job header (an upload too
// large to read: serve/upload_target.hpp), else '' (an older pgfence without --name's header):
// such a refusal ends only with an accepted upload without --name.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "serve/head_decisions.hpp"
#include "serve/store.hpp"
#include "serve/upload_target.hpp"

namespace pgfence::serve {

// Inside a Store transaction: records that `job`'s upload for `head` was refused with `status`
// and `why`. True when it is news for that job: no refusal of it stood for the head (none was
// recorded, or an upload of the job accepted since ended it).
[[nodiscard]] StoreResult<bool> record_refused_job(trace::Connection& c, const UploadTarget& head, const std::string& job,
                                                   int status, const std::string& why);

// Inside a Store transaction: the refusals that stand for `head`, as decisions (failure). Without
// `pull_request`, those of pull requests open with this head (or not known yet from a webhook),
// as head_decisions reads them; with it, that pull request's, whatever its state.
[[nodiscard]] StoreResult<std::vector<HeadDecision>> refused_job_decisions(trace::Connection& c, const std::string& repository,
                                                                           const std::string& head,
                                                                           std::optional<std::int64_t> pull_request = std::nullopt);

// The SQL condition (on pgfence_head_decisions as `d`) that a decision's upload was made before a
// refusal of the same job for the same head and pull request: that job's latest word is the refusal.
[[nodiscard]] const char* refused_after_decision_sql();

// Inside a Store transaction: drops the refusals of `repository` whose head has no row in
// pgfence_refused_heads any more (its refusals of heads no webhook named are bounded there).
[[nodiscard]] StoreResult<bool> prune_refused_jobs(trace::Connection& c, const std::string& repository);

// The decision a refusal stands for, as the check run says it.
[[nodiscard]] HeadDecision refused_decision(std::int64_t pull_request, const std::string& job, const std::string& why);

// The job a refused upload was for: the envelope's `job` when it is one (1 to 64 of [A-Za-z0-9._-]),
// else `header_job` (the Pgfence-Job header, already checked), else "".
[[nodiscard]] std::string refused_job_of(const nlohmann::json& envelope, const std::string& header_job);

}  // namespace pgfence::serve
