// Every way extract-stats can fail to reach a database: one `error:` line, exit code 2,
// and never the password.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "tests/stats/cluster.hpp"
#include "tests/stats/run.hpp"

using namespace pgfence::tests;

std::string reader_password_or_empty();

namespace {

const std::string k_binary = PGFENCE_BINARY;
constexpr const char* k_password = "Top-s3cret-77aa";

void check_one_error_line(const RunResult& r, const std::string& expect) {
    INFO("stderr: " << r.err << "\nstdout: " << r.out);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    REQUIRE(!r.err.empty());
    CHECK(r.err.rfind("error: ", 0) == 0);
    CHECK(r.err.find('\n') == r.err.size() - 1);  // exactly one line
    CHECK(r.err.find(k_password) == std::string::npos);
    CHECK(r.err.find(reader_password_or_empty()) == std::string::npos);
    CHECK(r.err.find(expect) != std::string::npos);
}

// A TCP server that is not PostgreSQL: answers every connection with an HTTP error page.
class BannerServer {
public:
    BannerServer() {
        m_fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        int one = 1;
        setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
        m_port = ntohs(addr.sin_port);
        listen(m_fd, 4);
        m_thread = std::thread([this] {
            for (;;) {
                int c = accept(m_fd, nullptr, nullptr);
                if (c < 0) return;
                const char reply[] = "HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
                ssize_t w = write(c, reply, sizeof reply - 1);
                (void)w;
                close(c);
            }
        });
    }
    ~BannerServer() {
        shutdown(m_fd, SHUT_RDWR);
        close(m_fd);
        m_thread.join();
    }
    int port() const { return m_port; }

private:
    int m_fd = -1;
    int m_port = 0;
    std::thread m_thread;
};

}  // namespace

std::string reader_password_or_empty() { return k_reader_password; }

TEST_CASE("extract-stats: a URL libpq cannot read", "[errors]") {
    check_one_error_line(run({k_binary, "extract-stats", "--db-url", std::string("postgresql://app:") + k_password + "@127.0.0.1:5432/app?bogus=1"}),
                         "invalid connection string");
    check_one_error_line(run({k_binary, "extract-stats", "--db-url", std::string("postgresql://app:") + k_password + "@127.0.0.1:notaport/app"}),
                         "invalid");
    check_one_error_line(run({k_binary, "extract-stats", "--db-url", std::string("not a url ") + k_password}),
                         "invalid connection string");
    // An unknown option never echoes its value (it may be a mistyped --db-url=...).
    check_one_error_line(run({k_binary, "extract-stats", std::string("--db-ulr=postgresql://app:") + k_password + "@db/app"}),
                         "unknown option '--db-ulr'");
    check_one_error_line(run({k_binary, "extract-stats", std::string("--db-url=host=127.0.0.1 password=") + k_password + " port=x"}),
                         "invalid");
}

TEST_CASE("extract-stats: a refused connection", "[errors]") {
    int port = unused_port();
    RunResult r = run({k_binary, "extract-stats", "--db-url",
                       std::string("postgresql://app:") + k_password + "@127.0.0.1:" + std::to_string(port) + "/app"});
    check_one_error_line(r, "cannot connect");
    CHECK(r.err.find("postgresql://app:***@127.0.0.1:" + std::to_string(port) + "/app") != std::string::npos);
}

TEST_CASE("extract-stats: a server that is not PostgreSQL", "[errors]") {
    BannerServer server;
    RunResult r = run({k_binary, "extract-stats", "--db-url",
                       std::string("postgresql://app:") + k_password + "@127.0.0.1:" + std::to_string(server.port()) + "/app"});
    check_one_error_line(r, "does not speak the PostgreSQL protocol");

    // python3 -m http.server waits for a request line that never comes: the connect timeout ends it.
    int port = unused_port();
    pid_t http = fork();
    if (http == 0) {
        int quiet = open("/dev/null", O_WRONLY);
        dup2(quiet, 1);
        dup2(quiet, 2);
        execl("/usr/bin/python3", "python3", "-m", "http.server", "--bind", "127.0.0.1", std::to_string(port).c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    RunResult slow = run({k_binary, "extract-stats", "--db-url",
                          std::string("postgresql://app:") + k_password + "@127.0.0.1:" + std::to_string(port) + "/app?connect_timeout=2"});
    kill(http, SIGTERM);
    waitpid(http, nullptr, 0);
    // Depending on how much it reads before answering, it is a timeout or a reply that is not PostgreSQL's.
    INFO(slow.err);
    CHECK((slow.err.find("did not answer") != std::string::npos ||
           slow.err.find("does not speak the PostgreSQL protocol") != std::string::npos));
    check_one_error_line(slow, "error: extract-stats: ");
}

TEST_CASE("extract-stats: a wrong password", "[errors][server]") {
    auto primary = start_primary();
    REQUIRE(primary);
    RunResult r = run({k_binary, "extract-stats", "--db-url",
                       std::string("postgresql://") + k_reader + ":" + k_password + "@127.0.0.1:" +
                           std::to_string((*primary)->port()) + "/postgres"});
    check_one_error_line(r, "password authentication failed");
    // The right one works, and it is not echoed either. Without -o the snapshot goes to
    // standard output (`extract-stats ... > FILE`, as the original pgfence has it).
    RunResult ok = run({k_binary, "extract-stats", "--db-url",
                        std::string("host=127.0.0.1 port=") + std::to_string((*primary)->port()) + " user=" + k_reader +
                            " password=" + k_reader_password + " dbname=postgres"});
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find("\"pgfence_stats_version\": 1") != std::string::npos);
    CHECK(ok.err.find(k_reader_password) == std::string::npos);
    CHECK(ok.err.find("password=***") != std::string::npos);
}
