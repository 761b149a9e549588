#pragma once
// The wire-protocol proxy between the migration tool and the server: it listens on 127.0.0.1 (a
// port the kernel picks), opens a connection to the server for each one the tool makes, forwards
// every byte unchanged both ways, and records what passes (capture/recorder.hpp). One thread,
// poll(); each direction buffers at most k_max_buffered bytes before it stops reading from the
// sender, so a slow reader costs memory in proportion to nothing but that bound.
// The tool's encryption requests (SSLRequest, GSSENCRequest) are answered 'N' by the proxy, as a
// server without SSL answers them: the tool then talks in the clear on loopback, and the proxy
// talks to the server in the clear.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "analyze/base/error.hpp"
#include "capture/recorder.hpp"

namespace pgfence::capture {

using analyze::Error;
using analyze::Result;

inline constexpr std::size_t k_max_buffered = std::size_t{1} << 20;

// Where the server listens: a TCP host and port, or (host starting with '/') a socket folder.
struct Upstream {
    std::string host = "127.0.0.1";
    int port = 5432;
};

class Proxy {
public:
    // Listens on 127.0.0.1 on a free port. `max_message`: the largest message body kept for the
    // record (bigger ones pass through, recorded as unreadable).
    [[nodiscard]] static Result<std::unique_ptr<Proxy>> open(Upstream upstream, std::size_t max_message);
    ~Proxy();
    Proxy(const Proxy&) = delete;
    Proxy& operator=(const Proxy&) = delete;

    [[nodiscard]] int port() const { return m_port; }
    // Serves until `finished()` (asked every 50 ms) is true; then stops accepting, lets the open
    // connections end for up to `grace`, and closes the rest.
    void serve(const std::function<bool()>& finished, std::chrono::milliseconds grace);
    // Every connection's record, in the order they were accepted.
    [[nodiscard]] std::vector<Session> sessions();

private:
    struct Connection;
    Proxy() = default;
    void accept_one();
    [[nodiscard]] bool pump(Connection& c, bool from_client);
    [[nodiscard]] bool flush(Connection& c, bool to_client);
    void close(Connection& c);

    Upstream m_upstream;
    std::size_t m_max_message = 0;
    int m_listen = -1;
    int m_port = 0;
    int m_next_id = 1;
    std::vector<std::unique_ptr<Connection>> m_open;
    std::vector<Session> m_done;
    std::vector<int> m_order;  // ids of finished sessions, to sort by
};

}  // namespace pgfence::capture
