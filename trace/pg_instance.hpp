#pragma once
// A throwaway PostgreSQL server: its own data directory in a fresh temporary folder, on
// 127.0.0.1 and a free port, tuned for speed over durability, stopped and deleted when
// the object goes away. Used by the conformance suite and the trace mode.
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
};

class PgInstance {
public:
    // initdb + pg_ctl start; fails with the tool's output when either does.
    [[nodiscard]] static Result<std::unique_ptr<PgInstance>> start(const InstanceOptions& options = {});
    // True when `bin_dir` holds initdb, pg_ctl and postgres.
    [[nodiscard]] static bool binaries_present(const std::string& bin_dir);

    PgInstance(const PgInstance&) = delete;
    PgInstance& operator=(const PgInstance&) = delete;
    ~PgInstance();  // pg_ctl stop -m immediate, then the temporary folder is removed

    // libpq connection string for `dbname` as the superuser.
    [[nodiscard]] std::string conninfo(const std::string& dbname = "postgres") const;
    [[nodiscard]] Result<Connection> connect(const std::string& dbname = "postgres") const;
    // For a signal handler (async-signal-safe): stops the server at once and removes the
    // folder, for when the destructor will not run.
    void abandon() const noexcept;

    [[nodiscard]] int port() const { return m_port; }
    [[nodiscard]] const std::string& root() const { return m_root; }

private:
    PgInstance() = default;
    [[nodiscard]] Status init(const InstanceOptions& options);
    [[nodiscard]] Status launch(const InstanceOptions& options);
    [[nodiscard]] const Account* account() const { return m_as_other ? &m_account : nullptr; }

    std::string m_bin_dir;
    std::string m_root;  // temporary folder: data/, the socket, logs
    int m_port = 0;
    pid_t m_postmaster = 0;
    bool m_running = false;
    bool m_as_other = false;
    Account m_account;
};

}  // namespace pgfence::trace
