#pragma once
// The service's HTTP server: cpp-httplib's routing and parsing, with a deadline per request.
// httplib's read timeout counts per recv(), so a client that trickles a byte every few seconds
// holds one of the pool's threads for as long as it likes, and 64 of them hold the service. Here
// each connection is served by our own loop: a request (its line, headers and body) must arrive
// whole within `read` of its first byte, and its answer must be taken within `write` of its first
// byte; otherwise the connection is closed and the thread is free again. The same holds with TLS
// (the handshake counts as reading).
#include <chrono>
#include <memory>
#include <string>

#include "analyze/base/error.hpp"

namespace httplib {
class Server;
}

namespace pgfence::serve {

struct Deadlines {
    std::chrono::seconds read{20};   // 2 MB (the default max_upload_bytes) at 100 kB/s
    std::chrono::seconds write{20};
};

// Plain HTTP (behind a proxy that terminates TLS), or HTTPS with the certificate chain and key
// files (PEM) when `tls_cert` is not empty. An error when the certificate or key cannot be used.
[[nodiscard]] analyze::Result<std::unique_ptr<httplib::Server>> make_http_server(const std::string& tls_cert,
                                                                               const std::string& tls_key, Deadlines deadlines);

// Closes the connection of the request this thread is answering once its answer is written: for
// a handler that stopped reading a body part-way (its rest must never be read as a new request).
void close_connection_after_answer();

}  // namespace pgfence::serve
