#pragma once
// The GitHub REST client: one authenticated connection to api.github.com or a GitHub Enterprise
// Server, with retries on server errors and rate limits, Link-header pagination, and a token that
// never reaches a log line or an error message.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/base/error.hpp"
#include "bot/http_transport.hpp"

namespace pgfence::bot::github {

using SleepFunction = std::function<void(std::chrono::milliseconds)>;
using LogFunction = std::function<void(const std::string&)>;

struct ClientOptions {
    std::string api_url = "https://api.github.com";  // GHES: https://host/api/v3 (prefix kept)
    std::string token;
    int max_attempts = 4;
    std::chrono::milliseconds first_backoff{1000};  // doubles on each retry without server advice
    std::chrono::seconds max_wait{60};  // longest single wait; a longer demanded wait fails at once
    std::string user_agent = std::string("pgfence/") + PGFENCE_VERSION;
    std::chrono::seconds connect_timeout{10};
    std::chrono::seconds read_timeout{30};
    std::string ca_cert_file;  // PEM bundle for a GHES with a private CA; empty: the system's
                               // (OpenSSL's default paths, so SSL_CERT_FILE works too)
    SleepFunction sleep;  // empty: std::this_thread::sleep_for (tests record instead)
    LogFunction log;      // empty: lines go to stderr; every line is redacted first
};

// GITHUB_API_URL (default api.github.com) and the token from the action input, else GITHUB_TOKEN.
[[nodiscard]] ClientOptions options_from_env(std::optional<std::string> token_input);

// An HTTP failure: status is 0 when no response came (connection, timeout, TLS).
// maybe_applied: the request may have taken effect although it failed (no answer after it was
// sent, or a 5xx), so blindly sending it again could do it twice.
class GitHubError {
public:
    GitHubError(int status, std::string message, bool maybe_applied = false)
        : m_status(status), m_message(std::move(message)), m_maybe_applied(maybe_applied) {}
    [[nodiscard]] int status() const { return m_status; }
    [[nodiscard]] const std::string& message() const { return m_message; }
    [[nodiscard]] bool maybe_applied() const { return m_maybe_applied; }

private:
    int m_status;
    std::string m_message;
    bool m_maybe_applied;
};

// Every fallible call of the client and of github_api.hpp: the callers decide on the status.
template <typename T>
using Result = analyze::Result<T, GitHubError>;
using Status = Result<analyze::Done>;

// Whether a failed request may be sent again. POSTs that must not happen twice (a comment)
// use only_if_unsent: retried after rate limits and refused connections, never after a
// timeout or a 5xx, where GitHub may have done it already.
enum class Replay { allowed, only_if_unsent };

struct Response {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // names lower-cased

    [[nodiscard]] const std::string* header(std::string_view lower_name) const;
    [[nodiscard]] Result<nlohmann::json> json() const;  // an error when the body is not JSON
};

// Replaces every occurrence of secret in text (no-op for an empty secret).
[[nodiscard]] std::string redact(std::string_view text, std::string_view secret);

// The URL of the rel="next" entry of a Link header, if any.
[[nodiscard]] std::optional<std::string> next_link(std::string_view link_header);

// Split form of an http(s) URL: origin "https://host:port" and path (with query).
struct UrlParts {
    std::string scheme;
    std::string origin;
    std::string path;
};
[[nodiscard]] std::optional<UrlParts> split_url(std::string_view url);

// How long to wait before retrying a response, or nullopt when it must not be retried.
// attempt counts from 1; now is only used against x-ratelimit-reset.
struct RetryAdvice {
    std::chrono::milliseconds wait{0};
    bool demanded_by_server = false;  // Retry-After or x-ratelimit-reset, not our own backoff
};
[[nodiscard]] std::optional<RetryAdvice> retry_advice(const Response& response, int attempt,
                                                      const ClientOptions& options,
                                                      std::chrono::system_clock::time_point now);

// Why api_url cannot be used (not http(s), credentials, a query or fragment, no host), in
// words that never quote the URL; nothing when it is fine.
[[nodiscard]] std::optional<std::string> api_url_problem(std::string_view url);

class Client {
public:
    // An error (status 0, "GITHUB_API_URL ...") when api_url_problem finds one.
    [[nodiscard]] static Result<std::unique_ptr<Client>> create(ClientOptions options);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // One API call, retried as ClientOptions says. path_or_url is relative to api_url
    // ("/repos/o/r/...") or an absolute URL on the same origin (from a Link header).
    // Any non-2xx final answer is an error.
    [[nodiscard]] Result<Response> request(std::string_view method, const std::string& path_or_url, const nlohmann::json* body,
                     Replay replay = Replay::allowed);

    // Every element of a paginated array endpoint, following rel="next" (per_page=100).
    [[nodiscard]] Result<std::vector<nlohmann::json>> get_all(const std::string& path);

    [[nodiscard]] std::string redact(std::string_view text) const;
    [[nodiscard]] const ClientOptions& options() const { return m_options; }

private:
    Client(ClientOptions options, UrlParts base, std::unique_ptr<http::Transport> http);
    [[nodiscard]] Result<std::string> resolve(const std::string& path_or_url) const;
    void log(const std::string& line) const;
    void wait(std::chrono::milliseconds how_long) const;

    ClientOptions m_options;
    UrlParts m_base;
    std::unique_ptr<http::Transport> m_http;
};

}  // namespace pgfence::bot::github
