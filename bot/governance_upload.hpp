#pragma once
// `pgfence pr --upload URL`: POSTs the envelope (bot/governance_envelope.hpp) to the governance
// service's /v1/analyses with the token of $PGFENCE_GOVERNANCE_TOKEN, retrying 5xx answers and
// failed connections, and says in one line what came of it. The token never reaches a line.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "bot/governance_envelope.hpp"

namespace pgfence::bot::governance {

inline constexpr const char* k_token_variable = "PGFENCE_GOVERNANCE_TOKEN";

struct UploadOptions {
    std::string url;    // the service's base URL; /v1/analyses is appended
    std::string token;  // never printed
    int max_attempts = 3;
    std::chrono::milliseconds first_backoff{1000};  // doubles on each retry
    std::chrono::seconds max_wait{30};              // the longest Retry-After honoured
    std::chrono::seconds connect_timeout{10};
    std::chrono::seconds read_timeout{60};
    std::function<void(std::chrono::milliseconds)> sleep;  // empty: std::this_thread::sleep_for
};

// Why `url` cannot be the service's base URL, in words that never quote it; nothing when it is
// fine. As GITHUB_API_URL: http(s)://host[:port][/prefix], no credentials, query or fragment;
// and plain http only to a loopback host, so the token never crosses a network in clear.
[[nodiscard]] std::optional<std::string> url_problem(std::string_view url);

struct Outcome {
    bool uploaded = false;   // 201, or 200 for a repeat of the same upload
    std::string conclusion;  // success | action_required | failure, when uploaded
    std::string line;        // "governance: uploaded (...)" or the failure, without "warning:"/"error:"
};

// Sends the envelope once (with retries). Never throws for a failure of the network or the service.
[[nodiscard]] Outcome upload(const Envelope& envelope, const UploadOptions& options);

// Builds the envelope of `report` and uploads it; an envelope that cannot be built (a file
// unreadable at the head, libcrypto missing) is a failed upload too.
[[nodiscard]] Outcome upload_report(const analyze::Report& report, const Subject& subject, const BytesAtHead& bytes_at_head,
                                    const SuppressionOrigins& origins, bool include_sql, const UploadOptions& options);

}  // namespace pgfence::bot::governance
