#pragma once
// A throwaway PostgreSQL server: its own data directory in a fresh temporary folder, on
// 127.0.0.1 and a free port, tuned for speed over durability, stopped and deleted when
// the object goes away, when the process is interrupted, and (by a watchdog process) when
// it is killed. Used by the conformance and recipes suites and by `pgfence trace`.
// The server runs under an init process of ours (trace/server_process.hpp): whatever it
// starts dies with it. It gets a minimal environment, none of pgfence's.
// Two roles: the superuser, for pgfence's own work (databases, pg_locks, contention), and a
// plain LOGIN role that owns the databases made for migrations, for repository SQL.
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "trace/pq_connection.hpp"
#include "trace/process.hpp"

namespace pgfence::trace {

struct InstanceOptions {
    std::string bin_dir = "/usr/lib/postgresql/15/bin";
    // PostgreSQL refuses to run as root; as root, initdb and the server run as this account.
    std::string run_as = "postgres";
    // Extra `name=value` server settings, after the speed settings (fsync=off, ...).
    std::vector<std::string> settings;
    // The PID-namespace containment where the kernel allows it (else the subreaper fallback).
    bool try_namespace = true;
    // A server that keeps its data (`pgfence serve --data-dir`): initdb only the first time, the
    // default durability settings, reached only through its socket in this folder (no TCP, no
    // passwords, no migration role), stopped but never deleted. Empty: a throwaway server.
    // It is stopped with a fast shutdown (a checkpoint: the next start needs no recovery), also
    // when pgfence is killed; initdb works in data.initdb/, renamed to data/ once complete.
    std::string persistent_dir;
    // The persistent folder's lock (serve/data_lock.hpp), taken by the caller: initdb, the server
    // and every process it starts inherit it, so it is held until the last of them has exited.
    int lock_fd = -1;
};

class PgInstance {
public:
    // initdb + the postmaster, waited for until it accepts connections; fails with the
    // tool's output or the server log's tail when either fails.
    [[nodiscard]] static Result<std::unique_ptr<PgInstance>> start(const InstanceOptions& options = {});
    // True when `bin_dir` holds initdb and postgres.
    [[nodiscard]] static bool binaries_present(const std::string& bin_dir);

    PgInstance(const PgInstance&) = delete;
    PgInstance& operator=(const PgInstance&) = delete;
    ~PgInstance();  // immediate shutdown (fast when persistent), then the temporary folder is removed

    // libpq connection string for `dbname` as the superuser, over TCP on 127.0.0.1 with the
    // instance's random password (held in memory only).
    [[nodiscard]] std::string conninfo(const std::string& dbname = "postgres") const;
    // The socket's connection string (a persistent server has no other).
    [[nodiscard]] std::string socket_conninfo(const std::string& dbname = "postgres") const;
    [[nodiscard]] Result<Connection> connect(const std::string& dbname = "postgres") const;
    // The same for the migration role: NOSUPERUSER NOCREATEDB NOCREATEROLE, no server file or
    // program access; it owns the databases created with `OWNER <migration_role()>`.
    [[nodiscard]] std::string migration_conninfo(const std::string& dbname) const;
    [[nodiscard]] static const char* migration_role();
    // For a signal handler (async-signal-safe): stops the server at once; the watchdog
    // removes the folder once the process is gone.
    void abandon() const noexcept;

    [[nodiscard]] int port() const { return m_port; }
    [[nodiscard]] const std::string& root() const { return m_root; }
    // Our init process, the postmaster's parent (see trace/server_process.hpp).
    [[nodiscard]] pid_t server_init_pid() const { return m_postmaster; }
    // True when the server runs in its own PID namespace.
    [[nodiscard]] bool namespaced() const { return m_namespaced; }
    // The server's major version (from PG_VERSION), e.g. 15.
    [[nodiscard]] int major_version() const { return m_major; }

private:
    PgInstance() = default;
    [[nodiscard]] Status init(const InstanceOptions& options);
    [[nodiscard]] Status start_watchdog();
    [[nodiscard]] Status launch(const InstanceOptions& options);
    [[nodiscard]] Status wait_ready();
    [[nodiscard]] Status set_password();
    void stop() noexcept;  // the server, then the init's alive_fd (trace/server_process.hpp)
    void stop_server() noexcept;
    [[nodiscard]] const Account* account() const { return m_as_other ? &m_account : nullptr; }

    std::string m_bin_dir;
    std::string m_root;  // temporary folder: data/, the socket, logs
    std::string m_password;
    std::string m_migration_password;
    int m_port = 0;
    int m_major = 0;
    pid_t m_postmaster = 0;  // our init process, which owns the postmaster
    int m_alive_fd = -1;     // ServerProcess::alive_fd, closed once the init is reaped
    bool m_namespaced = false;
    pid_t m_watchdog = 0;
    int m_watchdog_fd = -1;  // write end of the watchdog's pipe; its closing means "clean up now"
    bool m_as_other = false;
    bool m_persistent = false;
    int m_lock_fd = -1;  // the caller's: not closed here
    Account m_account;
};

}  // namespace pgfence::trace
