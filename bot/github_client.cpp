#include "bot/github_client.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>
#include <thread>


namespace pgfence::bot::github {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string trim(std::string_view s) {
    auto not_space = [](unsigned char c) { return !std::isspace(c); };
    auto b = std::find_if(s.begin(), s.end(), not_space);
    auto e = std::find_if(s.rbegin(), s.rend(), not_space).base();
    return b < e ? std::string(b, e) : std::string();
}

std::optional<long long> parse_integer(const std::string* text) {
    if (!text) return std::nullopt;
    std::string t = trim(*text);
    if (t.empty() || t.size() > 18 || !std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c); }))
        return std::nullopt;
    return std::stoll(t);
}

// One line, bounded: GitHub's messages may contain newlines, and a log line must stay a line.
std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (s.size() > 600) s = s.substr(0, 600) + "...";
    return s;
}

// GitHub's error body: {"message": ..., "errors": [{"message"|"code", "field"}...]}.
std::string github_message(const Response& response) {
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (!body.is_object()) return response.body.empty() ? std::string() : "(non-JSON body)";
    std::string text;
    if (auto m = body.find("message"); m != body.end() && m->is_string()) text = m->get<std::string>();
    if (auto errors = body.find("errors"); errors != body.end() && errors->is_array()) {
        std::string details;
        for (const auto& e : *errors) {
            std::string one;
            if (e.is_string()) one = e.get<std::string>();
            else if (e.is_object()) {
                if (e.contains("message") && e["message"].is_string()) one = e["message"].get<std::string>();
                else if (e.contains("code") && e["code"].is_string()) one = e["code"].get<std::string>();
                if (e.contains("field") && e["field"].is_string()) one += " (" + e["field"].get<std::string>() + ")";
            }
            if (one.empty()) continue;
            details += (details.empty() ? "" : "; ") + one;
        }
        if (!details.empty()) text += (text.empty() ? "" : ": ") + details;
    }
    return text;
}

std::string with_default_port_dropped(std::string scheme, std::string authority) {
    authority = lower(authority);
    if (scheme == "https" && authority.size() > 4 && authority.ends_with(":443")) authority.resize(authority.size() - 4);
    if (scheme == "http" && authority.size() > 3 && authority.ends_with(":80")) authority.resize(authority.size() - 3);
    return scheme + "://" + authority;
}

}  // namespace

ClientOptions options_from_env(std::optional<std::string> token_input) {
    ClientOptions options;
    if (const char* url = std::getenv("GITHUB_API_URL"); url && *url) options.api_url = url;
    // Secrets pasted into settings often carry a trailing newline; a header must not.
    if (token_input && !trim(*token_input).empty()) options.token = trim(*token_input);
    else if (const char* token = std::getenv("GITHUB_TOKEN"); token) options.token = trim(token);
    return options;
}

std::string redact(std::string_view text, std::string_view secret) {
    std::string out(text);
    if (secret.empty()) return out;
    for (size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, at + 3))
        out.replace(at, secret.size(), "***");
    return out;
}

std::optional<std::string> next_link(std::string_view header) {
    size_t pos = 0;
    while (true) {
        size_t lt = header.find('<', pos);
        if (lt == std::string_view::npos) return std::nullopt;
        size_t gt = header.find('>', lt);
        if (gt == std::string_view::npos) return std::nullopt;
        std::string url(header.substr(lt + 1, gt - lt - 1));
        size_t next_lt = header.find('<', gt);
        std::string_view params = header.substr(gt + 1, next_lt == std::string_view::npos ? std::string_view::npos : next_lt - gt - 1);
        size_t p = 0;
        while (p < params.size()) {
            size_t semi = params.find(';', p);
            std::string param = trim(params.substr(p, semi == std::string_view::npos ? std::string_view::npos : semi - p));
            p = semi == std::string_view::npos ? params.size() : semi + 1;
            if (!param.empty() && param.back() == ',') param.pop_back();
            if (lower(param.substr(0, 4)) != "rel=") continue;
            std::string value = trim(param.substr(4));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
            // rel may list several space-separated relation types.
            size_t s = 0;
            while (s <= value.size()) {
                size_t sp = value.find(' ', s);
                if (lower(value.substr(s, sp == std::string::npos ? std::string::npos : sp - s)) == "next") return url;
                if (sp == std::string::npos) break;
                s = sp + 1;
            }
        }
        pos = gt + 1;
    }
}

std::optional<UrlParts> split_url(std::string_view url) {
    size_t sep = url.find("://");
    if (sep == std::string_view::npos) return std::nullopt;
    std::string scheme = lower(url.substr(0, sep));
    if (scheme != "http" && scheme != "https") return std::nullopt;
    std::string_view rest = url.substr(sep + 3);
    size_t end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, end);
    if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
    UrlParts parts;
    parts.scheme = scheme;
    parts.origin = with_default_port_dropped(scheme, std::string(authority));
    parts.path = end == std::string_view::npos ? std::string() : std::string(rest.substr(end));
    if (auto hash = parts.path.find('#'); hash != std::string::npos) parts.path.resize(hash);
    return parts;
}

const std::string* Response::header(std::string_view lower_name) const {
    auto it = headers.find(std::string(lower_name));
    return it == headers.end() ? nullptr : &it->second;
}

Result<nlohmann::json> Response::json() const {
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded()) return GitHubError(status, "GitHub API answered with a body that is not JSON");
    return parsed;
}

std::optional<RetryAdvice> retry_advice(const Response& response, int attempt, const ClientOptions& options,
                                        std::chrono::system_clock::time_point now) {
    using namespace std::chrono;
    const auto retry_after = parse_integer(response.header("retry-after"));
    const auto remaining = parse_integer(response.header("x-ratelimit-remaining"));
    const auto reset = parse_integer(response.header("x-ratelimit-reset"));
    const bool exhausted = remaining && *remaining == 0;
    const int status = response.status;
    // 403 is also "forbidden for good"; only the rate-limit variants are worth another try.
    if (!(status >= 500 || status == 429 || (status == 403 && (exhausted || retry_after)))) return std::nullopt;

    if (retry_after) return RetryAdvice{milliseconds(seconds(*retry_after)), true};
    if (exhausted && reset) {
        auto reset_at = system_clock::time_point(seconds(*reset));
        auto wait = ceil<seconds>(std::max(reset_at - now, system_clock::duration::zero()));
        return RetryAdvice{duration_cast<milliseconds>(wait), true};
    }
    if (status == 429 || status == 403) {
        // GitHub: a secondary rate limit without Retry-After wants at least a minute.
        return RetryAdvice{std::min<milliseconds>(minutes(1), options.max_wait), false};
    }
    milliseconds backoff = options.first_backoff;
    for (int i = 1; i < attempt && backoff < options.max_wait; ++i) backoff *= 2;
    return RetryAdvice{std::min<milliseconds>(backoff, options.max_wait), false};
}

std::optional<std::string> api_url_problem(std::string_view url) {
    // Never quoted back: credentials or a token in a query string would be printed with it.
    size_t sep = url.find("://");
    std::string scheme = sep == std::string_view::npos ? std::string() : lower(url.substr(0, sep));
    if (scheme != "http" && scheme != "https") return "is not an http:// or https:// URL";
    std::string_view rest = url.substr(sep + 3);
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (rest.substr(0, rest.find_first_of("?#")).find('@') != std::string_view::npos)
        return "must not contain credentials (user:password@): the token goes in github-token or GITHUB_TOKEN";
    if (url.find('?') != std::string_view::npos) return "must not have a query string (?...)";
    if (url.find('#') != std::string_view::npos) return "must not have a fragment (#...)";
    if (authority.empty()) return "has no host";
    for (unsigned char c : url) {
        if (c <= 0x20 || c >= 0x7f) return "must not contain spaces or control or non-ASCII characters";
    }
    return std::nullopt;
}

Result<std::unique_ptr<Client>> Client::create(ClientOptions options) {
    if (auto problem = api_url_problem(options.api_url)) return GitHubError(0, "GITHUB_API_URL " + *problem);
    auto base = split_url(options.api_url);
    if (!base) return GitHubError(0, "GITHUB_API_URL is not an http:// or https:// URL");
    while (!base->path.empty() && base->path.back() == '/') base->path.pop_back();
    http::Options http_options;
    http_options.origin = base->origin;
    http_options.connect_timeout = options.connect_timeout;
    http_options.read_timeout = options.read_timeout;
    http_options.ca_cert_file = options.ca_cert_file;
    auto transport = http::open_transport(http_options);
    if (!transport) return GitHubError(0, transport.error().message);
    return std::unique_ptr<Client>(new Client(std::move(options), std::move(*base), std::move(*transport)));
}

Client::Client(ClientOptions options, UrlParts base, std::unique_ptr<http::Transport> http)
    : m_options(std::move(options)), m_base(std::move(base)), m_http(std::move(http)) {
    if (m_options.max_attempts < 1) m_options.max_attempts = 1;
}

Client::~Client() = default;

std::string Client::redact(std::string_view text) const { return github::redact(text, m_options.token); }

void Client::log(const std::string& line) const {
    std::string safe = redact(one_line(line));
    if (m_options.log) m_options.log(safe);
    else std::cerr << "pgfence: " << safe << '\n';
}

void Client::wait(std::chrono::milliseconds how_long) const {
    if (m_options.sleep) m_options.sleep(how_long);
    else std::this_thread::sleep_for(how_long);
}

Result<std::string> Client::resolve(const std::string& path_or_url) const {
    if (path_or_url.starts_with("http://") || path_or_url.starts_with("https://")) {
        auto parts = split_url(path_or_url);
        if (!parts || parts->origin != m_base.origin)
            return GitHubError(0, "refusing to send the token to " + redact(parts ? parts->origin : path_or_url) +
                                     " (not the API host " + m_base.origin + ")");
        return parts->path.empty() ? std::string("/") : parts->path;
    }
    if (path_or_url.empty() || path_or_url.front() != '/') return m_base.path + "/" + path_or_url;
    return m_base.path + path_or_url;
}

Result<Response> Client::request(std::string_view method, const std::string& path_or_url, const nlohmann::json* body,
                                 Replay replay) {
    Result<std::string> resolved = resolve(path_or_url);
    if (!resolved) return resolved.error();
    const std::string target = *resolved;
    const std::string request_line = std::string(method) + " " + target;
    const std::string what = "GitHub API " + request_line;
    http::Request req;
    req.method = std::string(method);
    req.path = target;
    req.headers = {{"Accept", "application/vnd.github+json"},
                   {"X-GitHub-Api-Version", "2022-11-28"},
                   {"User-Agent", m_options.user_agent}};
    if (!m_options.token.empty()) req.headers.emplace_back("Authorization", "Bearer " + m_options.token);
    if (body) {
        req.body = body->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        req.headers.emplace_back("Content-Type", "application/json");
    }

    const int attempts = m_options.max_attempts;
    for (int attempt = 1;; ++attempt) {
        http::Result result = m_http->send(req);
        const std::string tries = attempt > 1 ? " (after " + std::to_string(attempt) + " attempts)" : "";
        auto fail = [&](int status, const std::string& failure, bool maybe_applied) {
            return GitHubError(status, redact(one_line(what + " failed: " + failure + tries)), maybe_applied);
        };
        std::optional<RetryAdvice> advice;
        std::string failure;
        if (result.failure != http::Failure::none) {
            // Only a refused connection proves that nothing reached GitHub.
            const bool unsent = result.failure == http::Failure::connection;
            // A certificate that does not verify will not verify on the next try either.
            const bool tls_trust = result.failure == http::Failure::tls_trust;
            failure = "no response (" + result.failure_text + ")";
            if (tls_trust) failure += "; for a private CA set SSL_CERT_FILE";
            if (tls_trust || attempt >= attempts || (replay == Replay::only_if_unsent && !unsent))
                return fail(0, failure, !unsent && !tls_trust);
            advice = retry_advice(Response{500, {}, {}}, attempt, m_options, std::chrono::system_clock::now());
        } else {
            Response response;
            response.status = result.status;
            response.body = std::move(result.body);
            for (const auto& [name, value] : result.headers) response.headers.emplace(lower(name), value);
            if (response.status >= 200 && response.status < 300) return response;

            const int status = response.status;
            std::string message = github_message(response);
            failure = std::to_string(status) + (message.empty() ? "" : ": " + message);
            if (status == 401) failure += " (check the github-token input or GITHUB_TOKEN)";
            const bool maybe_applied = status >= 500;
            advice = retry_advice(response, attempt, m_options, std::chrono::system_clock::now());
            if (!advice || attempt >= attempts || (replay == Replay::only_if_unsent && maybe_applied))
                return fail(status, failure, maybe_applied);
            if (advice->demanded_by_server && advice->wait > m_options.max_wait)
                return fail(status, failure + "; GitHub asks to wait " + std::to_string(advice->wait.count() / 1000) +
                                       "s, more than the " + std::to_string(m_options.max_wait.count()) + "s allowed",
                           false);
        }
        log("github: " + request_line + " failed: " + failure + "; retrying in " + std::to_string(advice->wait.count()) +
            " ms (attempt " + std::to_string(attempt + 1) + " of " + std::to_string(attempts) + ")");
        wait(advice->wait);
    }
}

Result<std::vector<nlohmann::json>> Client::get_all(const std::string& path) {
    std::string url = path;
    if (url.find("per_page=") == std::string::npos) url += (url.find('?') == std::string::npos ? "?" : "&") + std::string("per_page=100");
    std::vector<nlohmann::json> items;
    // A server that links a page to itself must not keep us here forever.
    for (int page = 0; page < 1000; ++page) {
        Result<Response> response = request("GET", url, nullptr);
        if (!response) return response.error();
        Result<nlohmann::json> data = response->json();
        if (!data) return data.error();
        if (!data->is_array()) return GitHubError(response->status, "GitHub API GET " + redact(path) + " did not answer with a list");
        for (auto& item : *data) items.push_back(std::move(item));
        const std::string* link = response->header("link");
        auto next = link ? next_link(*link) : std::nullopt;
        if (!next) return items;
        url = *next;
    }
    return GitHubError(0, "GitHub API GET " + redact(path) + " has more than 1000 pages");
}

}  // namespace pgfence::bot::github
