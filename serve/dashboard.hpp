#pragma once
// The page's data (serve/page.hpp), read from the service's database: for each repository of the
// organisation, the open pull requests whose governance check waits for sign-off, the latest
// decisions, the exemptions that run out within 14 days and the audit chain's state; and the
// week's figures, which /metrics exports too.
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "serve/page.hpp"
#include "serve/store.hpp"

namespace pgfence::serve {

struct DashboardQuery {
    std::string organization;  // only its repositories are shown
    std::string viewer;
    std::string github_url;
    std::string base_path;  // where the service's own routes are for a browser ("" or "/pgfence")
    // Who may sign off in a repository, as the policy in force says ("@org/team" or logins).
    std::function<std::vector<std::string>(const std::string& repository)> approvers;
};

// What is reused rather than recomputed on every request: the week's figures for /metrics (a
// minute), and a chain's verification for the page while its head has not moved (five minutes at
// most, so a row changed under an unmoved head still shows). Shared by the service's threads.
class DashboardCache {
public:
    [[nodiscard]] StoreResult<WeeklyFigures> weekly(Store& store, const std::string& organization);
    [[nodiscard]] StoreResult<ChainState> chain(Store& store, const std::string& repository);

private:
    using Clock = std::chrono::steady_clock;
    std::mutex m_mutex;
    std::map<std::string, std::pair<Clock::time_point, WeeklyFigures>> m_weekly;
    struct Verified {
        Clock::time_point at;
        std::pair<std::int64_t, std::string> head;
        ChainState state;
    };
    std::map<std::string, Verified> m_chains;
};

[[nodiscard]] StoreResult<Dashboard> load_dashboard(Store& store, const DashboardQuery& query, DashboardCache& cache);

// The last seven days: of `organization`'s repositories, or of all of them when it is empty.
[[nodiscard]] StoreResult<WeeklyFigures> load_weekly(Store& store, const std::string& organization);

// The same figures in Prometheus' text format (gauges over the last seven days).
[[nodiscard]] std::string weekly_prometheus(const WeeklyFigures& week);

}  // namespace pgfence::serve
