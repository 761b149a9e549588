#include "double_process.hpp"

#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace pgfence::test {

bool schemas_present() { return fs::exists(fs::path(PGFENCE_GITHUB_SCHEMAS) / "checks.create.json"); }

DoubleProcess::DoubleProcess(DoubleConfig config) : m_config(std::move(config)) {
    std::random_device rd;
    m_dir = fs::temp_directory_path() / ("pgfence-github-double-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(m_dir);

    std::vector<std::string> args{PGFENCE_TEST_PYTHON, PGFENCE_GITHUB_DOUBLE, "--port", "0", "--schemas",
                                  PGFENCE_GITHUB_SCHEMAS, "--state", (m_dir / "state.json").string(),
                                  "--token", m_config.token};
    if (fs::exists(PGFENCE_SARIF_SCHEMA)) args.insert(args.end(), {"--sarif-schema", PGFENCE_SARIF_SCHEMA});
    if (m_config.tls) {
        const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
                                    " -addext subjectAltName=IP:127.0.0.1 -keyout '" + (m_dir / "key.pem").string() +
                                    "' -out '" + certificate() + "' >/dev/null 2>&1";
        if (std::system(command.c_str()) != 0) throw std::runtime_error("openssl could not make a test certificate");
        args.insert(args.end(), {"--tls-cert", certificate(), "--tls-key", (m_dir / "key.pem").string()});
    }
    if (!m_config.prefix.empty()) args.insert(args.end(), {"--prefix", m_config.prefix});
    for (const auto& f : m_config.faults) args.insert(args.end(), {"--fault", f.dump()});
    for (const auto& s : m_config.seeds) args.insert(args.end(), {"--seed", s.dump()});

    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
    const pid_t parent = ::getpid();
    m_pid = ::fork();
    if (m_pid < 0) throw std::runtime_error("fork failed");
    if (m_pid == 0) {
        // A crashed test must not leave the server behind.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(1);
        ::dup2(out[1], STDOUT_FILENO);
        ::close(out[0]);
        ::close(out[1]);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(out[1]);
    std::string line;
    pollfd pfd{out[0], POLLIN, 0};
    char c = 0;
    while (line.find('\n') == std::string::npos) {
        if (::poll(&pfd, 1, 30000) <= 0 || ::read(out[0], &c, 1) != 1) break;
        line += c;
    }
    ::close(out[0]);
    try {
        m_port = std::stoi(line);
    } catch (...) {
        m_port = 0;
    }
    if (m_port <= 0) {
        stop();
        throw std::runtime_error("the GitHub test double did not start (first line: '" + line + "')");
    }
}

DoubleProcess::~DoubleProcess() { stop(); }

void DoubleProcess::stop() {
    if (m_pid > 0) {
        ::kill(m_pid, SIGTERM);
        int status = 0;
        ::waitpid(m_pid, &status, 0);
        m_pid = -1;
    }
    std::error_code ec;
    fs::remove_all(m_dir, ec);
}

std::string DoubleProcess::api_url() const {
    return std::string(m_config.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(m_port) + m_config.prefix;
}

nlohmann::json DoubleProcess::state() const {
    std::ifstream in(m_dir / "state.json");
    std::stringstream text;
    text << in.rdbuf();
    return nlohmann::json::parse(text.str());
}

}  // namespace pgfence::test
