#include "serve/http_server.hpp"

#include <httplib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <optional>

namespace pgfence::serve {
namespace {

using Clock = std::chrono::steady_clock;

// Set by a handler (close_connection_after_answer) on the thread that serves its connection.
thread_local bool t_close_after_answer = false;

// Waits until `fd` is ready for `events` or `until` passes; false on timeout or error.
bool wait_for(int fd, short events, Clock::time_point until) {
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
        if (left <= 0) return false;
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000 * 60)));
        if (n > 0) return true;
        if (n < 0 && errno != EINTR) return false;
    }
}

void address_of(const sockaddr_storage& a, std::string& ip, int& port) {
    char text[INET6_ADDRSTRLEN] = {};
    if (a.ss_family == AF_INET) {
        const auto& v4 = reinterpret_cast<const sockaddr_in&>(a);
        ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
        port = ntohs(v4.sin_port);
    } else if (a.ss_family == AF_INET6) {
        const auto& v6 = reinterpret_cast<const sockaddr_in6&>(a);
        ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
        port = ntohs(v6.sin6_port);
    }
    ip = text;
}

// One connection, plain or TLS (a non-blocking socket either way), whose reads stop at the
// current request's deadline and whose writes stop at its answer's.
class DeadlineStream final : public httplib::Stream {
public:
    DeadlineStream(int fd, SSL* ssl, Deadlines deadlines, std::chrono::microseconds per_read)
        : m_fd(fd), m_ssl(ssl), m_deadlines(deadlines), m_per_read(per_read) {}

    // A new request starts: its bytes are due within the read deadline from now.
    void begin_request() {
        m_read_until = Clock::now() + m_deadlines.read;
        m_write_until.reset();
    }
    bool pending() const { return m_ssl != nullptr && SSL_pending(m_ssl) > 0; }
    // Whether a read or write gave up (a deadline or the per-read timeout passed): httplib may
    // still answer (400) and would wait for another request; the connection is closed instead.
    bool expired() const { return m_expired; }

    bool is_readable() const override { return pending() || wait_for(m_fd, POLLIN, read_until()); }
    bool is_writable() const override { return wait_for(m_fd, POLLOUT, write_until()); }

    ssize_t read(char* ptr, size_t size) override {
        while (true) {
            if (Clock::now() >= m_read_until) return m_expired = true, -1;
            if (m_ssl != nullptr) {
                ERR_clear_error();  // SSL_get_error reads this thread's queue: no earlier connection's errors
                const int n = SSL_read(m_ssl, ptr, static_cast<int>(std::min<size_t>(size, 1 << 30)));
                if (n > 0) return n;
                const int error = SSL_get_error(m_ssl, n);
                if (error == SSL_ERROR_ZERO_RETURN) return 0;
                if (!retry(error, read_until())) return gave_up(m_read_until);
                continue;
            }
            const ssize_t n = ::recv(m_fd, ptr, size, 0);
            if (n >= 0) return n;
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
            if (!wait_for(m_fd, POLLIN, read_until())) return gave_up(m_read_until);
        }
    }

    ssize_t write(const char* ptr, size_t size) override {
        if (!m_write_until) m_write_until = Clock::now() + m_deadlines.write;
        while (true) {
            if (Clock::now() >= *m_write_until) return m_expired = true, -1;
            if (m_ssl != nullptr) {
                ERR_clear_error();
                const int n = SSL_write(m_ssl, ptr, static_cast<int>(std::min<size_t>(size, 1 << 30)));
                if (n > 0) return n;
                if (!retry(SSL_get_error(m_ssl, n), *m_write_until)) return gave_up(*m_write_until);
                continue;
            }
            const ssize_t n = ::send(m_fd, ptr, size, MSG_NOSIGNAL);
            if (n >= 0) return n;
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
            if (!wait_for(m_fd, POLLOUT, *m_write_until)) return gave_up(*m_write_until);
        }
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        sockaddr_storage a{};
        socklen_t length = sizeof a;
        if (::getpeername(m_fd, reinterpret_cast<sockaddr*>(&a), &length) == 0) address_of(a, ip, port);
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        sockaddr_storage a{};
        socklen_t length = sizeof a;
        if (::getsockname(m_fd, reinterpret_cast<sockaddr*>(&a), &length) == 0) address_of(a, ip, port);
    }
    socket_t socket() const override { return m_fd; }

    // The TLS handshake, within the read deadline.
    bool handshake() {
        begin_request();
        while (true) {
            ERR_clear_error();
            const int n = SSL_accept(m_ssl);
            if (n == 1) return true;
            if (!retry(SSL_get_error(m_ssl, n), read_until())) return false;
        }
    }

private:
    // -1, noting that the connection is done with: a read that waited its per-read timeout in
    // vain, or a deadline passed (httplib would answer 400 and read on as a new request).
    ssize_t gave_up(Clock::time_point) {
        m_expired = true;
        return -1;
    }
    // Each wait for bytes lasts at most the per-read timeout, and never past the deadline.
    Clock::time_point read_until() const {
        return std::min(m_read_until, Clock::now() + std::chrono::duration_cast<Clock::duration>(m_per_read));
    }
    Clock::time_point write_until() const { return m_write_until.value_or(Clock::now() + m_deadlines.write); }
    bool retry(int ssl_error, Clock::time_point until) const {
        if (ssl_error == SSL_ERROR_WANT_READ) return wait_for(m_fd, POLLIN, until);
        if (ssl_error == SSL_ERROR_WANT_WRITE) return wait_for(m_fd, POLLOUT, until);
        ERR_clear_error();
        return false;
    }

    int m_fd;
    SSL* m_ssl;
    Deadlines m_deadlines;
    std::chrono::microseconds m_per_read;
    Clock::time_point m_read_until = Clock::now();
    std::optional<Clock::time_point> m_write_until;
    bool m_expired = false;
};

class DeadlineServer final : public httplib::Server {
public:
    DeadlineServer(Deadlines deadlines, SSL_CTX* ctx) : m_deadlines(deadlines), m_ctx(ctx) {}
    ~DeadlineServer() override {
        if (m_ctx != nullptr) SSL_CTX_free(m_ctx);
    }

private:
    // As httplib's own keep-alive loop, with our stream: idle connections wait for their next
    // request at most keep_alive_timeout; each request gets its deadlines.
    bool process_and_close_socket(socket_t sock) override {
        const int flags = ::fcntl(sock, F_GETFL, 0);
        if (flags >= 0) ::fcntl(sock, F_SETFL, flags | O_NONBLOCK);
        SSL* ssl = nullptr;
        if (m_ctx != nullptr) {
            ssl = SSL_new(m_ctx);
            if (ssl != nullptr && SSL_set_fd(ssl, sock) != 1) {
                SSL_free(ssl);
                ssl = nullptr;
            }
        }
        const auto per_read = std::chrono::seconds(read_timeout_sec_) + std::chrono::microseconds(read_timeout_usec_);
        DeadlineStream stream(sock, ssl, m_deadlines, std::chrono::duration_cast<std::chrono::microseconds>(per_read));
        bool ok = m_ctx == nullptr || (ssl != nullptr && stream.handshake());
        for (std::size_t count = keep_alive_max_count_; ok && count > 0 && is_running(); --count) {
            if (!next_request(stream, sock)) break;
            stream.begin_request();
            bool closed = false;
            t_close_after_answer = false;
            ok = process_request(stream, count == 1, closed, [](httplib::Request&) {});
            if (closed || stream.expired() || t_close_after_answer) break;
        }
        if (ssl != nullptr) {
            ERR_clear_error();
            SSL_shutdown(ssl);  // one try: the socket is non-blocking and about to close
            SSL_free(ssl);
            ERR_clear_error();
        }
        ::shutdown(sock, SHUT_RDWR);
        ::close(sock);
        return ok;
    }

    // Whether a request starts within keep_alive_timeout (looked at every 100 ms: a stopping
    // server lets its idle connections go).
    bool next_request(const DeadlineStream& stream, int sock) const {
        if (stream.pending()) return true;
        const auto until = Clock::now() + std::chrono::seconds(keep_alive_timeout_sec_);
        while (is_running()) {
            const auto slice = std::min(until, Clock::now() + std::chrono::milliseconds(100));
            if (wait_for(sock, POLLIN, slice)) return true;
            if (Clock::now() >= until) return false;
        }
        return false;
    }

    Deadlines m_deadlines;
    SSL_CTX* m_ctx;
};

}  // namespace

void close_connection_after_answer() { t_close_after_answer = true; }

analyze::Result<std::unique_ptr<httplib::Server>> make_http_server(const std::string& tls_cert, const std::string& tls_key,
                                                                   Deadlines deadlines) {
    // A client gone mid-answer is an error of that write, not the end of the process.
    std::signal(SIGPIPE, SIG_IGN);
    SSL_CTX* ctx = nullptr;
    if (!tls_cert.empty()) {
        ctx = SSL_CTX_new(TLS_server_method());
        const bool usable = ctx != nullptr && SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1 &&
                            SSL_CTX_use_certificate_chain_file(ctx, tls_cert.c_str()) == 1 &&
                            SSL_CTX_use_PrivateKey_file(ctx, tls_key.c_str(), SSL_FILETYPE_PEM) == 1 &&
                            SSL_CTX_check_private_key(ctx) == 1;
        ERR_clear_error();
        if (!usable) {
            if (ctx != nullptr) SSL_CTX_free(ctx);
            return analyze::Error{"cannot use the TLS certificate " + tls_cert + " and key " + tls_key, "", std::nullopt};
        }
        SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    }
    return std::unique_ptr<httplib::Server>(std::make_unique<DeadlineServer>(deadlines, ctx));
}

}  // namespace pgfence::serve
