#include "serve/admin.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "serve/audit.hpp"
#include "serve/payload.hpp"

namespace pgfence::serve {
namespace {

using nlohmann::json;

constexpr std::size_t k_max_request = 64 * 1024;

analyze::Error failure(const std::string& what) { return analyze::Error{what + ": " + std::strerror(errno), "", std::nullopt}; }

std::optional<sockaddr_un> address_of(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) return std::nullopt;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return addr;
}

// One line (without its newline) from `fd`, or nothing on a timeout, an error or an overlong line.
std::optional<std::string> read_line(int fd) {
    std::string line;
    char buf[4096];
    for (;;) {
        const ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return std::nullopt;
        line.append(buf, static_cast<std::size_t>(n));
        if (const auto end = line.find('\n'); end != std::string::npos) return line.substr(0, end);
        if (line.size() > k_max_request) return std::nullopt;
    }
}

bool write_all(int fd, const std::string& text) {
    std::size_t sent = 0;
    while (sent < text.size()) {
        const ssize_t n = send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

void set_timeout(int fd, int seconds) {
    timeval tv{seconds, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

json refused(const std::string& message) { return json{{"error", message}}; }

}  // namespace

std::string admin_socket_path(const std::string& dir) { return dir + "/admin.sock"; }

json admin_command(Store& store, const json& request) {
    const std::string command = request.is_object() ? request.value("command", "") : "";
    if (command == "ping") return json{{"pid", getpid()}};
    if (command == "token create" || command == "token revoke") {
        const json* name = request.contains("repository") ? &request["repository"] : nullptr;
        if (name == nullptr || !name->is_string() || !valid_repository(name->get<std::string>())) {
            return refused("token create and revoke need --repository OWNER/NAME");
        }
        const std::string repository = lower(name->get<std::string>());
        if (command == "token revoke") {
            auto n = store.revoke_tokens(repository);
            if (!n) return refused(n.error().message);
            return json{{"revoked", *n}};
        }
        auto token = store.create_token(repository);
        if (!token) return refused(token.error().message);
        return json{{"token", *token}};
    }
    if (command == "audit verify") {
        auto read = store.audit_snapshot("");
        if (!read) return refused(read.error().message);
        auto v = audit::verify_to_heads(read->first, read->second);
        if (v.problem) return json{{"problem", {{"repository", v.problem->repository}, {"seq", v.problem->seq}, {"what", v.problem->what}}}};
        return json{{"chains", v.chains}, {"events", v.events}};
    }
    return refused("unknown admin command");
}

analyze::Result<std::unique_ptr<AdminSocket>> AdminSocket::open(const std::string& dir, Handler handler) {
    std::unique_ptr<AdminSocket> admin(new AdminSocket());
    admin->m_path = admin_socket_path(dir);
    admin->m_handler = std::move(handler);
    auto addr = address_of(admin->m_path);
    if (!addr) return analyze::Error{"the admin socket's path is too long: " + admin->m_path, "", std::nullopt};
    struct stat st {};
    if (lstat(admin->m_path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            return analyze::Error{admin->m_path + " exists and is not a socket (a link or a file): refused; remove it", "",
                                  std::nullopt};
        }
        if (unlink(admin->m_path.c_str()) != 0) return failure("cannot remove the stale " + admin->m_path);
    }
    admin->m_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (admin->m_fd < 0) return failure("socket");
    if (bind(admin->m_fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0) return failure("cannot bind " + admin->m_path);
    // The folder is the service's (0700); SO_PEERCRED below is the check that counts.
    if (chmod(admin->m_path.c_str(), 0600) != 0) return failure("cannot chmod " + admin->m_path);
    if (listen(admin->m_fd, 16) != 0) return failure("cannot listen on " + admin->m_path);
    AdminSocket* self = admin.get();
    admin->m_thread = std::thread([self] { self->serve(); });
    return admin;
}

AdminSocket::~AdminSocket() {
    m_stopping = true;
    if (m_thread.joinable()) m_thread.join();
    if (m_fd >= 0) {
        close(m_fd);
        unlink(m_path.c_str());
    }
}

void AdminSocket::serve() {
    while (!m_stopping) {
        pollfd p{m_fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        const int client = accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) continue;
        answer(client);
        close(client);
    }
}

void AdminSocket::answer(int client) {
    ucred peer{};
    socklen_t size = sizeof peer;
    set_timeout(client, 5);
    if (getsockopt(client, SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0 || (peer.uid != geteuid() && peer.uid != 0)) {
        (void)write_all(client, refused("only the service's own user (or root) may use its admin socket").dump() + "\n");
        return;
    }
    auto line = read_line(client);
    if (!line) return;
    json request = json::parse(*line, nullptr, false);
    json reply;
    try {
        reply = request.is_discarded() ? refused("not a JSON request") : m_handler(request);
    } catch (const std::exception& e) {
        reply = refused(std::string("internal error: ") + e.what());
    }
    (void)write_all(client, reply.dump() + "\n");
}

analyze::Result<std::optional<json>> admin_call(const std::string& dir, const json& request, int timeout_seconds) {
    const std::string path = admin_socket_path(dir);
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) return std::optional<json>();
    if (!S_ISSOCK(st.st_mode) || (st.st_uid != geteuid() && st.st_uid != 0)) {
        return analyze::Error{path + " is not the service's socket (a link, a file, or another user's): refused", "", std::nullopt};
    }
    auto addr = address_of(path);
    if (!addr) return analyze::Error{"the admin socket's path is too long: " + path, "", std::nullopt};
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return failure("socket");
    if (connect(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0) {
        close(fd);
        return std::optional<json>();  // a socket left by a killed owner, or one not listening yet
    }
    set_timeout(fd, timeout_seconds);
    const bool sent = write_all(fd, request.dump() + "\n");
    auto line = sent ? read_line(fd) : std::nullopt;
    close(fd);
    json reply = line ? json::parse(*line, nullptr, false) : json();
    if (!line || !reply.is_object()) {
        return analyze::Error{"the service owning " + dir + " took the request but did not answer (it may be stopping)", "",
                              std::nullopt};
    }
    return std::optional<json>(std::move(reply));
}

}  // namespace pgfence::serve
