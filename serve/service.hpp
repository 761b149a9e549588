#pragma once
// `pgfence serve`: the governance service's HTTP API on cpp-httplib, and the workers that do the
// slow part (GitHub's API) after the answer, from the job queue in the database.
//   POST /v1/analyses        an upload from `pgfence pr --upload` (bearer token per repository)
//   POST /v1/github/webhook  the GitHub App's webhooks (X-Hub-Signature-256 verified first)
//   GET  /v1/audit           the audit chains as JSON Lines (?repository=&since=)
//   GET  /healthz, /metrics  liveness (and the database's), Prometheus text
#include <atomic>
#include <chrono>
#include <mutex>
#include <memory>
#include <string>

#include "serve/config.hpp"
#include "serve/decide.hpp"
#include "serve/github_app.hpp"
#include "serve/store.hpp"

namespace pgfence::serve {

struct Metrics;

class Service {
public:
    Service(Config config, Store& store, Policies policies, std::unique_ptr<GitHubApp> app);
    ~Service();
    // Serves until `stop` (or SIGINT/SIGTERM in serve_main); false with the reason when it cannot listen.
    [[nodiscard]] analyze::Status run();
    void stop();

private:
    void work_loop();
    // One job: true when done, false to retry later (the reason in `error`).
    bool process(const Job& job, std::string& error, bool& give_up);
    bool post_check(const nlohmann::json& payload, std::string& error, bool& give_up);
    bool handle_webhook(const nlohmann::json& job, std::string& error, bool& give_up);
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
    std::unique_ptr<Metrics> m_metrics;
    std::atomic<bool> m_stopping{false};
    struct Http;
    std::unique_ptr<Http> m_http;
};

}  // namespace pgfence::serve
