#include "serve/upload_target.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "serve/body_budget.hpp"
#include "serve/http_server.hpp"
#include "serve/payload.hpp"

namespace pgfence::serve {

namespace {

HeaderValue header_of(const httplib::Request& req, const char* name) {
    return {req.get_header_value(name), req.get_header_value_count(name)};
}

// 1 to 2147483647 in plain digits, no sign, no leading zero.
std::optional<std::int64_t> pull_request_number(const std::string& text) {
    if (text.empty() || text.size() > 10 || text[0] == '0') return std::nullopt;
    if (!std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) return std::nullopt;
    const std::int64_t n = std::stoll(text);
    if (n > 2147483647) return std::nullopt;
    return n;
}

// A chunked body's allocation grows by this much at a time.
constexpr std::uint64_t k_chunk_step = 1u << 20;

// No room for the body: it is left unread, and the connection closed after the answer.
UploadBody busy(UploadBody& body, httplib::Response& res) {
    body.read = UploadBody::Read::busy;
    body.bytes.clear();
    body.bytes.shrink_to_fit();
    close_connection_after_answer();
    res.set_header("Connection", "close");
    return std::move(body);
}

}  // namespace

analyze::Result<std::optional<UploadTarget>> target_of_headers(const HeaderValue& repository, const HeaderValue& pull_request,
                                                               const HeaderValue& head_sha) {
    using Answer = analyze::Result<std::optional<UploadTarget>>;
    if (repository.count == 0 && pull_request.count == 0 && head_sha.count == 0) return Answer(std::optional<UploadTarget>{});
    const std::string names = std::string(k_repository_header) + ", " + k_pull_request_header + " and " + k_head_header;
    auto problem = [&](const std::string& why) { return Answer(analyze::Error{why, "", std::nullopt}); };
    if (repository.count != 1 || pull_request.count != 1 || head_sha.count != 1) {
        return problem(names + " go together, each sent once");
    }
    if (!valid_repository(repository.value)) return problem(std::string(k_repository_header) + " must be OWNER/NAME");
    auto number = pull_request_number(pull_request.value);
    if (!number) return problem(std::string(k_pull_request_header) + " must be a pull request number");
    if (!is_hex(head_sha.value, 40)) return problem(std::string(k_head_header) + " must be a 40-character commit SHA in lower case");
    return Answer(std::optional<UploadTarget>{UploadTarget{lower(repository.value), *number, head_sha.value}});
}

analyze::Result<std::optional<UploadTarget>> target_of_request(const httplib::Request& req) {
    return target_of_headers(header_of(req, k_repository_header), header_of(req, k_pull_request_header),
                             header_of(req, k_head_header));
}

analyze::Result<std::optional<std::string>> job_of_header(const HeaderValue& job) {
    using Answer = analyze::Result<std::optional<std::string>>;
    if (job.count == 0) return Answer(std::optional<std::string>{});
    const bool plain = job.count == 1 && !job.value.empty() && job.value.size() <= 64 &&
                       std::all_of(job.value.begin(), job.value.end(), [](unsigned char c) {
                           return std::isalnum(c) != 0 || c == '.' || c == '_' || c == '-';
                       }) &&
                       std::all_of(job.value.begin(), job.value.end(), [](unsigned char c) { return c < 0x80; });
    if (!plain) {
        return Answer(analyze::Error{std::string(k_job_header) + " must be sent once, 1 to 64 letters, digits, '.', '_' or '-'", "",
                                     std::nullopt});
    }
    return Answer(std::optional<std::string>{job.value});
}

analyze::Result<std::optional<std::string>> job_of_request(const httplib::Request& req) {
    return job_of_header(header_of(req, k_job_header));
}

UploadBody read_upload_body(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
                            std::uint64_t limit, BodyShare* share) {
    UploadBody body;
    // A form would go to cpp-httplib's multipart parser, which this route does not give one.
    if (req.is_multipart_form_data()) {
        close_connection_after_answer();
        res.set_header("Connection", "close");
        return body;
    }
    // A Content-Length above the limit (but within the server's payload_max_length, the largest
    // of the routes' limits): the body is read and dropped, so that the answer reaches the client.
    const std::string declared = req.get_header_value("Content-Length");
    if (!declared.empty() && std::strtoull(declared.c_str(), nullptr, 10) > limit) {
        const bool drained = reader([](const char*, std::size_t) { return true; });
        body.read = UploadBody::Read::too_large;
        body.size = std::strtoull(declared.c_str(), nullptr, 10);
        if (!drained && res.status != 413) {
            close_connection_after_answer();
            res.set_header("Connection", "close");
        }
        return body;
    }
    // A declared length is covered (and allocated) whole before any byte is read; a chunked body
    // grows a megabyte at a time, each covered before it is allocated.
    if (!declared.empty()) {
        const std::uint64_t length = std::strtoull(declared.c_str(), nullptr, 10);
        if (share != nullptr && !share->cover(length)) return busy(body, res);
        body.bytes.reserve(length);
    }
    std::uint64_t seen = 0;
    bool over = false;
    bool no_room = false;
    const bool read = reader([&](const char* data, std::size_t n) {
        seen += n;
        if (seen > limit) {
            over = true;
            return false;  // stop here: the rest is never read
        }
        if (seen > body.bytes.capacity()) {
            // Within a request's own part first (a small body takes no budget), then by steps.
            const std::uint64_t room = std::min(limit, seen <= k_free_body_bytes ? k_free_body_bytes
                                                                                 : (seen + k_chunk_step - 1) / k_chunk_step * k_chunk_step);
            if (share != nullptr && !share->cover(room)) {
                no_room = true;
                return false;
            }
            body.bytes.reserve(room);
        }
        body.bytes.append(data, n);
        return true;
    });
    if (no_room) return busy(body, res);
    if (read) {
        body.read = UploadBody::Read::whole;
        body.size = body.bytes.size();
        return body;
    }
    if (over) {
        body.read = UploadBody::Read::too_large;
        body.size = seen;
        body.size_exact = false;
        close_connection_after_answer();
        res.set_header("Connection", "close");
    } else if (res.status == 413) {
        // cpp-httplib refused the Content-Length (payload_max_length) and skipped that many bytes.
        body.read = UploadBody::Read::too_large;
        const std::string length = req.get_header_value("Content-Length");
        body.size = std::strtoull(length.c_str(), nullptr, 10);
    } else {
        close_connection_after_answer();
        res.set_header("Connection", "close");
    }
    body.bytes.clear();
    body.bytes.shrink_to_fit();
    return body;
}

void drop_body(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader, std::uint64_t limit) {
    std::uint64_t seen = 0;
    const bool read = !req.is_multipart_form_data() && reader([&](const char*, std::size_t n) {
        seen += n;
        return seen <= limit;
    });
    if (!read && res.status != 413) {
        close_connection_after_answer();
        res.set_header("Connection", "close");
    }
}

std::string oversize_reason(const UploadBody& body, std::uint64_t limit) {
    const std::string size = body.size_exact ? std::to_string(body.size) + " bytes" : "more than " + std::to_string(limit) + " bytes";
    return "the report (" + size + ") is larger than the service's max_upload_bytes (" + std::to_string(limit) +
           "): raise max_upload_bytes in the service's configuration, upload without the SQL (--upload-without-sql), "
           "or split the pull request";
}

}  // namespace pgfence::serve
