#include "capture/proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace pgfence::capture {
namespace {

// The types whose bodies the recorder reads; the rest (rows, copy data) only pass.
constexpr std::string_view k_frontend_kept = "QPBECF";
constexpr std::string_view k_backend_kept = "ZECRG";

void nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// A blocking connect to the server (on the same machine or the CI job's service), then
// non-blocking; -1 on failure.
int connect_upstream(const Upstream& up) {
    int fd = -1;
    if (!up.host.empty() && up.host[0] == '/') {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::string path = up.host + "/.s.PGSQL." + std::to_string(up.port);
        if (path.size() >= sizeof addr.sun_path) return -1;
        std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return -1;
        if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(fd);
            return -1;
        }
    } else {
        addrinfo hints{};
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* found = nullptr;
        if (getaddrinfo(up.host.c_str(), std::to_string(up.port).c_str(), &hints, &found) != 0) return -1;
        for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
            fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
            if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
                ::close(fd);
                fd = -1;
            }
        }
        freeaddrinfo(found);
        if (fd < 0) return -1;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    nonblocking(fd);
    return fd;
}

}  // namespace

struct Proxy::Connection {
    Connection(int id, std::size_t max_message)
        : from_client(true, max_message), from_server(false, max_message), recorder(id) {
        from_client.keep_only(k_frontend_kept);
        from_server.keep_only(k_backend_kept);
    }
    int client = -1;
    int server = -1;
    std::string to_server;  // bytes read from the client, not yet written to the server
    std::string to_client;
    std::string held;  // the startup phase's message being read, not yet passed on
    Splitter from_client;
    Splitter from_server;
    Recorder recorder;
    bool client_closed = false;  // no more bytes will come from it
    bool server_closed = false;
    bool broken = false;         // the client's bytes are not the protocol: closed
};

Result<std::unique_ptr<Proxy>> Proxy::open(Upstream upstream, std::size_t max_message) {
    std::unique_ptr<Proxy> p(new Proxy());
    p->m_upstream = std::move(upstream);
    p->m_max_message = max_message;
    p->m_listen = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (p->m_listen < 0) return Error{"cannot open the capture proxy's socket: " + std::string(std::strerror(errno)), "", std::nullopt};
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (bind(p->m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(p->m_listen, 64) != 0 ||
        getsockname(p->m_listen, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        return Error{"cannot listen on 127.0.0.1 for the capture proxy: " + std::string(std::strerror(errno)), "", std::nullopt};
    }
    nonblocking(p->m_listen);
    p->m_port = ntohs(addr.sin_port);
    return p;
}

Proxy::~Proxy() {
    for (auto& c : m_open) close(*c);
    if (m_listen >= 0) ::close(m_listen);
}

void Proxy::accept_one() {
    int fd = accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;
    auto c = std::make_unique<Connection>(m_next_id++, m_max_message);
    c->client = fd;
    c->server = connect_upstream(m_upstream);
    if (c->server < 0) {
        c->recorder.protocol_error("the proxy could not connect to the server: " + std::string(std::strerror(errno)));
        close(*c);
        return;
    }
    m_open.push_back(std::move(c));
}

// Reads what one side sent, records it, queues it for the other side. False: that side is done.
bool Proxy::pump(Connection& c, bool from_client) {
    char buffer[65536];
    const int fd = from_client ? c.client : c.server;
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    if (n <= 0) return false;
    std::string_view bytes(buffer, static_cast<std::size_t>(n));
    std::vector<Message> messages;
    if (!from_client) {
        c.to_client.append(bytes);
        if (!c.from_server.feed(bytes, messages)) c.recorder.protocol_error("the server's answer: " + c.from_server.error());
        for (const auto& m : messages) c.recorder.backend(m);
        return true;
    }
    // The client's bytes are split first: an encryption request is answered here, not passed on.
    while (!bytes.empty()) {
        // One message at a time while untyped ones may still come (the startup phase is short).
        const bool startup = c.from_client.error().empty() && c.recorder.session().user.empty() && !c.recorder.session().cancel_request;
        std::string_view chunk = startup ? bytes.substr(0, 1) : bytes;
        bytes.remove_prefix(chunk.size());
        messages.clear();
        if (!c.from_client.feed(chunk, messages)) {
            c.recorder.protocol_error(c.from_client.error());
            c.broken = true;
            return false;
        }
        if (startup) c.held.append(chunk);
        bool swallowed = false;
        for (const auto& m : messages) {
            if (m.type == 0 && m.body.size() >= 4) {
                auto s = decode_startup(m);
                if (s && (s->code == k_ssl_request || s->code == k_gssenc_request)) {
                    c.recorder.refused_encryption();
                    c.to_client += 'N';
                    c.from_client.expect_untyped();
                    swallowed = true;
                    continue;
                }
            }
            c.recorder.frontend(m);
        }
        // An untyped message is passed on whole, once it is known not to be an encryption request.
        if (!startup) c.to_server.append(chunk);
        else if (!messages.empty()) {
            if (!swallowed) c.to_server += c.held;
            c.held.clear();
        }
    }
    return true;
}

bool Proxy::flush(Connection& c, bool to_client) {
    std::string& pending = to_client ? c.to_client : c.to_server;
    const int fd = to_client ? c.client : c.server;
    while (!pending.empty()) {
        ssize_t n = send(fd, pending.data(), pending.size(), MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
        if (n <= 0) return false;
        pending.erase(0, static_cast<std::size_t>(n));
    }
    return true;
}

void Proxy::close(Connection& c) {
    if (c.client >= 0) ::close(c.client);
    if (c.server >= 0) ::close(c.server);
    c.client = c.server = -1;
    m_done.push_back(c.recorder.take());
}

void Proxy::serve(const std::function<bool()>& finished, std::chrono::milliseconds grace) {
    std::optional<std::chrono::steady_clock::time_point> stop_by;
    for (;;) {
        if (!stop_by && finished()) stop_by = std::chrono::steady_clock::now() + grace;
        if (stop_by && (m_open.empty() || std::chrono::steady_clock::now() >= *stop_by)) break;
        std::vector<pollfd> fds;
        if (!stop_by) fds.push_back({m_listen, POLLIN, 0});
        for (auto& c : m_open) {
            // A side is read only while the other side's queue has room.
            short client_events = 0, server_events = 0;
            if (!c->client_closed && c->to_server.size() < k_max_buffered) client_events |= POLLIN;
            if (!c->to_client.empty()) client_events |= POLLOUT;
            if (!c->server_closed && c->to_client.size() < k_max_buffered) server_events |= POLLIN;
            if (!c->to_server.empty()) server_events |= POLLOUT;
            fds.push_back({c->client, client_events, 0});
            fds.push_back({c->server, server_events, 0});
        }
        if (poll(fds.data(), fds.size(), 50) < 0 && errno != EINTR) break;
        const std::size_t polled = m_open.size();
        std::size_t at = 0;
        if (!stop_by && (fds[at++].revents & POLLIN)) accept_one();
        for (std::size_t i = 0; i < polled; ++i, at += 2) {
            Connection& c = *m_open[i];
            const short ce = fds[at].revents, se = fds[at + 1].revents;
            bool ok = true;
            if (ce & (POLLIN | POLLHUP | POLLERR)) {
                if (!pump(c, true)) c.client_closed = true;
            }
            if (se & (POLLIN | POLLHUP | POLLERR)) {
                if (!pump(c, false)) c.server_closed = true;
            }
            if (!flush(c, true)) ok = false;
            if (!flush(c, false)) ok = false;
            // Done when either side has gone and what it sent has been delivered.
            if (c.broken || !ok || (c.client_closed && c.to_server.empty()) || (c.server_closed && c.to_client.empty())) {
                c.client_closed = c.server_closed = true;
            }
        }
        for (auto it = m_open.begin(); it != m_open.end();) {
            if ((*it)->client_closed && (*it)->server_closed) {
                close(**it);
                it = m_open.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (auto& c : m_open) close(*c);
    m_open.clear();
}

std::vector<Session> Proxy::sessions() {
    std::vector<Session> out = std::move(m_done);
    m_done.clear();
    std::sort(out.begin(), out.end(), [](const Session& a, const Session& b) { return a.id < b.id; });
    return out;
}

}  // namespace pgfence::capture
