#pragma once
// The service's page (`GET /`): what waits for sign-off, what was decided, which exemptions run
// out soon, whether each audit chain verifies, and the week's figures, per repository. The data
// is plain structs filled from the database (serve/dashboard.hpp); render_page() writes the HTML,
// escaping every text where it writes it (repository names, logins, paths and reasons come from
// pull requests and are attacker-controlled). Server-rendered, no script.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::serve {

struct PendingSignoff {
    std::int64_t pull_request = 0;
    std::string head_sha;
    std::string since;                  // RFC 3339: the first upload of this migration content
    std::vector<std::string> what;      // one line per finding that needs sign-off
    std::vector<std::string> approvers; // who may sign off ("@org/team" or a login)
};

struct RecentDecision {
    std::int64_t pull_request = 0;
    std::string head_sha;
    std::string conclusion;  // success, action_required, failure
    std::string at;          // RFC 3339
};

struct ExpiringExemption {
    std::int64_t pull_request = 0;
    std::string rule;
    std::string where;  // "path:line", "path" or "" (every file)
    std::string owner;
    std::string reason;
    std::string expires_at;  // RFC 3339
};

struct ChainState {
    std::int64_t events = 0;
    std::optional<std::string> problem;  // nothing: the chain verifies up to its head
};

struct RepositoryView {
    std::vector<PendingSignoff> pending;
    std::vector<RecentDecision> decisions;
    std::vector<ExpiringExemption> expiring;
    ChainState chain;
};

// The last seven days, over every repository (the page and /metrics show the same numbers).
struct WeeklyFigures {
    std::int64_t migrations_reviewed = 0;           // distinct (pull request, migration content) uploaded
    std::optional<double> median_signoff_seconds;   // first upload of the content to its sign-off
    std::int64_t signoffs = 0;
    std::int64_t exemptions_granted = 0;
    std::int64_t exemptions_expired = 0;
    std::map<std::string, std::int64_t> failed_by_rule;  // rule → checks that failed on it
};

struct Dashboard {
    std::string organization;
    std::string viewer;        // the signed-in login
    std::string generated_at;  // RFC 3339
    std::string github_url;    // https://github.com, or a GitHub Enterprise Server's
    std::string base_path;     // the service's own routes ("" or "/pgfence": public_url's path)
    std::map<std::string, RepositoryView> repositories;
    WeeklyFigures week;
};

// Text for an HTML element's content or a quoted attribute value: & < > " ' escaped, and control
// characters (other than tab and line feed) and invalid UTF-8 dropped.
[[nodiscard]] std::string html_escape(std::string_view text);

// The whole page, a complete HTML document.
[[nodiscard]] std::string render_page(const Dashboard& dashboard);

// A small complete page with one message (sign-in refused, the page switched off).
[[nodiscard]] std::string render_message(std::string_view title, std::string_view message);

}  // namespace pgfence::serve
