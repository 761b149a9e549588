#include "serve/body_limits.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>

namespace pgfence::serve {

namespace {

std::string trimmed_lower(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c != ' ' && c != '\t') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

// The methods cpp-httplib reads a body for.
bool has_body(const std::string& method) {
    return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE" || method == "PRI";
}

// Routes whose handlers read their body through read_upload_body, with their own limit.
bool reads_own_body(const httplib::Request& req) {
    return req.method == "POST" && (req.path == "/v1/analyses" || req.path == "/v1/github/webhook");
}

}  // namespace

std::optional<BodyRefusal> refuse_before_body(const httplib::Request& req) {
    const std::size_t encodings = req.get_header_value_count("Content-Encoding");
    for (std::size_t i = 0; i < encodings; ++i) {
        if (trimmed_lower(req.get_header_value("Content-Encoding", i)) != "identity") {
            return BodyRefusal{415, "a Content-Encoding is not accepted: send the body uncompressed"};
        }
    }
    if (!has_body(req.method) || reads_own_body(req)) return std::nullopt;
    const bool chunked = req.get_header_value_count("Transfer-Encoding") > 0;
    const std::size_t lengths = req.get_header_value_count("Content-Length");
    if (chunked || lengths != 1) return BodyRefusal{411, "a body here needs one Content-Length and no Transfer-Encoding"};
    const std::string length = req.get_header_value("Content-Length");
    if (length.empty() || length.size() > 19 ||
        !std::all_of(length.begin(), length.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
        return BodyRefusal{400, "the Content-Length is not a number"};
    }
    if (std::stoull(length) > k_small_body_bytes) {
        return BodyRefusal{413, "the body is larger than " + std::to_string(k_small_body_bytes) + " bytes"};
    }
    return std::nullopt;
}

}  // namespace pgfence::serve
