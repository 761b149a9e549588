// pgfence-http.so: the GitHub client's HTTPS on cpp-httplib and OpenSSL, opened by
// bot/http_transport.cpp when a command first talks to GitHub.
#include <httplib.h>

#include "bot/http_transport.hpp"

namespace pgfence::bot::http {
namespace {

Failure failure_of(httplib::Error error) {
    switch (error) {
        case httplib::Error::Success: return Failure::none;
        case httplib::Error::Connection: return Failure::connection;
        case httplib::Error::SSLServerVerification:
        case httplib::Error::SSLLoadingCerts: return Failure::tls_trust;
        default: return Failure::other;
    }
}

class HttplibTransport final : public Transport {
public:
    explicit HttplibTransport(const Options& options) : m_client(options.origin) {
        m_client.set_connection_timeout(options.connect_timeout);
        m_client.set_read_timeout(options.read_timeout);
        m_client.set_write_timeout(options.read_timeout);
        m_client.set_keep_alive(true);
        m_client.set_url_encode(false);       // paths come encoded
        m_client.set_follow_location(false);  // a redirect must not carry the token elsewhere
        if (!options.ca_cert_file.empty()) m_client.set_ca_cert_path(options.ca_cert_file);
    }

    Result send(const Request& request) override {
        httplib::Request req;
        req.method = request.method;
        req.path = request.path;
        for (const auto& [name, value] : request.headers) req.set_header(name, value);
        req.body = request.body;
        if (request.write_body) {
            // The body as it is written, body_size bytes from offset 0 in one call.
            req.content_length_ = request.body_size;
            req.content_provider_ = [&request](size_t offset, size_t, httplib::DataSink& sink) {
                if (offset != 0) return false;  // it wrote less than it said: the request is cancelled
                request.write_body([&](std::string_view piece) { return sink.write(piece.data(), piece.size()); });
                return true;
            };
        }
        auto response = m_client.send(req);
        Result out;
        if (!response) {
            out.failure = failure_of(response.error());
            if (out.failure == Failure::none) out.failure = Failure::other;
            out.failure_text = httplib::to_string(response.error());
            return out;
        }
        out.status = response->status;
        out.body = std::move(response->body);
        for (const auto& [name, value] : response->headers) out.headers.emplace_back(name, value);
        return out;
    }

private:
    httplib::Client m_client;
};

}  // namespace
}  // namespace pgfence::bot::http

extern "C" __attribute__((visibility("default"))) pgfence::bot::http::Transport* pgfence_http_open(const pgfence::bot::http::Options* options) {
    try {
        return new pgfence::bot::http::HttplibTransport(*options);
    } catch (...) {
        return nullptr;
    }
}
