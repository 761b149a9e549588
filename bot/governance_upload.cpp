#include "bot/governance_upload.hpp"

#include <algorithm>
#include <cctype>
#include <thread>

#include <nlohmann/json.hpp>

#include "annotate/printable.hpp"
#include "bot/github_client.hpp"
#include "bot/http_transport.hpp"

namespace pgfence::bot::governance {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// 127.0.0.0/8 spelled as four decimal numbers, localhost, or [::1].
bool is_loopback(std::string_view host) {
    if (host == "localhost" || host == "[::1]") return true;
    int parts = 0;
    std::string_view rest = host;
    while (true) {
        std::string_view part = rest.substr(0, rest.find('.'));
        if (!all_digits(part) || part.size() > 3 || std::stoi(std::string(part)) > 255) return false;
        if (++parts == 1 && part != "127") return false;
        if (part.size() == rest.size()) break;
        rest.remove_prefix(part.size() + 1);
    }
    return parts == 4;
}

// A service's message: one printable line, bounded, without the token.
std::string from_service(std::string_view text, const std::string& token) {
    std::string line = annotate::printable(github::redact(text, token));
    std::replace(line.begin(), line.end(), '\n', ' ');
    if (line.size() > 400) line = line.substr(0, 400) + "...";
    return line;
}

// {"message", "errors": [...]}: the message and the errors' words, as far as they are strings.
std::string service_message(const std::string& body, const std::string& token) {
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (!json.is_object()) return {};
    std::string text = json.contains("message") && json["message"].is_string() ? json["message"].get<std::string>() : "";
    if (json.contains("errors") && json["errors"].is_array()) {
        for (const auto& e : json["errors"]) {
            std::string one = e.is_string() ? e.get<std::string>()
                              : e.is_object() && e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>()
                                                                                                       : std::string();
            if (!one.empty()) text += (text.empty() ? "" : "; ") + one;
        }
    }
    return from_service(text, token);
}

// Why a final answer is not an upload, in the words the README's table uses.
std::string refusal(int status, const std::string& message, std::size_t body_bytes) {
    std::string said = message.empty() ? "" : ": " + message;
    switch (status) {
        case 401: return "401: the service does not accept the token (unknown, revoked, or of another repository; check " +
                         std::string(k_token_variable) + " or the governance-token input)" + said;
        case 409: return "409: this idempotency key was already used for another body" + said;
        case 413: return "413: the upload (" + std::to_string(body_bytes) +
                         " bytes) is above the service's limit (max_upload_bytes); --upload-without-sql makes it smaller" + said;
        case 422: return "422: the service refused the upload as invalid" + said;
        default: return std::to_string(status) + said;
    }
}

// Pgfence-Repository, Pgfence-Pull-Request, Pgfence-Head-Sha of the envelope (and Pgfence-Job, its
// `job`, when it has one); none unless all three are plain (OWNER/NAME, a number, 40 lower-case hex), so no header carries anything else.
http::Headers head_headers(const Subject& subject) {
    const std::string& repository = subject.repository;
    const std::string& head = subject.head_sha;
    const bool number_ok = subject.pull_request >= 1;
    const auto name_char = [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '.' || c == '-'; };
    const std::size_t slash = repository.find('/');
    const bool repository_ok = slash != std::string::npos && slash > 0 && slash + 1 < repository.size() && repository.size() <= 201 &&
                               std::all_of(repository.begin(), repository.end(),
                                           [&](unsigned char c) { return c == '/' || name_char(c); }) &&
                               repository.find('/', slash + 1) == std::string::npos;
    const bool head_ok = head.size() == 40 && std::all_of(head.begin(), head.end(), [](unsigned char c) {
                             return std::isdigit(c) || (c >= 'a' && c <= 'f');
                         });
    if (!number_ok || !repository_ok || !head_ok) return {};
    http::Headers headers = {{"Pgfence-Repository", repository},
                             {"Pgfence-Pull-Request", std::to_string(subject.pull_request)},
                             {"Pgfence-Head-Sha", head}};
    // --name's job too (issue #53): a refused upload, even one too large to read, is its job's decision.
    const std::string& job = subject.job;
    if (!job.empty() && job.size() <= 64 && std::all_of(job.begin(), job.end(), name_char)) headers.push_back({"Pgfence-Job", job});
    return headers;
}

std::optional<std::chrono::milliseconds> retry_after(const http::Result& result, const UploadOptions& options) {
    for (const auto& [name, value] : result.headers) {
        if (lower(name) != "retry-after" || !all_digits(value) || value.size() > 6) continue;
        return std::min<std::chrono::milliseconds>(std::chrono::seconds(std::stoi(value)), options.max_wait);
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> url_problem(std::string_view url) {
    std::size_t sep = url.find("://");
    std::string scheme = sep == std::string_view::npos ? std::string() : lower(url.substr(0, sep));
    if (scheme != "http" && scheme != "https") return "is not an http:// or https:// URL";
    for (unsigned char c : url) {
        if (c <= 0x20 || c >= 0x7f) return "must not contain spaces or control or non-ASCII characters";
    }
    std::string_view rest = url.substr(sep + 3);
    if (rest.substr(0, rest.find_first_of("?#")).substr(0, rest.find('/')).find('@') != std::string_view::npos)
        return std::string("must not contain credentials (user:password@): the token goes in ") + k_token_variable;
    if (url.find('?') != std::string_view::npos) return "must not have a query string (?...)";
    if (url.find('#') != std::string_view::npos) return "must not have a fragment (#...)";
    std::string authority = lower(rest.substr(0, rest.find('/')));
    std::string host = authority, port;
    if (std::size_t colon = authority.rfind(':'); colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        if (!all_digits(port) || port.size() > 5 || std::stoi(port) < 1 || std::stoi(port) > 65535)
            return "has a port that is not a number from 1 to 65535";
    }
    if (host.empty()) return "has no host";
    bool bracketed = host.front() == '[' && host.back() == ']' && host.size() > 2;
    for (char c : bracketed ? host.substr(1, host.size() - 2) : host) {
        bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || (bracketed && c == ':');
        if (!ok) return "has a host name that is not one";
    }
    if (scheme == "http" && !is_loopback(host))
        return "uses http:// to a host that is not this machine: the token would cross the network in clear (use https://)";
    return std::nullopt;
}

Outcome upload(const Envelope& envelope, const UploadOptions& options) {
    Outcome outcome;
    auto fail = [&](const std::string& why) {
        outcome.line = "governance: upload failed: " + from_service(why, options.token);
        return outcome;
    };
    if (auto problem = url_problem(options.url)) return fail("--upload URL " + *problem);
    auto base = github::split_url(options.url);
    if (!base) return fail("--upload URL is not an http:// or https:// URL");
    while (!base->path.empty() && base->path.back() == '/') base->path.pop_back();

    http::Options http_options;
    http_options.origin = base->origin;
    http_options.connect_timeout = options.connect_timeout;
    http_options.read_timeout = options.read_timeout;
    auto transport = http::open_transport(http_options);
    if (!transport) return fail(transport.error().message);

    http::Request request;
    request.method = "POST";
    request.path = base->path + "/v1/analyses";
    request.headers = {{"Authorization", "Bearer " + options.token},
                       {"Idempotency-Key", envelope.idempotency_key},
                       {"Content-Type", "application/json"},
                       {"User-Agent", std::string("pgfence/") + PGFENCE_VERSION}};
    // The head again, outside the body: a service that refuses the body unread (413) still knows
    // whose check to fail. Sent only in the exact shapes the service accepts.
    for (auto& header : head_headers(envelope.subject)) request.headers.push_back(std::move(header));
    // Written to the connection a piece at a time, never held whole (red team r71 F12).
    request.write_body = envelope.write_body;
    request.body_size = envelope.body_size;
    const std::string where = "POST " + base->origin + request.path;

    std::chrono::milliseconds backoff = options.first_backoff;
    std::string last;
    for (int attempt = 1; attempt <= std::max(1, options.max_attempts); ++attempt) {
        if (attempt > 1) {
            if (options.sleep) options.sleep(backoff);
            else std::this_thread::sleep_for(backoff);
            backoff *= 2;
        }
        http::Result result = (*transport)->send(request);
        if (result.failure != http::Failure::none) {
            last = "no response (" + result.failure_text + ")";
            // A certificate that does not verify will not verify on the next try either.
            if (result.failure == http::Failure::tls_trust) return fail(where + ": " + last + "; for a private CA set SSL_CERT_FILE");
            continue;
        }
        if (result.status >= 500) {
            std::string message = service_message(result.body, options.token);
            last = std::to_string(result.status) + (result.status == 503 ? " (the service is unavailable)" : "") +
                   (message.empty() ? "" : ": " + message);
            if (auto wait = retry_after(result, options)) backoff = *wait;
            continue;
        }
        if (result.status != 200 && result.status != 201)
            return fail(where + ": " + refusal(result.status, service_message(result.body, options.token), request.body_size));
        auto body = nlohmann::json::parse(result.body, nullptr, false);
        std::string conclusion = body.is_object() && body.contains("conclusion") && body["conclusion"].is_string()
                                     ? body["conclusion"].get<std::string>() : std::string();
        if (conclusion != "success" && conclusion != "action_required" && conclusion != "failure")
            return fail(where + ": " + std::to_string(result.status) + " without a conclusion of success, action_required or failure");
        outcome.uploaded = true;
        outcome.conclusion = conclusion;
        outcome.line = "governance: uploaded (conclusion " + conclusion;
        if (body.contains("items") && body["items"].is_number_unsigned())
            outcome.line += ", " + std::to_string(body["items"].get<std::uint64_t>()) + " items";
        if (body.contains("id") && body["id"].is_string())
            outcome.line += ", analysis " + from_service(body["id"].get<std::string>().substr(0, 64), options.token);
        if (result.status == 200) outcome.line += "; the service had it already";
        outcome.line += ")";
        return outcome;
    }
    return fail(where + ": " + last + " (after " + std::to_string(std::max(1, options.max_attempts)) + " attempts)");
}

Outcome upload_report(const analyze::Report& report, const Subject& subject, const BytesAtHead& bytes_at_head,
                      const SuppressionOrigins& origins, bool include_sql, const UploadOptions& options) {
    auto envelope = build_envelope(report, subject, bytes_at_head, origins, include_sql);
    if (envelope) return upload(*envelope, options);
    Outcome outcome;
    outcome.line = "governance: upload failed: " + from_service(envelope.error().message, options.token);
    return outcome;
}

}  // namespace pgfence::bot::governance
