#include "tests/stats/cluster.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/stats/run.hpp"

namespace pgfence::tests {

using trace::Error;

int unused_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        port = ntohs(addr.sin_port);
    }
    close(fd);
    return port;
}

trace::Result<std::unique_ptr<trace::PgInstance>> start_primary() {
    trace::InstanceOptions options;
    // Autovacuum off: which tables have catalog estimates is then up to the test.
    options.settings = {"wal_level = replica", "max_wal_senders = 4", "hot_standby = on", "autovacuum = off"};
    auto primary = trace::PgInstance::start(options);
    if (!primary) return primary.error();
    auto conn = (*primary)->connect();
    if (!conn) return conn.error();
    if (auto s = conn->execute(std::string("CREATE ROLE ") + k_reader + " LOGIN PASSWORD '" + k_reader_password + "'"); !s) {
        return s.error();
    }
    // First match wins: the reader must give its password; everyone else keeps trust.
    std::string hba_path = (*primary)->root() + "/data/pg_hba.conf";
    std::string hba = read_text(hba_path);
    write_text(hba_path, std::string("host all ") + k_reader + " 127.0.0.1/32 scram-sha-256\n" + hba);
    if (auto s = conn->execute("SELECT pg_reload_conf()"); !s) return s.error();
    return std::move(*primary);
}

trace::Result<std::unique_ptr<Replica>> Replica::start(const trace::PgInstance& primary) {
    std::unique_ptr<Replica> r(new Replica());
    const trace::Account* as = nullptr;
    if (geteuid() == 0) {
        auto account = trace::system_account("postgres");
        if (!account) return account.error();
        r->m_account = *account;
        r->m_as_other = true;
        as = &r->m_account;
    }
    r->m_root = temp_dir("pgfence-replica");
    if (as && chown(r->m_root.c_str(), as->uid, as->gid) != 0) return Error{"cannot chown " + r->m_root, "", std::nullopt};
    std::string data = r->m_root + "/data";
    if (auto s = trace::run_program({r->m_bin_dir + "/pg_basebackup", "-D", data, "-h", primary.root(), "-p",
                                     std::to_string(primary.port()), "-U", "postgres", "-R", "-X", "stream",
                                     "-c", "fast", "--no-sync"},
                                    r->m_root + "/basebackup.log", as);
        !s) {
        return s.error();
    }
    r->m_port = unused_port();
    {
        std::ofstream conf(data + "/postgresql.conf", std::ios::app);
        conf << "\n# the replica\nport = " << r->m_port << "\nunix_socket_directories = '" << r->m_root
             << "'\nhot_standby = on\n";
    }
    if (auto s = trace::run_program({r->m_bin_dir + "/pg_ctl", "-D", data, "-l", r->m_root + "/server.log", "-w", "-t",
                                     "60", "start"},
                                    r->m_root + "/pg_ctl.log", as);
        !s) {
        return s.error();
    }
    r->m_running = true;
    return r;
}

Replica::~Replica() {
    if (m_running) {
        auto s = trace::run_program({m_bin_dir + "/pg_ctl", "-D", m_root + "/data", "-m", "immediate", "-w", "stop"},
                                    m_root + "/pg_ctl.log", m_as_other ? &m_account : nullptr);
        (void)s;
    }
    std::error_code ec;
    if (!m_root.empty()) std::filesystem::remove_all(m_root, ec);
}

trace::Result<trace::Connection> Replica::connect() const {
    // The Unix socket in its own folder: trusted, so no password is needed for the checks.
    return trace::Connection::open("host=" + m_root + " port=" + std::to_string(m_port) +
                                   " user=postgres dbname=postgres connect_timeout=10");
}

trace::Status wait_for_replay(trace::Connection& primary, trace::Connection& replica) {
    auto lsn = primary.query("SELECT pg_current_wal_lsn()");
    if (!lsn) return lsn.error();
    std::string target = lsn->value(0, 0);
    for (int i = 0; i < 600; ++i) {
        auto done = replica.query("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", {target});
        if (!done) return done.error();
        if (done->value(0, 0) == "t") return trace::Done{};
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return Error{"the replica did not replay up to " + target + " within 60 s", "", std::nullopt};
}

}  // namespace pgfence::tests
