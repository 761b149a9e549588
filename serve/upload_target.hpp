#pragma once
// An upload's head named outside its body, and its body read with a limit (issue #32). A report
// larger than max_upload_bytes is refused unread, so its envelope cannot say whose head it was;
// `pgfence pr` also names the head in three request headers, and the service reads the body
// itself (never keeping more than the limit) so that it can still fail that head's check.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "analyze/base/error.hpp"

namespace httplib {
struct Request;
struct Response;
class ContentReader;
}  // namespace httplib

namespace pgfence::serve {

class BodyShare;

inline constexpr const char* k_repository_header = "Pgfence-Repository";
inline constexpr const char* k_pull_request_header = "Pgfence-Pull-Request";
inline constexpr const char* k_head_header = "Pgfence-Head-Sha";
// `pgfence pr --name`'s job, sent with the three above since issue #53 (serve/refused_jobs.hpp):
// a refused upload is the decision of its job, also when its body is too large to read.
inline constexpr const char* k_job_header = "Pgfence-Job";

// The head an upload is for. The repository in lower case (one chain per repository).
struct UploadTarget {
    std::string repository;
    std::int64_t pull_request = 0;
    std::string head_sha;
    bool operator==(const UploadTarget&) const = default;
};

// One request header: its (first) value and how many times it was sent.
struct HeaderValue {
    std::string value;
    std::size_t count = 0;
};

// The head the three headers name: nothing when none of them was sent (an older pgfence), an
// error naming the header (never quoting it) when one is missing, repeated or not exactly
// OWNER/NAME, a pull request number, a 40-hex commit.
[[nodiscard]] analyze::Result<std::optional<UploadTarget>> target_of_headers(const HeaderValue& repository,
                                                                            const HeaderValue& pull_request,
                                                                            const HeaderValue& head_sha);
// The same, from a request.
[[nodiscard]] analyze::Result<std::optional<UploadTarget>> target_of_request(const httplib::Request& req);

// The job the Pgfence-Job header names: nothing when it was not sent, an error (never quoting it)
// when it is repeated or not 1 to 64 of [A-Za-z0-9._-] (what the envelope's `job` may be).
[[nodiscard]] analyze::Result<std::optional<std::string>> job_of_header(const HeaderValue& job);
[[nodiscard]] analyze::Result<std::optional<std::string>> job_of_request(const httplib::Request& req);

// An upload's body as read: whole (at most `limit` bytes), or too large (then `size` is the
// Content-Length refused, or, `size_exact` false, the count at which reading stopped), or not
// read (the client went away, a deadline passed, a form instead of JSON), or left unread because
// the service holds as much unauthenticated content as it will (busy: serve/body_budget.hpp).
struct UploadBody {
    enum class Read { whole, too_large, busy, failed };
    Read read = Read::failed;
    std::string bytes;
    std::uint64_t size = 0;
    bool size_exact = true;
};

// Reads the body of `req` through cpp-httplib's content reader, keeping at most `limit` bytes
// (a compressed body never gets here: serve/body_limits.hpp). A Content-Length above the limit is
// read and dropped (above the server's payload_max_length cpp-httplib skips it); a body that grows
// past it otherwise is left unread and the connection is closed after the answer, so its rest is
// never read as another request. With a `share` (a body not authenticated yet: the webhook's),
// the bytes held are covered by it first: its Content-Length before any byte is read, a chunked
// body's megabyte by megabyte; when the budget has no room in time, Read::busy, the rest unread.
// Used by POST /v1/analyses and POST /v1/github/webhook.
[[nodiscard]] UploadBody read_upload_body(const httplib::Request& req, httplib::Response& res,
                                          const httplib::ContentReader& reader, std::uint64_t limit,
                                          BodyShare* share = nullptr);

// Reads the body of `req` and keeps none of it (a request refused from its headers, answered
// after its body so that the client reads the answer); past `limit` bytes it stops, and the
// connection is closed after the answer.
void drop_body(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader, std::uint64_t limit);

// Why a body of `body.size` bytes was refused, and what to do about it: the 413 answer's
// message and the failing check's reason.
[[nodiscard]] std::string oversize_reason(const UploadBody& body, std::uint64_t limit);

}  // namespace pgfence::serve
