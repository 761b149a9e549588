#pragma once
// The GitHub test double (tests/github_double/server.py) as a child process on a free port,
// stopped when the object goes away (or when the test process dies).
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgfence::test {

struct DoubleConfig {
    std::string prefix;                   // "/api/v3" to act as GitHub Enterprise Server
    std::vector<nlohmann::json> faults;   // see tests/github_double/README.md
    std::vector<nlohmann::json> seeds;
    std::string token = "ghs_double_token_0123456789abcdef";  // the only one accepted
    bool tls = false;  // https with a fresh self-signed certificate for 127.0.0.1
};

class DoubleProcess {
public:
    explicit DoubleProcess(DoubleConfig config = {});
    ~DoubleProcess();
    DoubleProcess(const DoubleProcess&) = delete;
    DoubleProcess& operator=(const DoubleProcess&) = delete;

    // The self-signed certificate when tls (a CA bundle of one).
    [[nodiscard]] std::string certificate() const { return (m_dir / "cert.pem").string(); }
    // http(s)://127.0.0.1:<port><prefix>
    [[nodiscard]] std::string api_url() const;
    [[nodiscard]] int port() const { return m_port; }
    // The double's state file: {"requests": [...], "comments": {...}, "check_runs": {...}, ...}
    [[nodiscard]] nlohmann::json state() const;
    [[nodiscard]] nlohmann::json requests() const { return state()["requests"]; }

private:
    void stop();

    DoubleConfig m_config;
    std::filesystem::path m_dir;
    int m_pid = -1;
    int m_port = 0;
};

// Whether the GitHub schemas are where CMake said (shared/ beside the repository).
[[nodiscard]] bool schemas_present();

}  // namespace pgfence::test
