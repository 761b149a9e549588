#pragma once
// The admin endpoint of the service that owns a data folder (serve/data_lock.hpp): a Unix socket,
// DIR/admin.sock (mode 0600), through which `pgfence serve token create|revoke` and `pgfence audit
// verify` reach the running service instead of starting a second PostgreSQL on its folder. One
// JSON object per line each way; only processes of the service's own user, or root, are answered
// (SO_PEERCRED). The same commands run on a Store directly when nobody owns the folder.
//   {"command": "ping"}                                        → {"pid": N}
//   {"command": "token create", "repository": "owner/name"}    → {"token": "pgf_..."}
//   {"command": "token revoke", "repository": "owner/name"}    → {"revoked": N}
//   {"command": "audit verify"}                                → {"chains": N, "events": N} or {"problem": {...}}
// A refusal is {"error": "..."}.
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "analyze/base/error.hpp"
#include "serve/store.hpp"

namespace pgfence::serve {

// The socket's path in the data folder `dir`.
[[nodiscard]] std::string admin_socket_path(const std::string& dir);

// Runs one admin command on `store`: the answer, {"error": ...} when it is refused or fails.
[[nodiscard]] nlohmann::json admin_command(Store& store, const nlohmann::json& request);

class AdminSocket {
public:
    using Handler = std::function<nlohmann::json(const nlohmann::json& request)>;
    // Listens on DIR/admin.sock, answering with `handler` on a thread of its own. A socket left by
    // a killed owner is replaced (the caller holds the folder's lock); anything else at that path,
    // a link included, is refused.
    [[nodiscard]] static analyze::Result<std::unique_ptr<AdminSocket>> open(const std::string& dir, Handler handler);
    AdminSocket(const AdminSocket&) = delete;
    AdminSocket& operator=(const AdminSocket&) = delete;
    ~AdminSocket();  // stops answering, removes the socket

private:
    AdminSocket() = default;
    void serve();
    void answer(int client);

    std::string m_path;
    int m_fd = -1;
    Handler m_handler;
    std::atomic<bool> m_stopping{false};
    std::thread m_thread;
};

// One request to the service owning `dir`: nothing when no service listens there (no socket, or
// nobody accepting on it); an Error when one took the request and gave no answer (it may or may
// not have acted on it), or when the path is not a socket of ours or root's.
[[nodiscard]] analyze::Result<std::optional<nlohmann::json>> admin_call(const std::string& dir, const nlohmann::json& request,
                                                                       int timeout_seconds = 60);

}  // namespace pgfence::serve
