#include "trace/pg_instance.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <ctime>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace pgfence::trace {
namespace {

constexpr const char* k_superuser = "postgres";

// A port nobody listens on right now (the kernel picks it; a race is retried by start()).
Result<int> free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return Error{"socket: " + std::string(std::strerror(errno)), "", std::nullopt};
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    int port = -1;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        port = ntohs(addr.sin_port);
    }
    int err = errno;
    close(fd);
    if (port < 0) return Error{"cannot find a free port: " + std::string(std::strerror(err)), "", std::nullopt};
    return port;
}

}  // namespace

bool PgInstance::binaries_present(const std::string& bin_dir) {
    for (const char* tool : {"initdb", "pg_ctl", "postgres"}) {
        if (access((fs::path(bin_dir) / tool).c_str(), X_OK) != 0) return false;
    }
    return true;
}

Result<std::unique_ptr<PgInstance>> PgInstance::start(const InstanceOptions& options) {
    if (!binaries_present(options.bin_dir)) {
        return Error{"PostgreSQL binaries not found in " + options.bin_dir, "", std::nullopt};
    }
    std::unique_ptr<PgInstance> instance(new PgInstance());
    instance->m_bin_dir = options.bin_dir;
    if (Status s = instance->init(options); !s) return s.error();
    // The port is free when chosen but may be taken before the server binds it: retry.
    Status launched = Error{"", "", std::nullopt};
    for (int attempt = 0; attempt < 3; ++attempt) {
        launched = instance->launch(options);
        if (launched) return instance;
    }
    return launched.error();
}

Status PgInstance::init(const InstanceOptions& options) {
    if (geteuid() == 0) {
        auto account = system_account(options.run_as);
        if (!account) return account.error();
        m_account = *account;
        m_as_other = true;
    }
    std::string templ = (fs::temp_directory_path() / "pgfence-pg-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) {
        return Error{"cannot create a temporary folder: " + std::string(std::strerror(errno)), "", std::nullopt};
    }
    m_root = templ;
    if (m_as_other && chown(m_root.c_str(), m_account.uid, m_account.gid) != 0) {
        return Error{"cannot hand " + m_root + " to " + m_account.name + ": " + std::strerror(errno), "", std::nullopt};
    }
    std::string data = m_root + "/data";
    return run_program({m_bin_dir + "/initdb", "-D", data, "-U", k_superuser, "--auth=trust", "--no-sync",
                        "--encoding=UTF8", "--locale=C"},
                       m_root + "/initdb.log", account());
}

Status PgInstance::launch(const InstanceOptions& options) {
    auto port = free_port();
    if (!port) return port.error();
    m_port = *port;
    std::string data = m_root + "/data";
    // Appended settings override earlier ones, so a retry with another port just adds lines.
    {
        std::ofstream conf(data + "/postgresql.conf", std::ios::app);
        conf << "\n# pgfence throwaway instance\n"
             << "listen_addresses = '127.0.0.1'\n"
             << "port = " << m_port << "\n"
             << "unix_socket_directories = '" << m_root << "'\n"
             << "fsync = off\nfull_page_writes = off\nsynchronous_commit = off\n";
        for (const auto& s : options.settings) conf << s << "\n";
        if (!conf) return Error{"cannot write " + data + "/postgresql.conf", "", std::nullopt};
    }
    Status started = run_program({m_bin_dir + "/pg_ctl", "-D", data, "-l", m_root + "/server.log", "-w", "-t", "60",
                                  "start"},
                                 m_root + "/pg_ctl.log", account());
    if (!started) return started;
    m_running = true;
    std::ifstream pidfile(data + "/postmaster.pid");
    pidfile >> m_postmaster;
    return Done{};
}

void PgInstance::abandon() const noexcept {
    if (m_running && m_postmaster > 0) kill(m_postmaster, SIGQUIT);  // immediate shutdown
    if (m_root.empty()) return;
    pid_t child = fork();
    if (child == 0) {
        // Out of the caller's process group (a group kill must not stop the clean-up);
        // give the postmaster a moment to go, then remove its files.
        setsid();
        struct timespec pause{0, 200 * 1000 * 1000};
        nanosleep(&pause, nullptr);
        execl("/bin/rm", "rm", "-rf", m_root.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
}

PgInstance::~PgInstance() {
    if (m_running) {
        Status stopped = run_program({m_bin_dir + "/pg_ctl", "-D", m_root + "/data", "-m", "immediate", "-w", "stop"},
                                     m_root + "/pg_ctl.log", account());
        (void)stopped;  // nothing useful to do about it in a destructor; the folder goes anyway
    }
    if (!m_root.empty()) {
        std::error_code ec;
        fs::remove_all(m_root, ec);
    }
}

std::string PgInstance::conninfo(const std::string& dbname) const {
    return "host=127.0.0.1 port=" + std::to_string(m_port) + " user=" + k_superuser + " dbname=" + dbname +
           " application_name=pgfence connect_timeout=10";
}

Result<Connection> PgInstance::connect(const std::string& dbname) const {
    return Connection::open(conninfo(dbname));
}

}  // namespace pgfence::trace
