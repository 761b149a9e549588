#pragma once
// Which request bodies the service reads, and how much of them (red team, issue #32). cpp-httplib
// 0.11 inflates a gzip, deflate or br body into memory before any route runs, and bounds neither
// a chunked body nor one without a Content-Length by its payload_max_length. So, from the headers
// alone and before any byte of the body is read: a Content-Encoding is refused (415: no client of
// the service compresses), and a body on a route that does not read it through a bounded reader
// (the sign-out form, any unknown route) must carry a Content-Length of at most
// k_small_body_bytes (411 or 413). POST /v1/analyses and POST /v1/github/webhook read theirs
// through read_upload_body with max_upload_bytes and k_webhook_body_bytes.
#include <cstdint>
#include <optional>
#include <string>

namespace httplib {
struct Request;
}

namespace pgfence::serve {

// GitHub caps a webhook's payload at 25 MB.
inline constexpr std::uint64_t k_webhook_body_bytes = 25u * 1024u * 1024u;
// A form (sign-out) or anything else.
inline constexpr std::uint64_t k_small_body_bytes = 64u * 1024u;

struct BodyRefusal {
    int status = 0;
    std::string message;
};

// Whether `req` (its method, path and headers; its body is not read yet) is refused before
// routing, and with what answer.
[[nodiscard]] std::optional<BodyRefusal> refuse_before_body(const httplib::Request& req);

}  // namespace pgfence::serve
