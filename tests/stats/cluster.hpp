#pragma once
// A primary (trace::PgInstance) with a password-authenticated role, and a streaming
// replica of it made with pg_basebackup -R on another port: what a team's CI would point
// extract-stats at. Both run as `postgres` when the tests run as root.
#include <memory>
#include <string>

#include "trace/pg_instance.hpp"

namespace pgfence::tests {

inline constexpr const char* k_reader = "pgfence_reader";
inline constexpr const char* k_reader_password = "Rd-s3cret-9f2c";

class Replica {
public:
    // pg_basebackup -R from `primary` (over its trusted Unix socket), then start it on a free port.
    [[nodiscard]] static trace::Result<std::unique_ptr<Replica>> start(const trace::PgInstance& primary);
    Replica(const Replica&) = delete;
    Replica& operator=(const Replica&) = delete;
    ~Replica();

    [[nodiscard]] int port() const { return m_port; }
    [[nodiscard]] trace::Result<trace::Connection> connect() const;

private:
    Replica() = default;
    std::string m_bin_dir = "/usr/lib/postgresql/15/bin";
    std::string m_root;
    int m_port = 0;
    bool m_running = false;
    bool m_as_other = false;
    trace::Account m_account;
};

// Starts the primary with the settings a replica needs and the reader role (login and a
// password, no other privilege), reachable only with scram-sha-256 over TCP.
[[nodiscard]] trace::Result<std::unique_ptr<trace::PgInstance>> start_primary();

// Blocks until the replica has replayed everything the primary has written (60 s at most).
[[nodiscard]] trace::Status wait_for_replay(trace::Connection& primary, trace::Connection& replica);

// A TCP port on 127.0.0.1 that nobody listens on.
[[nodiscard]] int unused_port();

}  // namespace pgfence::tests
