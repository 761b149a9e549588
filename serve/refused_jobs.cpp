#include "serve/refused_jobs.hpp"

#include <algorithm>
#include <regex>

#include "annotate/escape.hpp"

namespace pgfence::serve {

using nlohmann::json;

namespace {

// On pgfence_refused_jobs as `j`: no upload of that job for that head and pull request was
// accepted after the refusal.
constexpr const char* k_standing =
    "NOT EXISTS (SELECT 1 FROM pgfence_uploads u WHERE u.repository = j.repository AND u.head_sha = j.head_sha "
    "AND u.pull_request = j.pull_request AND COALESCE(u.envelope->>'job', '') = j.job AND u.response IS NOT NULL "
    "AND u.created_at > j.refused_at)";

}  // namespace

StoreResult<bool> record_refused_job(trace::Connection& c, const UploadTarget& head, const std::string& job, int status,
                                     const std::string& why) {
    const std::vector<std::string> key = {head.repository, head.head_sha, std::to_string(head.pull_request), job};
    auto standing = c.query(std::string("SELECT 1 FROM pgfence_refused_jobs j WHERE j.repository = $1 AND j.head_sha = $2 "
                                        "AND j.pull_request = $3 AND j.job = $4 AND ") + k_standing,
                            key);
    if (!standing) return db_error(c, standing.error());
    // A refusal is the job's decision: the pull request's later heads and bases wait for it too.
    auto noted = note_pull_request_job(c, head.repository, head.pull_request, job);
    if (!noted) return noted.error();
    auto up = c.query("INSERT INTO pgfence_refused_jobs (repository, head_sha, pull_request, job, status, why) "
                      "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (repository, head_sha, pull_request, job) DO UPDATE SET "
                      "status = EXCLUDED.status, why = EXCLUDED.why, refused_at = now()",
                      {head.repository, head.head_sha, std::to_string(head.pull_request), job, std::to_string(status), why});
    if (!up) return db_error(c, up.error());
    return standing->rows() == 0;
}

StoreResult<std::vector<HeadDecision>> refused_job_decisions(trace::Connection& c, const std::string& repository,
                                                             const std::string& head, std::optional<std::int64_t> pull_request) {
    std::vector<std::string> params = {repository, head};
    std::string sql = "SELECT j.pull_request, j.job, j.why FROM pgfence_refused_jobs j ";
    if (pull_request) {
        sql += "WHERE j.repository = $1 AND j.head_sha = $2 AND j.pull_request = $3 AND ";
        params.push_back(std::to_string(*pull_request));
    } else {
        // The pull requests head_decisions reads: open with this head, or not known yet.
        sql += "LEFT JOIN pgfence_pull_requests p ON p.repository = j.repository AND p.number = j.pull_request "
               "WHERE j.repository = $1 AND j.head_sha = $2 AND (p.number IS NULL OR (p.state = 'open' AND p.head_sha = j.head_sha)) AND ";
    }
    sql += std::string(k_standing) + " ORDER BY j.pull_request, j.job";
    auto r = c.query(sql, params);
    if (!r) return db_error(c, r.error());
    std::vector<HeadDecision> out;
    for (int i = 0; i < r->rows(); ++i) out.push_back(refused_decision(std::stoll(r->value(i, 0)), r->value(i, 1), r->value(i, 2)));
    return out;
}

const char* refused_after_decision_sql() {
    return "EXISTS (SELECT 1 FROM pgfence_refused_jobs j JOIN pgfence_uploads u ON u.id = d.upload_id "
           "WHERE j.repository = d.repository AND j.head_sha = d.head_sha AND j.pull_request = d.pull_request "
           "AND j.job = d.job AND j.refused_at > u.created_at)";
}

StoreResult<bool> prune_refused_jobs(trace::Connection& c, const std::string& repository) {
    auto pruned = c.query("DELETE FROM pgfence_refused_jobs j WHERE j.repository = $1 AND NOT EXISTS "
                          "(SELECT 1 FROM pgfence_refused_heads h WHERE h.repository = j.repository AND h.head_sha = j.head_sha)",
                          {repository});
    if (!pruned) return db_error(c, pruned.error());
    return true;
}

HeadDecision refused_decision(std::int64_t pull_request, const std::string& job, const std::string& why) {
    HeadDecision d;
    d.pull_request = pull_request;
    d.job = job;
    d.conclusion = "failure";
    d.title = "The upload for this commit was refused";
    const std::string of_job = job.empty() ? std::string() : " of job " + annotate::md_code_span(job);
    d.summary = "The governance service refused the pgfence upload" + of_job + " for this head commit, so nothing was "
                "reviewed here: " + annotate::md_text(why, 2000) +
                "\n\nFix the upload (the `pgfence pr --upload` step's log says the same) and run it again." +
                (job.empty() ? std::string()
                             : " Another job's upload does not stand for this one: the check fails until job " +
                                   annotate::md_code_span(job) + " uploads for this commit.");
    return d;
}

std::string refused_job_of(const json& envelope, const std::string& header_job) {
    static const std::regex k_job(R"(^[A-Za-z0-9._-]{1,64}$)");
    if (envelope.is_object()) {
        auto it = envelope.find("job");
        if (it != envelope.end() && it->is_string() && std::regex_match(it->get_ref<const std::string&>(), k_job)) {
            return it->get<std::string>();
        }
    }
    return header_job;
}

}  // namespace pgfence::serve
