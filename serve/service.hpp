#pragma once
// `pgfence serve`: the governance service's HTTP API on cpp-httplib, and the workers that do the
// slow part (GitHub's API) after the answer, from the job queue in the database.
//   POST /v1/analyses        an upload from `pgfence pr --upload` (bearer token per repository)
//   POST /v1/github/webhook  the GitHub App's webhooks (X-Hub-Signature-256 verified first)
//   GET  /v1/audit           the audit chains as JSON Lines (?repository=&since=)
//   GET  /healthz, /metrics  liveness (and the database's), Prometheus text
#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <vector>
#include <mutex>
#include <memory>
#include <string>

#include "serve/config.hpp"
#include "serve/decide.hpp"
#include "serve/github_app.hpp"
#include "serve/store.hpp"
#include "serve/upload_target.hpp"

namespace pgfence::serve {

struct Metrics;
class DashboardCache;

class Service {
public:
    Service(Config config, Store& store, Policies policies, std::unique_ptr<GitHubApp> app);
    ~Service();
    // Serves until `stop` (or SIGINT/SIGTERM in serve_main); false with the reason when it cannot listen.
    [[nodiscard]] analyze::Status run();
    void stop();

private:
    // POST /v1/analyses with a body above max_upload_bytes: 413, and a failing check on the head
    // the Pgfence-* headers name when the token (of `token_repository`) uploads for that repository.
    void upload_too_large(const httplib::Request& req, const std::string& token_repository, const UploadBody& body,
                          httplib::Response& res);
    // A refused upload of `head` by `job` (`pgfence pr --name`, "" without): kept as that job's
    // decision (serve/refused_jobs.hpp), audited (upload_refused) and its failing head_check queued.
    // With `known_head_once` (the 413 path, whose head only the headers name) audited and queued
    // only when `head` is the pull request's head as the webhooks last said, and once per
    // (repository, head) and per job whose refusal was not standing.
    void note_refused_upload(const UploadTarget& head, int status, const std::string& why, const std::string& key,
                             const std::string& job, bool known_head_once = false);
    void work_loop();
    // A job that failed for good (serve/job_failure.cpp): the pull request's head gets a failing
    // check saying why (when it can still be posted) and the chain a `job_failed` event.
    void report_failed_job(const Job& job, const std::string& why);
    // One job: true when done, false to retry later (the reason in `error`).
    bool process(const Job& job, std::string& error, bool& give_up);
    bool post_check(const nlohmann::json& payload, std::string& error, bool& give_up);
    // A head without a valid upload of its own (serve/head_check.cpp): a pending check while none
    // arrived, a failing one when its upload was refused; nothing once a valid upload decided it.
    bool post_head_check(const nlohmann::json& payload, std::string& error, bool& give_up);
    bool handle_webhook(const nlohmann::json& job, std::string& error, bool& give_up);
    // `pull_request` edited with `changes.base` (serve/head_decisions.cpp): the pull request's
    // decisions were for the old base; its head's check waits for an upload for the new one.
    bool handle_base_change(const nlohmann::json& payload, const std::string& delivery, std::string& error, bool& give_up);
    // Sign-off and exemptions (serve/signoff_service.cpp): an approving or dismissed review, a
    // `/pgfence` comment, an exemption's expiry.
    bool handle_review(const nlohmann::json& payload, const std::string& delivery, std::string& error, bool& give_up);
    bool handle_comment(const nlohmann::json& payload, const std::string& delivery, std::string& error, bool& give_up);
    bool expire_exemption(const nlohmann::json& payload, std::string& error, bool& give_up);
    // Whether `login` is one of `people` ("@org/team": an active member, asked of GitHub;
    // "login": that user, with at least write permission on the repository), cached
    // membership_cache_seconds. An error when GitHub did not answer.
    [[nodiscard]] GitHubResult<bool> may_act(const std::string& repository, const std::vector<std::string>& people,
                                                const std::string& login, const std::string& token);
    // The logins that authored or committed a commit of the pull request (GitHub's list of its
    // commits) or pushed to it: each counts as an author when the policy does not let authors
    // approve. `complete` is false when GitHub's list may be cut short (it lists at most 250
    // commits): then the authors are not all known, and no sign-off may rest on them.
    struct Committers {
        std::set<std::string> logins;
        bool complete = true;
    };
    [[nodiscard]] GitHubResult<Committers> pull_committers(const std::string& repository, std::int64_t number,
                                                           const std::string& token);
    // The installation token for `repository` (its installation from the webhooks, else asked).
    [[nodiscard]] GitHubResult<std::pair<std::int64_t, std::string>> token_for(const std::string& repository,
                                                                               std::optional<std::int64_t> installation);
    // The policy in force and where it came from ({"source", "sha"}): governance.toml's, or the
    // organisation's file in policy_repository, read through the App at most every five minutes
    // (the last copy read is kept while GitHub cannot be reached).
    [[nodiscard]] analyze::Result<std::pair<std::shared_ptr<const Policies>, nlohmann::json>> current_policy();

    Config m_config;
    Store& m_store;
    std::mutex m_policy_mutex;
    std::shared_ptr<const Policies> m_policies;
    nlohmann::json m_policy_source;
    std::chrono::steady_clock::time_point m_policy_read{};
    std::mutex m_policy_fetch_mutex;
    std::chrono::steady_clock::time_point m_policy_failed{};
    std::string m_policy_error;
    std::unique_ptr<GitHubApp> m_app;
    std::mutex m_membership_mutex;
    std::map<std::string, std::pair<bool, std::chrono::steady_clock::time_point>> m_memberships;
    std::unique_ptr<Metrics> m_metrics;
    std::unique_ptr<DashboardCache> m_dashboard_cache;  // the page's and /metrics' figures
    std::atomic<bool> m_stopping{false};
    struct Http;
    std::unique_ptr<Http> m_http;
};

}  // namespace pgfence::serve
