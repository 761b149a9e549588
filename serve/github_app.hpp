#pragma once
// The service's GitHub identity: a GitHub App. A JWT signed RS256 with the App's private key
// (serve/crypto.hpp) is exchanged for an installation token per installation, cached until five
// minutes before it expires. Tokens are never logged.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "analyze/base/error.hpp"
#include "serve/crypto.hpp"

namespace pgfence::serve {

struct GitHubResponse {
    int status = 0;          // 0: no answer (connection failure)
    std::string failure;     // why there was no answer
    nlohmann::json body;
    bool rate_limited = false;  // a Retry-After, or x-ratelimit-remaining: 0 (a 403 or 429 that passes)
};

// Whether asking again cannot change GitHub's answer: 404, 410, 422 (a deleted pull request, a
// renamed repository), any other 4xx but 408 and 429, and 401 or 403 without a rate limit's
// headers (a missing permission, a revoked installation). 5xx, rate limits and no answer pass.
[[nodiscard]] bool permanent_failure(const GitHubResponse& response);
// "HTTP 404" or why there was no answer.
[[nodiscard]] std::string describe(const GitHubResponse& response);

// A GitHub call that failed: why, and whether a later attempt could succeed.
struct GitHubFailure {
    std::string message;
    bool permanent = false;
};
template <typename T>
using GitHubResult = analyze::Result<T, GitHubFailure>;

class GitHubApp {
public:
    GitHubApp(std::string api_url, std::string app_id, SigningKey key, std::string user_agent);

    // The App's JWT, valid ten minutes (issued a minute in the past, for clock drift).
    [[nodiscard]] analyze::Result<std::string> jwt() const;
    // The installation that covers `repository` (GET /repos/{owner}/{repo}/installation).
    [[nodiscard]] GitHubResult<std::int64_t> installation_of(const std::string& repository);
    // A token for `installation`, from the cache or new.
    [[nodiscard]] GitHubResult<std::string> installation_token(std::int64_t installation);
    // One request with a bearer token; `path` is below the API's URL, already encoded.
    [[nodiscard]] GitHubResponse request(const std::string& method, const std::string& path, const std::string& token,
                                         const nlohmann::json* body = nullptr) const;
    // Forgets a token GitHub refused (a 401), so the next call asks for a new one.
    void forget_token(std::int64_t installation);
    // The query that lists only this App's 'pgfence governance' runs on a commit (`check_name`,
    // `app_id`, `filter=latest`): a run of that name that another app made (the workflow's
    // GITHUB_TOKEN is the github-actions app) is never taken for the service's.
    [[nodiscard]] std::string own_runs_query() const;

private:
    std::string m_api_url;
    std::string m_app_id;
    SigningKey m_key;
    std::string m_user_agent;
    std::mutex m_mutex;
    struct Cached {
        std::string token;
        std::chrono::system_clock::time_point expires;
    };
    std::map<std::int64_t, Cached> m_tokens;
    std::map<std::string, std::int64_t> m_installations;
};

// The origin (scheme://host[:port]) and the path prefix of a URL (a GHES API's /api/v3).
[[nodiscard]] std::pair<std::string, std::string> split_origin(const std::string& url);

// One request to the API at `api_url` (GHES: with its /api/v3) with a bearer token, an
// installation's or a signed-in user's; `path` is below the API's URL, already encoded. Redirects
// are not followed, so a token never travels to another host.
[[nodiscard]] GitHubResponse api_request(const std::string& api_url, const std::string& user_agent, const std::string& method,
                                         const std::string& path, const std::string& token,
                                         const nlohmann::json* body = nullptr);

// "2026-11-23T10:00:00Z" as a time point; nothing when it is not exactly that form or names no
// real instant (2026-02-31, 24:00:00, year 0000).
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_utc(const std::string& text);

}  // namespace pgfence::serve
