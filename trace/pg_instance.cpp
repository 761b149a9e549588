#include "trace/pg_instance.hpp"

#include <sys/stat.h>

#include "trace/libpq_lazy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "analyze/parse/names.hpp"
#include "analyze/base/safe_write.hpp"
#include "trace/initdb_cache.hpp"
#include "trace/server_process.hpp"

namespace fs = std::filesystem;

namespace pgfence::trace {
namespace {

constexpr const char* k_superuser = "postgres";
constexpr const char* k_migration_role = "pgfence_migration";

// Runs in its own session, immune to Ctrl-C and SIGTERM: it reads postmaster pids from its
// stdin until the pipe closes (pgfence exited or was killed, even by SIGKILL), then stops
// the last server it was told about (by its init process, which kills everything the server
// started; SIGKILL after $2 ticks of 50 ms) and removes the folder $1. "0" means already stopped.
constexpr const char* k_watchdog_script =
    "pid=0\n"
    "while read -r line; do pid=$line; done\n"
    "if [ \"$pid\" -gt 0 ] 2>/dev/null; then\n"
    "  kill -TERM \"$pid\" 2>/dev/null\n"
    "  i=0\n"
    "  while kill -0 \"$pid\" 2>/dev/null && [ $i -lt \"$2\" ]; do sleep 0.05; i=$((i+1)); done\n"
    "  kill -KILL \"$pid\" 2>/dev/null\n"
    "fi\n"
    "if [ -n \"$1\" ]; then rm -rf -- \"$1\"; fi\n";

// How long a stop may take before the server is killed: an immediate shutdown takes
// milliseconds; a fast one writes a checkpoint first.
constexpr long k_throwaway_grace_ms = 5000;
constexpr long k_persistent_grace_ms = 60000;

// A port nobody listens on right now (the kernel picks it; a race is retried by start()).
Result<int> free_port() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
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

// 32 hex digits from the kernel's random source; never written anywhere.
Result<std::string> random_password() {
    unsigned char bytes[16];
    if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
        return Error{"getrandom: " + std::string(std::strerror(errno)), "", std::nullopt};
    }
    static const char* k_hex = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out += k_hex[b >> 4];
        out += k_hex[b & 15];
    }
    return out;
}

std::string file_tail(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    if (text.size() > 1500) text = "..." + text.substr(text.size() - 1500);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
}

Error failure(const std::string& what) { return Error{what + ": " + std::strerror(errno), "", std::nullopt}; }

}  // namespace

bool PgInstance::binaries_present(const std::string& bin_dir) {
    for (const char* tool : {"initdb", "postgres"}) {
        if (access((fs::path(bin_dir) / tool).c_str(), X_OK) != 0) return false;
    }
    return true;
}

Result<std::unique_ptr<PgInstance>> PgInstance::start(const InstanceOptions& options) {
    // Before any server starts: without libpq nothing could talk to it.
    if (auto missing = open_libpq()) return Error{*missing, "", std::nullopt};
    if (!binaries_present(options.bin_dir)) {
        return Error{"PostgreSQL binaries (initdb, postgres) not found in " + options.bin_dir, "", std::nullopt};
    }
    std::unique_ptr<PgInstance> instance(new PgInstance());
    instance->m_bin_dir = options.bin_dir;
    if (Status s = instance->init(options); !s) return s.error();
    // The port is free when chosen but may be taken before the server binds it: retry.
    Status launched = Error{"", "", std::nullopt};
    for (int attempt = 0; attempt < 3; ++attempt) {
        launched = instance->launch(options);
        if (launched) break;
    }
    if (!launched) return launched.error();
    if (instance->m_persistent) return instance;
    if (Status s = instance->set_password(); !s) return s.error();
    return instance;
}

Status PgInstance::init(const InstanceOptions& options) {
    if (geteuid() == 0) {
        auto account = system_account(options.run_as);
        if (!account) return account.error();
        m_account = *account;
        m_as_other = true;
    }
    auto password = random_password();
    if (!password) return password.error();
    m_password = *password;
    auto migration_password = random_password();
    if (!migration_password) return migration_password.error();
    m_migration_password = *migration_password;
    m_persistent = !options.persistent_dir.empty();
    m_lock_fd = m_persistent ? options.lock_fd : -1;
    if (m_persistent) {
        std::error_code ec;
        m_root = fs::absolute(options.persistent_dir, ec).string();
        if (ec || (!fs::exists(m_root) && mkdir(m_root.c_str(), 0700) != 0)) return failure("cannot create " + m_root);
    } else {
        std::string templ = (fs::temp_directory_path() / "pgfence-pg-XXXXXX").string();
        if (mkdtemp(templ.data()) == nullptr) return failure("cannot create a temporary folder");
        m_root = templ;
    }
    if (Status w = start_watchdog(); !w) return w;
    if (m_as_other && chown(m_root.c_str(), m_account.uid, m_account.gid) != 0) {
        return failure("cannot hand " + m_root + " to " + m_account.name);
    }
    const std::string data = m_root + "/data";
    if (m_persistent && fs::exists(data + "/PG_VERSION")) {
        std::ifstream version(data + "/PG_VERSION");
        version >> m_major;
        return Done{};
    }
    // A persistent folder is made aside and renamed once complete: an initdb cut short (pgfence
    // killed) leaves no data/ that looks ready. Its leftover is ours to remove (we hold the lock).
    const std::string target = m_persistent ? m_root + "/data.initdb" : data;
    if (m_persistent) {
        std::error_code ec;
        fs::remove_all(target, ec);
        if (ec) return Error{"cannot remove " + target + ": " + ec.message(), "", std::nullopt};
    }
    // Local (socket) connections are trusted: the socket lives in our 0700 folder. TCP
    // needs the password, which is set once the server runs (see set_password).
    std::vector<std::string> initdb = {m_bin_dir + "/initdb", "-D", target, "-U", k_superuser, "--auth-local=trust",
                                       "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C"};
    if (!m_persistent) initdb.push_back("--no-sync");
    const auto cache = m_persistent ? std::nullopt : initdb_cache_folder();
    Status made = cache ? initdb_from_cache(*cache, initdb, target, m_root + "/initdb.log", account(), m_root)
                        : run_program(initdb, m_root + "/initdb.log", account(), m_root, m_lock_fd);
    if (!made) return made;
    if (m_persistent && rename(target.c_str(), data.c_str()) != 0) {
        return failure("cannot rename " + target + " to " + data + " (a data/ without PG_VERSION is in the way?)");
    }
    std::ifstream version(data + "/PG_VERSION");
    version >> m_major;
    return Done{};
}

Status PgInstance::start_watchdog() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return failure("pipe");
    pid_t pid = fork();
    if (pid < 0) return failure("fork");
    if (pid == 0) {
        setsid();
        signal(SIGINT, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        dup2(fds[0], 0);
        int null_fd = open("/dev/null", O_WRONLY);
        if (null_fd >= 0) {
            dup2(null_fd, 1);
            dup2(null_fd, 2);
        }
        char* envp[] = {const_cast<char*>("PATH=/usr/bin:/bin"), nullptr};
        // A persistent server's folder is its data: the watchdog stops the server and deletes nothing.
        const char* remove = m_persistent ? "" : m_root.c_str();
        // The init's own grace, and 10 s more for it to clean up.
        const char* ticks = m_persistent ? "1400" : "300";
        execle("/bin/sh", "sh", "-c", k_watchdog_script, "pgfence-watchdog", remove, ticks, static_cast<char*>(nullptr), envp);
        _exit(127);
    }
    close(fds[0]);
    m_watchdog = pid;
    m_watchdog_fd = fds[1];
    return Done{};
}

Status PgInstance::launch(const InstanceOptions& options) {
    auto port = free_port();
    if (!port) return port.error();
    m_port = *port;
    std::string data = m_root + "/data";
    ServerLaunch server;
    server.argv = {m_bin_dir + "/postgres", "-D", data};
    if (m_persistent) {
        // Settings on the command line, so postgresql.conf stays the team's: the socket only.
        const std::vector<std::string> settings = {"listen_addresses=", "port=" + std::to_string(m_port),
                                                   "unix_socket_directories=" + m_root, "jit=off"};
        for (const std::string& setting : settings) {
            server.argv.push_back("-c");
            server.argv.push_back(setting);
        }
        for (const auto& s : options.settings) {
            server.argv.push_back("-c");
            server.argv.push_back(s);
        }
    } else {
    // Appended settings override earlier ones, so a retry with another port just adds lines.
    {
        std::ostringstream conf;
        conf << "\n# pgfence throwaway instance\n"
             << "listen_addresses = '127.0.0.1'\n"
             << "port = " << m_port << "\n"
             << "unix_socket_directories = '" << m_root << "'\n"
             << "fsync = off\nfull_page_writes = off\nsynchronous_commit = off\n"
             << "wal_level = minimal\nmax_wal_senders = 0\ncheckpoint_timeout = 1d\n"
             << "shared_buffers = 32MB\njit = off\nautovacuum = off\n"
             << "log_min_messages = warning\nlog_min_error_statement = panic\n"
             // Room for the trace's contention sessions: a REINDEX TABLE CONCURRENTLY pins each
             // index of its table twice, and a pin let go is replaced before it ends.
             << "max_connections = 200\ndeadlock_timeout = 100ms\n"
             // Limits the migration role cannot lift: temporary files cannot fill the runner's
             // disk; dynamic shared memory lives in the data folder, removed with it.
             << "temp_file_limit = '2GB'\ndynamic_shared_memory_type = mmap\n";
        for (const auto& s : options.settings) conf << s << "\n";
        // The data folder is this instance's own, made by initdb: written through no link all the same.
        if (auto written = analyze::append_file_under(data, "postgresql.conf", conf.str()); !written) {
            return Error{"cannot write " + data + "/postgresql.conf: " + written.error().message, "", std::nullopt};
        }
    }
    }
    server.env = minimal_environment(m_root);
    server.log_path = m_root + "/server.log";
    server.as = account();
    server.try_namespace = options.try_namespace && !namespace_disabled_for_tests();
    if (m_persistent) {
        server.stop_signal = SIGINT;
        server.stop_grace_ms = k_persistent_grace_ms;
        server.keep_fd = m_lock_fd;
    } else {
        server.stop_grace_ms = k_throwaway_grace_ms;
    }
    auto launched = launch_contained(server);
    if (!launched) return launched.error();
    const pid_t pid = launched->init;
    m_namespaced = launched->namespaced;
    m_alive_fd = launched->alive_fd;
    m_postmaster = pid;
    std::string line = std::to_string(pid) + "\n";
    (void)!write(m_watchdog_fd, line.data(), line.size());
    if (Status ready = wait_ready(); !ready) {
        stop();
        return ready;
    }
    return Done{};
}

Status PgInstance::wait_ready() {
    const std::string socket_info = "host=" + m_root + " port=" + std::to_string(m_port) + " user=" + k_superuser +
                                    " dbname=postgres connect_timeout=5";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (waitpid(m_postmaster, &status, WNOHANG) == m_postmaster) {
            m_postmaster = 0;
            std::string tail = file_tail(m_root + "/server.log");
            return Error{"the PostgreSQL server exited at start" + (tail.empty() ? "" : ":\n" + tail), "", std::nullopt};
        }
        if (server_accepts(socket_info)) return Done{};
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return Error{"the PostgreSQL server did not accept connections within 60 s", "", std::nullopt};
}

Status PgInstance::set_password() {
    const std::string socket_info = "host=" + m_root + " port=" + std::to_string(m_port) + " user=" + k_superuser +
                                    " dbname=postgres connect_timeout=10";
    auto conn = Connection::open(socket_info);
    if (!conn) return conn.error();
    // Not logged even if the statement failed (log_min_error_statement = panic above).
    if (Status s = conn->execute("ALTER ROLE " + std::string(k_superuser) + " PASSWORD " + analyze::quote_literal(m_password));
        !s) {
        return Error{"cannot set the server's password", "", std::nullopt};
    }
    // Repository SQL runs as this role: no superuser, so no COPY ... PROGRAM, no server files,
    // no untrusted languages. It owns the databases pgfence creates for the migrations.
    if (Status s = conn->execute(std::string("CREATE ROLE ") + k_migration_role +
                                 " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD " +
                                 analyze::quote_literal(m_migration_password));
        !s) {
        return Error{"cannot create the migration role", "", std::nullopt};
    }
    return Done{};
}

void PgInstance::abandon() const noexcept {
    if (m_postmaster > 0) kill(m_postmaster, SIGTERM);  // the init shuts the server down at once
}

void PgInstance::stop() noexcept {
    stop_server();
    if (m_alive_fd >= 0) close(m_alive_fd);
    m_alive_fd = -1;
}

void PgInstance::stop_server() noexcept {
    if (m_postmaster <= 0) return;
    kill(m_postmaster, SIGTERM);
    int status = 0;
    // The init kills a stuck server after its grace, and everything else the server started;
    // the init itself is killed 5 s later.
    const long ticks = ((m_persistent ? k_persistent_grace_ms : k_throwaway_grace_ms) + 5000) / 5;
    for (long i = 0; i < ticks; ++i) {
        pid_t r = waitpid(m_postmaster, &status, WNOHANG);
        if (r == m_postmaster || (r < 0 && errno != EINTR)) {
            m_postmaster = 0;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    kill(m_postmaster, SIGKILL);
    while (waitpid(m_postmaster, &status, 0) < 0 && errno == EINTR) {
    }
    m_postmaster = 0;
}

PgInstance::~PgInstance() {
    stop();
    if (!m_root.empty() && !m_persistent) {
        std::error_code ec;
        fs::remove_all(m_root, ec);
    }
    if (m_watchdog_fd >= 0) {
        (void)!write(m_watchdog_fd, "0\n", 2);
        close(m_watchdog_fd);
        // Reaped so that nothing of the instance outlives the object.
        while (waitpid(m_watchdog, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
}

std::string PgInstance::conninfo(const std::string& dbname) const {
    return "host=127.0.0.1 port=" + std::to_string(m_port) + " user=" + k_superuser + " password=" + m_password +
           " dbname=" + dbname + " application_name=pgfence connect_timeout=10";
}

std::string PgInstance::socket_conninfo(const std::string& dbname) const {
    return "host=" + m_root + " port=" + std::to_string(m_port) + " user=" + k_superuser + " dbname=" + dbname +
           " application_name=pgfence connect_timeout=10";
}

std::string PgInstance::migration_conninfo(const std::string& dbname) const {
    return "host=127.0.0.1 port=" + std::to_string(m_port) + " user=" + k_migration_role +
           " password=" + m_migration_password + " dbname=" + dbname + " application_name=pgfence connect_timeout=10";
}

const char* PgInstance::migration_role() { return k_migration_role; }

Result<Connection> PgInstance::connect(const std::string& dbname) const {
    return Connection::open(m_persistent ? socket_conninfo(dbname) : conninfo(dbname));
}

}  // namespace pgfence::trace
