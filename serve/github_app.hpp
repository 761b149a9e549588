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

#include "analyze/error.hpp"
#include "serve/crypto.hpp"

namespace pgfence::serve {

struct GitHubResponse {
    int status = 0;          // 0: no answer (connection failure)
    std::string failure;     // why there was no answer
    nlohmann::json body;
};

class GitHubApp {
public:
    GitHubApp(std::string api_url, std::string app_id, SigningKey key, std::string user_agent);

    // The App's JWT, valid ten minutes (issued a minute in the past, for clock drift).
    [[nodiscard]] analyze::Result<std::string> jwt() const;
    // The installation that covers `repository` (GET /repos/{owner}/{repo}/installation).
    [[nodiscard]] analyze::Result<std::int64_t> installation_of(const std::string& repository);
    // A token for `installation`, from the cache or new.
    [[nodiscard]] analyze::Result<std::string> installation_token(std::int64_t installation);
    // One request with a bearer token; `path` is below the API's URL, already encoded.
    [[nodiscard]] GitHubResponse request(const std::string& method, const std::string& path, const std::string& token,
                                         const nlohmann::json* body = nullptr) const;
    // Forgets a token GitHub refused (a 401), so the next call asks for a new one.
    void forget_token(std::int64_t installation);

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
