// A job that failed for good (issue #53, item 9): GitHub refused it for good (a deleted pull
// request, a renamed repository, a missing permission), or it failed every attempt. The job is
// done; what it was about must not pass for decided, so the pull request's head gets a failing
// 'pgfence governance' check that says why, and the audit chain a `job_failed` event. A later
// push, review or command is evaluated again (its check replaces this one); GitHub's Redeliver of
// the delivery runs the job again.
#include <cstdio>

#include "annotate/escape.hpp"
#include "serve/audit.hpp"
#include "serve/metrics.hpp"
#include "serve/payload.hpp"
#include "serve/service.hpp"

namespace pgfence::serve {

using nlohmann::json;

namespace {

// What the job was about: its repository, pull request and head (when the job names one), and
// the words for it in the check.
struct Subject {
    std::string repository;
    std::int64_t number = 0;
    std::string head;
    std::string what;
    std::string delivery;
};

std::optional<Subject> subject_of(const Job& job) {
    Subject s;
    const json& p = job.payload;
    if (job.kind == "webhook") {
        static const json k_empty = json::object();
        const json& payload = p.contains("payload") && p["payload"].is_object() ? p["payload"] : k_empty;
        s.repository = lower(text_at(payload, {"repository", "full_name"}).value_or(""));
        s.number = number_at(payload, {"pull_request", "number"}).value_or(number_at(payload, {"issue", "number"}).value_or(0));
        s.head = text_at(payload, {"pull_request", "head", "sha"}).value_or(text_at(payload, {"check_run", "head_sha"}).value_or(""));
        s.delivery = p.value("delivery", "");
        s.what = "the " + p.value("event", std::string("webhook")) + " event" +
                 (s.delivery.empty() ? std::string() : " (delivery " + s.delivery + ")");
    } else if (job.kind == "check" || job.kind == "head_check" || job.kind == "expire") {
        s.repository = p.value("repository", "");
        const json* number = field(p, {"pull_request"});
        if (number != nullptr && number->is_number_integer()) s.number = number->get<std::int64_t>();
        s.head = p.value("head_sha", "");
        s.what = job.kind == "expire" ? "recording an exemption's expiry" : "posting this commit's decision";
    } else {
        return std::nullopt;
    }
    if (!valid_repository(s.repository) || (s.number <= 0 && !is_hex(s.head, 40))) return std::nullopt;
    return s;
}

}  // namespace

void Service::report_failed_job(const Job& job, const std::string& why) {
    auto subject = subject_of(job);
    if (!subject || !m_app) return;
    Subject& s = *subject;
    std::optional<std::int64_t> installation;
    std::optional<std::int64_t> check_run_id;
    auto loaded = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto r = c.query("SELECT head_sha, installation_id FROM pgfence_pull_requests WHERE repository = $1 AND number = $2",
                         {s.repository, std::to_string(s.number)});
        if (!r) return db_error(c, r.error());
        if (r->rows() > 0) {
            if (!is_hex(s.head, 40)) s.head = r->value(0, 0);
            if (!r->is_null(0, 1)) installation = std::stoll(r->value(0, 1));
        }
        if (!is_hex(s.head, 40)) return true;
        auto ch = c.query("SELECT check_run_id FROM pgfence_checks WHERE repository = $1 AND head_sha = $2", {s.repository, s.head});
        if (!ch) return db_error(c, ch.error());
        if (ch->rows() > 0 && !ch->is_null(0, 0)) check_run_id = std::stoll(ch->value(0, 0));
        return true;
    });
    if (!loaded || !is_hex(s.head, 40)) {
        std::fprintf(stderr, "pgfence serve: job %lld failed with no head commit to report it on\n", static_cast<long long>(job.id));
        return;
    }
    auto access = token_for(s.repository, installation);
    if (!access) {
        std::fprintf(stderr, "pgfence serve: the failure of job %lld was not reported: %s\n", static_cast<long long>(job.id),
                     access.error().message.c_str());
        return;
    }
    const std::string& token = access->second;
    if (!check_run_id) {
        auto found = m_app->request("GET", "/repos/" + s.repository + "/commits/" + s.head +
                                               "/check-runs?" + m_app->own_runs_query(), token);
        if (found.status == 200 && found.body.contains("check_runs") && found.body["check_runs"].is_array() &&
            !found.body["check_runs"].empty() && found.body["check_runs"][0].contains("id") &&
            found.body["check_runs"][0]["id"].is_number_integer()) {
            check_run_id = found.body["check_runs"][0]["id"].get<std::int64_t>();
        }
    }
    json output = {{"title", "The governance service could not process an event"},
                   {"summary", "The governance service gave up on " + annotate::md_text(s.what, 300) + ": " +
                                   annotate::md_text(why, 2000) +
                                   "\n\nWhat it would have changed is not known, so this commit's check fails. A later push, "
                                   "review or `/pgfence` command evaluates the pull request again; GitHub's Redeliver of the "
                                   "delivery runs it again."}};
    json body = {{"name", k_check_name}, {"head_sha", s.head}, {"status", "completed"}, {"conclusion", "failure"},
                 {"output", output}, {"external_id", "job:" + std::to_string(job.id)}};
    if (!m_config.public_url.empty()) body["details_url"] = m_config.public_url;
    GitHubResponse r = check_run_id
                           ? m_app->request("PATCH", "/repos/" + s.repository + "/check-runs/" + std::to_string(*check_run_id), token, &body)
                           : m_app->request("POST", "/repos/" + s.repository + "/check-runs", token, &body);
    const bool posted = r.status == 200 || r.status == 201;
    if (!posted) {
        std::fprintf(stderr, "pgfence serve: the failing check of job %lld was not posted (%s)\n", static_cast<long long>(job.id),
                     describe(r).c_str());
    }
    m_metrics->count(m_metrics->checks, posted ? (check_run_id ? "updated" : "created") : "error");
    const std::int64_t id = posted ? r.body.value("id", std::int64_t{0}) : 0;
    auto recorded = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        if (posted) {
            auto up = c.query("INSERT INTO pgfence_checks (repository, head_sha, check_run_id, conclusion, content_hash) "
                              "VALUES ($1, $2, $3, 'failure', NULL) ON CONFLICT (repository, head_sha) DO UPDATE SET "
                              "check_run_id = EXCLUDED.check_run_id, conclusion = EXCLUDED.conclusion, updated_at = now()",
                              {s.repository, s.head, std::to_string(id)});
            if (!up) return db_error(c, up.error());
        }
        auto e = append_audit(c, s.repository, "job_failed", std::nullopt, s.number > 0 ? std::optional(s.number) : std::nullopt,
                              {{"job_id", job.id}, {"kind", job.kind}, {"why", why}, {"head_sha", s.head},
                               {"delivery", s.delivery}, {"check_posted", posted}});
        if (!e) return e.error();
        return true;
    });
    if (!recorded) std::fprintf(stderr, "pgfence serve: the failure of job %lld was not recorded\n", static_cast<long long>(job.id));
}

}  // namespace pgfence::serve
