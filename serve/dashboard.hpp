#pragma once
// The page's data (serve/page.hpp), read from the service's database: for each repository of the
// organisation, the open pull requests whose governance check waits for sign-off, the latest
// decisions, the exemptions that run out within 14 days and the audit chain's state; and the
// week's figures, which /metrics exports too.
#include <functional>
#include <string>
#include <vector>

#include "serve/page.hpp"
#include "serve/store.hpp"

namespace pgfence::serve {

struct DashboardQuery {
    std::string organization;  // only its repositories are shown
    std::string viewer;
    std::string github_url;
    // Who may sign off in a repository, as the policy in force says ("@org/team" or logins).
    std::function<std::vector<std::string>(const std::string& repository)> approvers;
};

[[nodiscard]] StoreResult<Dashboard> load_dashboard(Store& store, const DashboardQuery& query);

// The last seven days: of `organization`'s repositories, or of all of them when it is empty.
[[nodiscard]] StoreResult<WeeklyFigures> load_weekly(Store& store, const std::string& organization);

// The same figures in Prometheus' text format (gauges over the last seven days).
[[nodiscard]] std::string weekly_prometheus(const WeeklyFigures& week);

}  // namespace pgfence::serve
