#include "serve/github_app.hpp"

#include <httplib.h>

#include <algorithm>

#include <ctime>

#include "analyze/base/civil_date.hpp"

namespace pgfence::serve {
std::pair<std::string, std::string> split_origin(const std::string& url) {
    auto scheme_end = url.find("://");
    auto path_start = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
    if (path_start == std::string::npos) return {url, ""};
    std::string prefix = url.substr(path_start);
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    return {url.substr(0, path_start), prefix};
}

std::optional<std::chrono::system_clock::time_point> parse_utc(const std::string& text) {
    // Exactly YYYY-MM-DDTHH:MM:SSZ naming a real instant: strptime would take 2026-02-31 (and
    // timegm move it to March), which the database then refuses.
    if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z') return std::nullopt;
    auto date = analyze::parse_civil_date(std::string_view(text).substr(0, 10));
    if (!date || date->year < 1) return std::nullopt;  // PostgreSQL has no year 0
    int clock[3] = {0, 0, 0};
    for (int part = 0; part < 3; ++part) {
        const char hi = text[11 + part * 3];
        const char lo = text[12 + part * 3];
        if (hi < '0' || hi > '9' || lo < '0' || lo > '9') return std::nullopt;
        clock[part] = (hi - '0') * 10 + (lo - '0');
    }
    if (clock[0] > 23 || clock[1] > 59 || clock[2] > 59) return std::nullopt;
    const std::chrono::year_month_day day{std::chrono::year(date->year), std::chrono::month(static_cast<unsigned>(date->month)),
                                          std::chrono::day(static_cast<unsigned>(date->day))};
    return std::chrono::sys_days(day) + std::chrono::hours(clock[0]) + std::chrono::minutes(clock[1]) +
           std::chrono::seconds(clock[2]);
}

GitHubApp::GitHubApp(std::string api_url, std::string app_id, SigningKey key, std::string user_agent)
    : m_api_url(std::move(api_url)), m_app_id(std::move(app_id)), m_key(std::move(key)), m_user_agent(std::move(user_agent)) {}

analyze::Result<std::string> GitHubApp::jwt() const {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const std::string header = base64url(R"({"alg":"RS256","typ":"JWT"})");
    nlohmann::json claims = {{"iat", now - 60}, {"exp", now + 540}, {"iss", m_app_id}};
    const std::string signing_input = header + "." + base64url(claims.dump());
    auto signature = m_key.sign_rs256(signing_input);
    if (!signature) return signature.error();
    return signing_input + "." + base64url(*signature);
}

GitHubResponse api_request(const std::string& api_url, const std::string& user_agent, const std::string& method,
                           const std::string& path, const std::string& token, const nlohmann::json* body) {
    auto [origin, prefix] = split_origin(api_url);
    httplib::Client client(origin);
    client.set_connection_timeout(std::chrono::seconds(10));
    client.set_read_timeout(std::chrono::seconds(30));
    client.set_follow_location(false);  // a redirect must not carry the token elsewhere
    httplib::Request req;
    req.method = method;
    req.path = prefix + path;
    req.set_header("Accept", "application/vnd.github+json");
    req.set_header("X-GitHub-Api-Version", "2022-11-28");
    req.set_header("User-Agent", user_agent);
    req.set_header("Authorization", "Bearer " + token);
    if (body != nullptr) {
        req.body = body->dump();
        req.set_header("Content-Type", "application/json");
    }
    auto response = client.send(req);
    GitHubResponse out;
    if (!response) {
        out.failure = httplib::to_string(response.error());
        return out;
    }
    out.status = response->status;
    out.rate_limited = response->has_header("Retry-After") || response->get_header_value("x-ratelimit-remaining") == "0";
    out.body = nlohmann::json::parse(response->body, nullptr, false);
    if (out.body.is_discarded()) out.body = nlohmann::json::object();
    return out;
}

bool permanent_failure(const GitHubResponse& response) {
    const int s = response.status;
    if (s == 401 || s == 403) return !response.rate_limited;
    return s >= 400 && s < 500 && s != 408 && s != 429;
}

std::string describe(const GitHubResponse& response) {
    return response.status == 0 ? response.failure : "HTTP " + std::to_string(response.status);
}

GitHubResponse GitHubApp::request(const std::string& method, const std::string& path, const std::string& token,
                                  const nlohmann::json* body) const {
    return api_request(m_api_url, m_user_agent, method, path, token, body);
}

GitHubResult<std::int64_t> GitHubApp::installation_of(const std::string& repository) {
    {
        std::lock_guard lock(m_mutex);
        if (auto it = m_installations.find(repository); it != m_installations.end()) return it->second;
    }
    auto token = jwt();
    if (!token) return GitHubFailure{token.error().message, true};
    auto r = request("GET", "/repos/" + repository + "/installation", *token);
    if (r.status != 200 || !r.body.contains("id") || !r.body["id"].is_number_integer()) {
        return GitHubFailure{"the App is not installed on " + repository + " (GET installation: " +
                                 (r.status == 0 ? r.failure : std::to_string(r.status)) + ")",
                             permanent_failure(r)};
    }
    std::int64_t id = r.body["id"].get<std::int64_t>();
    std::lock_guard lock(m_mutex);
    m_installations[repository] = id;
    return id;
}

GitHubResult<std::string> GitHubApp::installation_token(std::int64_t installation) {
    const auto now = std::chrono::system_clock::now();
    {
        std::lock_guard lock(m_mutex);
        if (auto it = m_tokens.find(installation); it != m_tokens.end() && it->second.expires - std::chrono::minutes(5) > now) {
            return it->second.token;
        }
    }
    auto token = jwt();
    if (!token) return GitHubFailure{token.error().message, true};
    nlohmann::json body = nlohmann::json::object();
    auto r = request("POST", "/app/installations/" + std::to_string(installation) + "/access_tokens", *token, &body);
    if (r.status != 201 || !r.body.contains("token") || !r.body["token"].is_string()) {
        return GitHubFailure{"no installation token for installation " + std::to_string(installation) + " (" + describe(r) + ")",
                             permanent_failure(r)};
    }
    Cached cached{r.body["token"].get<std::string>(), now + std::chrono::minutes(55)};
    if (auto expires = parse_utc(r.body.value("expires_at", ""))) cached.expires = *expires;
    std::lock_guard lock(m_mutex);
    m_tokens[installation] = cached;
    return cached.token;
}

void GitHubApp::forget_token(std::int64_t installation) {
    std::lock_guard lock(m_mutex);
    m_tokens.erase(installation);
}

std::string GitHubApp::own_runs_query() const {
    const bool numeric = !m_app_id.empty() && std::all_of(m_app_id.begin(), m_app_id.end(), [](char c) { return c >= '0' && c <= '9'; });
    return "check_name=pgfence%20governance&filter=latest" + (numeric ? "&app_id=" + m_app_id : std::string());
}

}  // namespace pgfence::serve
