// The `head_check` job (issue #32): the 'pgfence governance' check of a head commit that has no
// valid upload of its own. A pull request's new head gets an in-progress check ("no upload
// received for this head") until its upload arrives; a head whose upload the service refused gets
// a failing one that says why, whichever came first: the refusal or the webhook naming the head
// (the refusal is read from pgfence_refused_heads when the job runs, not only from the job). Once a valid upload of the head is recorded its decision is the
// check, and this job changes nothing (it queues that decision again if it raced with it).
#include "serve/audit.hpp"
#include "serve/head_decisions.hpp"
#include "serve/metrics.hpp"
#include "serve/payload.hpp"
#include "serve/refused_jobs.hpp"
#include "serve/service.hpp"

#include "annotate/escape.hpp"

namespace pgfence::serve {

using nlohmann::json;

namespace {

// The newest accepted upload of `head` in `repository`: its id and pull request, or nothing.
StoreResult<std::optional<std::pair<std::string, std::int64_t>>> accepted_upload(trace::Connection& c, const std::string& repository,
                                                                               const std::string& head) {
    auto r = c.query("SELECT id, pull_request FROM pgfence_uploads WHERE repository = $1 AND head_sha = $2 "
                     "AND response IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1",
                     {repository, head});
    if (!r) return db_error(c, r.error());
    if (r->rows() == 0) return std::optional<std::pair<std::string, std::int64_t>>{};
    return std::optional<std::pair<std::string, std::int64_t>>{std::make_pair(r->value(0, 0), std::stoll(r->value(0, 1)))};
}

}  // namespace

bool Service::post_head_check(const json& payload, std::string& error, bool& give_up) {
    const std::string repository = payload.value("repository", "");
    const std::string head = payload.value("head_sha", "");
    const std::int64_t number = payload.value("pull_request", std::int64_t{0});
    bool refused = payload.value("state", "") == "refused";
    // A job's refused upload (serve/refused_jobs.hpp): its refusal is that job's decision, so the
    // check is the worst of the head's decisions when another job's upload was accepted.
    const bool job_refused = refused;
    // The pull request's base changed (serve/head_decisions.cpp): the head's decisions as they now stand.
    const bool base_changed = payload.value("state", "") == "base_changed";
    // The pull request was closed without merging: its decisions no longer stand for the head; the
    // check is what the open pull requests with this head decide, or waits for one.
    const bool closed = payload.value("state", "") == "closed";
    std::optional<CombinedCheck> combined;
    std::string why = payload.value("why", "");
    if (!valid_repository(repository) || !is_hex(head, 40)) {
        error = "a head_check job without its repository and head";
        give_up = true;
        return false;
    }
    bool decided = false;
    std::optional<std::int64_t> check_run_id;
    std::optional<std::int64_t> installation;
    auto loaded = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto upload = accepted_upload(c, repository, head);
        if (!upload) return upload.error();
        decided = upload->has_value();
        if (base_changed || closed || job_refused) {
            auto standing = head_decisions(c, repository, head);
            if (!standing) return standing.error();
            if (!standing->empty()) combined = combine(*standing);
            else if (base_changed || (job_refused && decided)) return true;  // an upload of the job accepted since decides
        } else if (decided) {
            return true;
        }
        auto r = c.query("SELECT (SELECT check_run_id FROM pgfence_checks WHERE repository = $1 AND head_sha = $2), "
                         "(SELECT installation_id FROM pgfence_pull_requests WHERE repository = $1 AND number = $3)",
                         {repository, head, std::to_string(number)});
        if (!r) return db_error(c, r.error());
        if (!r->is_null(0, 0)) check_run_id = std::stoll(r->value(0, 0));
        if (!r->is_null(0, 1)) installation = std::stoll(r->value(0, 1));
        // A refusal noted for this head decides, whichever job comes last: a waiting check queued
        // by a webhook never replaces the failing one (and says the latest reason).
        auto noted = c.query("SELECT why FROM pgfence_refused_heads WHERE repository = $1 AND head_sha = $2 AND noted",
                             {repository, head});
        if (!noted) return db_error(c, noted.error());
        if (noted->rows() > 0) {
            refused = true;
            if (!noted->is_null(0, 0)) why = noted->value(0, 0);
        }
        return true;
    });
    if (!loaded) {
        error = loaded.error().message;
        return false;
    }
    // A valid upload of this head decides its check (with every job's refusal that stands, above).
    if (closed ? false : base_changed ? !combined : job_refused ? !combined && decided : decided) return true;
    auto access = token_for(repository, installation);
    if (!access) {
        error = access.error().message;
        give_up = access.error().permanent;
        return false;
    }
    const std::string& token = access->second;
    if (!check_run_id) {
        auto found = m_app->request("GET", "/repos/" + repository + "/commits/" + head +
                                               "/check-runs?" + m_app->own_runs_query(), token);
        if (found.status == 200 && found.body.contains("check_runs") && found.body["check_runs"].is_array() &&
            !found.body["check_runs"].empty() && found.body["check_runs"][0].contains("id") &&
            found.body["check_runs"][0]["id"].is_number_integer()) {
            check_run_id = found.body["check_runs"][0]["id"].get<std::int64_t>();
        }
    }
    std::string conclusion = refused ? "failure" : "pending";
    json output;
    if (combined) {
        conclusion = combined->conclusion;
        refused = conclusion != "pending";  // completed: another decision for this head is worse than waiting
        output = {{"title", combined->title}, {"summary", combined->summary}};
        if (!combined->body.empty()) output["text"] = combined->body;
        if (closed) why = "pull request #" + std::to_string(number) + " was closed";
        else if (base_changed) why = "the base of pull request #" + std::to_string(number) + " changed";
    } else if (refused) {
        const HeadDecision said = refused_decision(number, payload.value("job", std::string()), why);
        output = {{"title", said.title}, {"summary", said.summary}};
    } else if (closed) {
        why = "pull request #" + std::to_string(number) + " was closed";
        output = {{"title", "Pull request #" + std::to_string(number) + " was closed: its decision no longer counts"},
                  {"summary", "Pull request #" + std::to_string(number) +
                                  " was closed without being merged, so its decision (and any sign-off given on it) no "
                                  "longer stands for this commit. Nothing open is reviewed here: a pull request with this "
                                  "head (reopened, or a new one) is decided when its `pgfence pr --upload` step uploads."}};
    } else {
        output = {{"title", "Waiting for the upload of this commit"},
                  {"summary", "No upload received for this head commit yet: the check is decided when the `pgfence pr "
                              "--upload` step of this commit's CI uploads its report. A review or approval of an "
                              "earlier commit does not stand for this one."}};
    }
    json body = {{"name", k_check_name}, {"head_sha", head}, {"output", output}, {"external_id", "head:" + head}};
    if (refused) {
        body["status"] = "completed";
        body["conclusion"] = conclusion;
    } else {
        body["status"] = "in_progress";
    }
    if (!m_config.public_url.empty()) body["details_url"] = m_config.public_url;
    // A run that completed is not reopened (GitHub keeps a completed run's conclusion): a waiting
    // run after a change of the base is a new run, the latest of its name, which branch protection reads.
    if ((combined || closed) && !refused) check_run_id.reset();
    GitHubResponse r = check_run_id
                           ? m_app->request("PATCH", "/repos/" + repository + "/check-runs/" + std::to_string(*check_run_id), token, &body)
                           : m_app->request("POST", "/repos/" + repository + "/check-runs", token, &body);
    if (r.status == 401) m_app->forget_token(access->first);
    if (r.status != 200 && r.status != 201) {
        error = "GitHub answered " + (r.status == 0 ? r.failure : "HTTP " + std::to_string(r.status)) + " to the check run";
        give_up = permanent_failure(r);
        m_metrics->count(m_metrics->checks, "error");
        return false;
    }
    const std::int64_t id = r.body.value("id", std::int64_t{0});
    auto recorded = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto up = c.query("INSERT INTO pgfence_checks (repository, head_sha, check_run_id, conclusion, content_hash) "
                          "VALUES ($1, $2, $3, $4, NULL) ON CONFLICT (repository, head_sha) DO UPDATE SET "
                          "check_run_id = EXCLUDED.check_run_id, conclusion = EXCLUDED.conclusion, "
                          "content_hash = NULL, updated_at = now()",
                          {repository, head, std::to_string(id), conclusion});
        if (!up) return db_error(c, up.error());
        auto event = append_audit(c, repository, "check", std::nullopt, number,
                                  {{"check_run_id", id}, {"conclusion", conclusion}, {"head_sha", head},
                                   {"why", refused || closed ? why : "no upload received for this head"}});
        if (!event) return event.error();
        // An upload of this head recorded meanwhile: its decision is posted again over this run
        // (and over the one its own check job may have made at the same time).
        if (combined || closed) return true;  // an upload for the new base (or an open pull request) posts its own decision
        auto upload = accepted_upload(c, repository, head);
        if (!upload) return upload.error();
        if (!*upload) return true;
        return enqueue(c, "check", {{"upload_id", (*upload)->first}, {"repository", repository}, {"head_sha", head},
                                    {"pull_request", (*upload)->second}, {"also_check_run_id", id}});
    });
    if (!recorded) {
        error = recorded.error().message;
        return false;
    }
    m_metrics->count(m_metrics->checks, check_run_id ? "updated" : "created");
    return true;
}

}  // namespace pgfence::serve
