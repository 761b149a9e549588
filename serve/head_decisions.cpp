#include "serve/head_decisions.hpp"

#include <algorithm>

#include "annotate/escape.hpp"
#include "serve/audit.hpp"
#include "serve/payload.hpp"
#include "serve/refused_jobs.hpp"
#include "serve/service.hpp"

namespace pgfence::serve {

using nlohmann::json;

namespace {

int rank(const std::string& conclusion) {
    if (conclusion == "failure") return 4;
    if (conclusion == "action_required") return 3;
    if (conclusion == "pending") return 2;
    if (conclusion == "success" || conclusion == "neutral") return 1;
    return 4;  // anything else is taken for the worst
}

// The jobs (`pgfence pr --name`) that ever decided for `pull_request` (pgfence_pull_request_jobs)
// but have no decision for `head`: each stands as pending ("waiting for job ..."), so a job that did
// not upload for the new head (skipped, failed, cancelled, timed out) never leaves the check to the
// jobs that did, and its unapproved findings are not forgotten (red team r70 F24). The set is the
// pull request's, not read from the rows of its other heads: a change of the base drops those, and
// the job they alone remembered was forgotten (red team r71 F9).
StoreResult<std::vector<HeadDecision>> missing_jobs(trace::Connection& c, const std::string& repository, std::int64_t pull_request,
                                                    const std::vector<HeadDecision>& present) {
    auto r = c.query("SELECT job FROM pgfence_pull_request_jobs WHERE repository = $1 AND pull_request = $2 ORDER BY job",
                     {repository, std::to_string(pull_request)});
    if (!r) return db_error(c, r.error());
    std::vector<HeadDecision> out;
    for (int i = 0; i < r->rows(); ++i) {
        const std::string job = r->value(i, 0);
        const bool there = std::any_of(present.begin(), present.end(),
                                       [&](const HeadDecision& d) { return d.pull_request == pull_request && d.job == job; });
        if (there) continue;
        const std::string named = job.empty() ? std::string("the pgfence job without --name") : "job " + annotate::md_code_span(job);
        out.push_back({pull_request, job, std::nullopt, "pending", "Waiting for " + (job.empty() ? std::string("the unnamed job") : "job " + job),
                       "Pull request #" + std::to_string(pull_request) + "'s " + named +
                           " decided for this pull request before (for an earlier head, or for another base) but has not "
                           "uploaded for this head: the check waits for its upload of this head, since what it reviews may still "
                           "need a sign-off. A job that does not run on every push "
                           "(a path filter, an `if:`) must still run `pgfence pr --upload` on each head: with nothing to review "
                           "it uploads a success.",
                       ""});
    }
    return out;
}

}  // namespace

StoreResult<bool> note_pull_request_job(trace::Connection& c, const std::string& repository, std::int64_t pull_request,
                                        const std::string& job) {
    auto r = c.query("INSERT INTO pgfence_pull_request_jobs (repository, pull_request, job) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                     {repository, std::to_string(pull_request), job});
    if (!r) return db_error(c, r.error());
    return true;
}

StoreResult<bool> record_head_decision(trace::Connection& c, const std::string& repository, const std::string& head,
                                       const HeadDecision& d) {
    if (d.upload_id) {
        // This job's decision voided by a change of the base, or the one voided for the pull request
        // as a whole (job '': no job had decided yet); another job's stays until that job uploads.
        auto dropped = c.query("DELETE FROM pgfence_head_decisions WHERE repository = $1 AND head_sha = $2 AND pull_request = $3 "
                               "AND upload_id IS NULL AND (job = $4 OR job = '')",
                               {repository, head, std::to_string(d.pull_request), d.job});
        if (!dropped) return db_error(c, dropped.error());
    }
    // A job's decision makes it one of the pull request's jobs for good (not the pending stand-in
    // for the whole pull request after a change of the base: job '' without an upload).
    if (d.upload_id || !d.job.empty()) {
        auto noted = note_pull_request_job(c, repository, d.pull_request, d.job);
        if (!noted) return noted.error();
    }
    auto up = c.query("INSERT INTO pgfence_head_decisions (repository, head_sha, pull_request, job, upload_id, conclusion, title, "
                      "summary, body) VALUES ($1, $2, $3, $4, NULLIF($5, '')::uuid, $6, $7, $8, $9) "
                      "ON CONFLICT (repository, head_sha, pull_request, job) DO UPDATE SET upload_id = EXCLUDED.upload_id, "
                      "conclusion = EXCLUDED.conclusion, title = EXCLUDED.title, summary = EXCLUDED.summary, "
                      "body = EXCLUDED.body, updated_at = now()",
                      {repository, head, std::to_string(d.pull_request), d.job, d.upload_id.value_or(""), d.conclusion, d.title,
                       d.summary, d.body});
    if (!up) return db_error(c, up.error());
    return true;
}

StoreResult<std::vector<HeadDecision>> head_decisions(trace::Connection& c, const std::string& repository, const std::string& head) {
    // A job whose upload was refused after the one decided here: its refusal stands instead (serve/refused_jobs.hpp).
    auto r = c.query(std::string("SELECT d.pull_request, d.job, d.upload_id, d.conclusion, d.title, d.summary, d.body "
                                 "FROM pgfence_head_decisions d LEFT JOIN pgfence_pull_requests p "
                                 "ON p.repository = d.repository AND p.number = d.pull_request "
                                 "WHERE d.repository = $1 AND d.head_sha = $2 AND (p.number IS NULL OR (p.state = 'open' AND p.head_sha = d.head_sha)) "
                                 "AND NOT ") + refused_after_decision_sql() + " ORDER BY d.pull_request, d.job",
                     {repository, head});
    if (!r) return db_error(c, r.error());
    std::vector<HeadDecision> out;
    for (int i = 0; i < r->rows(); ++i) {
        out.push_back({std::stoll(r->value(i, 0)), r->value(i, 1), r->is_null(i, 2) ? std::nullopt : std::optional(r->value(i, 2)),
                       r->value(i, 3), r->value(i, 4), r->value(i, 5), r->value(i, 6)});
    }
    // Each job's refused upload is that job's decision, whatever the other jobs' uploads decided.
    auto refused = refused_job_decisions(c, repository, head);
    if (!refused) return refused.error();
    out.insert(out.end(), refused->begin(), refused->end());
    std::vector<std::int64_t> pull_requests;
    for (const auto& d : out) {
        if (std::find(pull_requests.begin(), pull_requests.end(), d.pull_request) == pull_requests.end()) pull_requests.push_back(d.pull_request);
    }
    for (std::int64_t number : pull_requests) {
        auto missing = missing_jobs(c, repository, number, out);
        if (!missing) return missing.error();
        out.insert(out.end(), missing->begin(), missing->end());
    }
    std::stable_sort(out.begin(), out.end(), [](const HeadDecision& a, const HeadDecision& b) {
        return a.pull_request != b.pull_request ? a.pull_request < b.pull_request : a.job < b.job;
    });
    return out;
}

CombinedCheck combine(const std::vector<HeadDecision>& decisions) {
    CombinedCheck out;
    if (decisions.empty()) return out;
    const HeadDecision* worst = &decisions.front();
    for (const auto& d : decisions) {
        if (rank(d.conclusion) > rank(worst->conclusion)) worst = &d;
        out.decisions.push_back({{"pull_request", d.pull_request}, {"job", d.job}, {"conclusion", d.conclusion}});
    }
    out.conclusion = worst->conclusion;
    out.title = worst->title;
    out.summary = worst->summary;
    out.body = worst->body;
    out.upload_id = worst->upload_id;
    if (decisions.size() > 1) {
        std::string list = "This commit is the head of " + std::to_string(decisions.size()) +
                           " decisions (pull requests into their bases, pgfence jobs); the check is the worst of them:\n\n";
        for (const auto& d : decisions) {
            list += "- pull request #" + std::to_string(d.pull_request) +
                    (d.job.empty() ? std::string() : " job " + annotate::md_code_span(d.job)) + ": " + d.conclusion + " \xE2\x80\x94 " +
                    annotate::md_text(d.title, 200) + "\n";
        }
        out.title = "#" + std::to_string(worst->pull_request) + (worst->job.empty() ? "" : " " + worst->job) + ": " + worst->title;
        out.summary = list + "\n" + out.summary;
    }
    return out;
}

}  // namespace pgfence::serve

namespace pgfence::serve {

StoreResult<bool> queue_closed_or_reopened(trace::Connection& c, const std::string& repository, const std::string& head,
                                           std::int64_t pull_request, bool reopened, bool merged, bool uploaded) {
    const std::string number = std::to_string(pull_request);
    if (!reopened) {
        if (merged) return true;
        // The head's check says so instead of keeping the closed pull request's last conclusion for
        // whoever points at the commit next (a new pull request, a push of it to another branch).
        return enqueue(c, "head_check", {{"repository", repository}, {"head_sha", head}, {"pull_request", pull_request},
                                         {"state", "closed"}});
    }
    if (!uploaded) return true;
    auto jobs = c.query("SELECT DISTINCT ON (COALESCE(envelope->>'job', '')) id FROM pgfence_uploads "
                        "WHERE repository = $1 AND pull_request = $2 AND head_sha = $3 AND response IS NOT NULL "
                        "ORDER BY COALESCE(envelope->>'job', ''), created_at DESC, id DESC",
                        {repository, number, head});
    if (!jobs) return db_error(c, jobs.error());
    for (int i = 0; i < jobs->rows(); ++i) {
        auto queued = enqueue(c, "check", {{"upload_id", jobs->value(i, 0)}, {"repository", repository}, {"head_sha", head},
                                           {"pull_request", pull_request}});
        if (!queued) return queued.error();
    }
    return true;
}

StoreResult<std::string> own_head_decision(trace::Connection& c, const std::string& repository, const std::string& head,
                                           std::int64_t pull_request) {
    auto r = c.query("SELECT conclusion, job FROM pgfence_head_decisions WHERE repository = $1 AND head_sha = $2 AND pull_request = $3",
                     {repository, head, std::to_string(pull_request)});
    if (!r) return db_error(c, r.error());
    std::vector<HeadDecision> own;
    for (int i = 0; i < r->rows(); ++i) own.push_back({pull_request, r->value(i, 1), std::nullopt, r->value(i, 0), "", "", ""});
    // A job of it whose upload was refused (and not accepted since) decided failure.
    auto refused = refused_job_decisions(c, repository, head, pull_request);
    if (!refused) return refused.error();
    own.insert(own.end(), refused->begin(), refused->end());
    // A job that decided for an earlier head only: this head is not reviewed whole.
    if (!own.empty()) {
        auto missing = missing_jobs(c, repository, pull_request, own);
        if (!missing) return missing.error();
        own.insert(own.end(), missing->begin(), missing->end());
    }
    return combine(own).conclusion;
}

bool Service::handle_base_change(const json& payload, const std::string& delivery, std::string& error, bool& give_up) {
    const std::string repository = lower(text_at(payload, {"repository", "full_name"}).value_or(""));
    auto number = number_at(payload, {"pull_request", "number"});
    auto head = text_at(payload, {"pull_request", "head", "sha"});
    if (!valid_repository(repository) || !number || !head || !is_hex(*head, 40)) {
        error = "a pull_request edited delivery without its repository, number and head: ignored";
        give_up = true;
        return false;
    }
    const std::string to = text_at(payload, {"pull_request", "base", "ref"}).value_or("");
    const std::string from = text_at(payload, {"changes", "base", "ref", "from"}).value_or("");
    const std::string title = "The base changed: re-run pgfence for the new base";
    const std::string summary =
        "Pull request #" + std::to_string(*number) + "'s base changed" +
        (from.empty() || to.empty() ? std::string() : " from " + annotate::md_code_span(from, annotate::MdPlace::Prose, 200) +
                                                          " to " + annotate::md_code_span(to, annotate::MdPlace::Prose, 200)) +
        " after its upload: the decision was made against the old base and no longer counts. The check waits for an upload "
        "for the new base: run the pgfence job again (a workflow that runs on `pull_request` `edited` does it by itself).";
    auto done = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto up = c.query("INSERT INTO pgfence_pull_requests (repository, number, head_sha, state, base_changed_at) "
                          "VALUES ($1, $2, $3, 'open', now()) ON CONFLICT (repository, number) DO UPDATE SET "
                          "base_changed_at = now(), updated_at = now()",
                          {repository, std::to_string(*number), *head});
        if (!up) return db_error(c, up.error());
        // Each job's decision for this head is voided in place (pending until that job uploads for
        // the new base: one job's upload does not stand for another's, issue #53); those of older
        // heads go; with none, one for the pull request as a whole. The pull request's jobs stay
        // (pgfence_pull_request_jobs): one only waited for on this head is waited for still (r71 F9).
        auto dropped = c.query("DELETE FROM pgfence_head_decisions WHERE repository = $1 AND pull_request = $2 AND head_sha <> $3",
                               {repository, std::to_string(*number), *head});
        if (!dropped) return db_error(c, dropped.error());
        auto jobs = c.query("UPDATE pgfence_head_decisions SET upload_id = NULL, conclusion = 'pending', title = $4, summary = $5, "
                            "body = '', updated_at = now() WHERE repository = $1 AND pull_request = $2 AND head_sha = $3 RETURNING 1",
                            {repository, std::to_string(*number), *head, title, summary});
        if (!jobs) return db_error(c, jobs.error());
        if (jobs->rows() == 0) {
            auto voided = record_head_decision(c, repository, *head, {*number, "", std::nullopt, "pending", title, summary, ""});
            if (!voided) return voided.error();
        }
        auto e = append_audit(c, repository, "base_changed", std::nullopt, *number,
                              {{"head_sha", *head}, {"from", from}, {"to", to}, {"delivery", delivery}});
        if (!e) return e.error();
        auto governed = c.query("SELECT 1 FROM pgfence_tokens WHERE lower(repository) = $1 AND revoked_at IS NULL LIMIT 1",
                                {repository});
        if (!governed) return db_error(c, governed.error());
        if (governed->rows() == 0) return true;
        return enqueue(c, "head_check", {{"repository", repository}, {"head_sha", *head}, {"pull_request", *number},
                                         {"state", "base_changed"}});
    });
    if (!done) error = done.error().message;
    return static_cast<bool>(done);
}

}  // namespace pgfence::serve
