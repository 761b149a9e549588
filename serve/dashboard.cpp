#include "serve/dashboard.hpp"

#include <sstream>

#include <nlohmann/json.hpp>

#include "serve/audit.hpp"

namespace pgfence::serve {
namespace {

using nlohmann::json;

// A timestamptz column as RFC 3339 in UTC, to the second.
std::string utc(const std::string& column) {
    return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
}

// The organisation's repositories only ("" matches every one); repository names are stored in
// lower case, OWNER/NAME.
std::string of_organization(const std::string& column) {
    return "($1 = '' OR split_part(" + column + ", '/', 1) = lower($1))";
}

// "HIGH create-index-without-concurrently at db/001.sql:3": one line of a decision's item.
std::string describe(const json& item) {
    std::string out = item.value("risk", "") + " " + item.value("rule", "");
    const std::string path = item.value("path", "");
    if (!path.empty()) {
        out += " at " + path;
        if (item.contains("line") && item["line"].is_number_integer() && item["line"].get<int>() > 0) {
            out += ":" + std::to_string(item["line"].get<int>());
        }
    }
    return out;
}

StoreResult<bool> read_pending(trace::Connection& c, const DashboardQuery& q, Dashboard& d) {
    // The latest upload of each open pull request's head, and the check posted for it (which
    // the sign-offs may have moved on from the upload's own decision).
    auto r = c.query("SELECT p.repository, p.number, p.head_sha, u.decision::text, "
                     "(SELECT " + utc("min(f.created_at)") + " FROM pgfence_uploads f WHERE f.repository = p.repository "
                     " AND f.pull_request = p.number AND f.content_hash = u.content_hash AND f.response IS NOT NULL) "
                     "FROM pgfence_pull_requests p "
                     "JOIN LATERAL (SELECT decision, content_hash FROM pgfence_uploads WHERE repository = p.repository "
                     " AND pull_request = p.number AND head_sha = p.head_sha AND response IS NOT NULL "
                     " ORDER BY created_at DESC, id DESC LIMIT 1) u ON true "
                     "LEFT JOIN pgfence_checks ch ON ch.repository = p.repository AND ch.head_sha = p.head_sha "
                     "WHERE p.state = 'open' AND COALESCE(ch.conclusion, u.decision->'decision'->>'conclusion') = "
                     "'action_required' AND " + of_organization("p.repository") + " ORDER BY 5, 1, 2",
                     {q.organization});
    if (!r) return db_error(c, r.error());
    for (int i = 0; i < r->rows(); ++i) {
        PendingSignoff p;
        p.pull_request = std::stoll(r->value(i, 1));
        p.head_sha = r->value(i, 2);
        p.since = r->value(i, 4);
        auto decision = json::parse(r->value(i, 3), nullptr, false);
        if (!decision.is_discarded() && decision.contains("decision") && decision["decision"].contains("items") &&
            decision["decision"]["items"].is_array()) {
            for (const auto& item : decision["decision"]["items"]) {
                if (item.is_object()) p.what.push_back(describe(item));
            }
        }
        d.repositories[r->value(i, 0)].pending.push_back(std::move(p));
    }
    return true;
}

StoreResult<bool> read_decisions(trace::Connection& c, const DashboardQuery& q, Dashboard& d) {
    // The ten latest checks of each repository first, then their pull requests.
    auto r = c.query("SELECT x.repository, u.pull_request, x.head_sha, x.conclusion, " + utc("x.updated_at") + " FROM ("
                     " SELECT repository, head_sha, conclusion, updated_at, "
                     " row_number() OVER (PARTITION BY repository ORDER BY updated_at DESC) AS n "
                     " FROM pgfence_checks WHERE " + of_organization("repository") + ") x "
                     "JOIN LATERAL (SELECT pull_request FROM pgfence_uploads WHERE repository = x.repository "
                     " AND head_sha = x.head_sha ORDER BY created_at DESC LIMIT 1) u ON true "
                     "WHERE x.n <= 10 ORDER BY x.repository, x.updated_at DESC",
                     {q.organization});
    if (!r) return db_error(c, r.error());
    for (int i = 0; i < r->rows(); ++i) {
        RecentDecision x;
        x.pull_request = std::stoll(r->value(i, 1));
        x.head_sha = r->value(i, 2);
        x.conclusion = r->value(i, 3);
        x.at = r->value(i, 4);
        d.repositories[r->value(i, 0)].decisions.push_back(std::move(x));
    }
    return true;
}

StoreResult<bool> read_expiring(trace::Connection& c, const DashboardQuery& q, Dashboard& d) {
    auto r = c.query("SELECT repository, pull_request, rule, COALESCE(path, ''), COALESCE(line::text, ''), owner, reason, " +
                         utc("expires_at") + " FROM pgfence_exemptions WHERE expires_at > now() "
                         "AND expires_at <= now() + interval '14 days' AND " + of_organization("repository") +
                         " ORDER BY expires_at, id",
                     {q.organization});
    if (!r) return db_error(c, r.error());
    for (int i = 0; i < r->rows(); ++i) {
        ExpiringExemption x;
        x.pull_request = std::stoll(r->value(i, 1));
        x.rule = r->value(i, 2);
        x.where = r->value(i, 3);
        if (!x.where.empty() && !r->value(i, 4).empty()) x.where += ":" + r->value(i, 4);
        x.owner = r->value(i, 5);
        x.reason = r->value(i, 6);
        x.expires_at = r->value(i, 7);
        d.repositories[r->value(i, 0)].expiring.push_back(std::move(x));
    }
    return true;
}

StoreResult<bool> read_known(trace::Connection& c, const DashboardQuery& q, Dashboard& d) {
    // A repository with nothing pending or decided still has its section (its chain's state).
    auto r = c.query("SELECT repository FROM pgfence_audit_heads WHERE position('/' in repository) > 0 AND " +
                         of_organization("repository"),
                     {q.organization});
    if (!r) return db_error(c, r.error());
    for (int i = 0; i < r->rows(); ++i) d.repositories[r->value(i, 0)];
    return true;
}

}  // namespace

StoreResult<WeeklyFigures> DashboardCache::weekly(Store& store, const std::string& organization) {
    {
        std::lock_guard lock(m_mutex);
        auto it = m_weekly.find(organization);
        if (it != m_weekly.end() && Clock::now() - it->second.first < std::chrono::minutes(1)) return it->second.second;
    }
    auto week = load_weekly(store, organization);
    if (!week) return week.error();
    std::lock_guard lock(m_mutex);
    m_weekly[organization] = {Clock::now(), *week};
    return week;
}

StoreResult<ChainState> DashboardCache::chain(Store& store, const std::string& repository) {
    auto heads = store.audit_heads(repository);
    if (!heads) return heads.error();
    const auto head = heads->count(repository) ? heads->at(repository) : std::pair<std::int64_t, std::string>{0, ""};
    {
        std::lock_guard lock(m_mutex);
        auto it = m_chains.find(repository);
        if (it != m_chains.end() && it->second.head == head && Clock::now() - it->second.at < std::chrono::minutes(5)) {
            return it->second.state;
        }
    }
    // Verified as `pgfence audit verify` does: every event, and the chain ends where its head says.
    auto snapshot = store.audit_snapshot(repository);
    if (!snapshot) return snapshot.error();
    auto v = audit::verify_to_heads(snapshot->first, snapshot->second);
    ChainState state;
    state.events = static_cast<std::int64_t>(v.events);
    if (v.problem) state.problem = "seq " + std::to_string(v.problem->seq) + ": " + v.problem->what;
    const auto verified_head = snapshot->second.count(repository) ? snapshot->second.at(repository) : head;
    std::lock_guard lock(m_mutex);
    m_chains[repository] = {Clock::now(), verified_head, state};
    return state;
}

StoreResult<Dashboard> load_dashboard(Store& store, const DashboardQuery& q, DashboardCache& cache) {
    Dashboard d;
    d.organization = q.organization;
    d.viewer = q.viewer;
    d.github_url = q.github_url;
    d.base_path = q.base_path;
    while (!d.github_url.empty() && d.github_url.back() == '/') d.github_url.pop_back();
    d.generated_at = audit::now_utc();
    auto read = store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        d.repositories.clear();
        for (auto step : {read_known, read_pending, read_decisions, read_expiring}) {
            auto done = step(c, q, d);
            if (!done) return done;
        }
        return true;
    });
    if (!read) return read.error();
    for (auto& [repository, view] : d.repositories) {
        // Who may sign off, once per repository and outside the transaction: the policy in force
        // may have to be read from GitHub.
        if (!view.pending.empty() && q.approvers) {
            const std::vector<std::string> approvers = q.approvers(repository);
            for (auto& p : view.pending) p.approvers = approvers;
        }
        auto chain = cache.chain(store, repository);
        if (!chain) return chain.error();
        view.chain = *chain;
    }
    // Fresh for the page (a sign-off just given shows at once); /metrics, which anyone may
    // scrape, uses the cache's minute-old figures.
    auto week = load_weekly(store, q.organization);
    if (!week) return week.error();
    d.week = std::move(*week);
    return d;
}

StoreResult<WeeklyFigures> load_weekly(Store& store, const std::string& organization) {
    WeeklyFigures w;
    auto read = store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        w = WeeklyFigures{};
        auto reviewed = c.query("SELECT count(DISTINCT (repository, pull_request, content_hash)) FROM pgfence_uploads "
                                "WHERE response IS NOT NULL AND created_at > now() - interval '7 days' AND " +
                                    of_organization("repository"),
                                {organization});
        if (!reviewed) return db_error(c, reviewed.error());
        w.migrations_reviewed = std::stoll(reviewed->value(0, 0));
        // A check that failed, counted once under each rule whose guardrail failed it.
        auto failed = c.query("SELECT item->>'rule', count(DISTINCT u.id) FROM pgfence_uploads u, "
                              "jsonb_array_elements(u.decision->'decision'->'items') AS item "
                              "WHERE u.response IS NOT NULL AND u.created_at > now() - interval '7 days' "
                              "AND jsonb_typeof(u.decision->'decision'->'items') = 'array' "
                              "AND u.decision->'decision'->>'conclusion' = 'failure' AND item->>'kind' = 'guardrail' AND " +
                                  of_organization("u.repository") + " GROUP BY 1 ORDER BY 1",
                              {organization});
        if (!failed) return db_error(c, failed.error());
        for (int i = 0; i < failed->rows(); ++i) w.failed_by_rule[failed->value(i, 0)] = std::stoll(failed->value(i, 1));
        // Time to sign-off: for each migration content of a pull request first approved in the
        // last seven days (an approval not withdrawn), from the content's first upload to that
        // first approval.
        auto signoff = c.query("SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) FROM ("
                               " SELECT extract(epoch FROM min(a.created_at) - (SELECT min(u.created_at) FROM pgfence_uploads u"
                               "  WHERE u.repository = a.repository AND u.pull_request = a.pull_request"
                               "  AND u.content_hash = a.content_hash AND u.response IS NOT NULL)) AS seconds"
                               " FROM pgfence_approvals a WHERE a.revoked_at IS NULL AND " + of_organization("a.repository") +
                               " GROUP BY a.repository, a.pull_request, a.content_hash"
                               " HAVING min(a.created_at) > now() - interval '7 days') x WHERE seconds IS NOT NULL",
                               {organization});
        if (!signoff) return db_error(c, signoff.error());
        w.signoffs = std::stoll(signoff->value(0, 0));
        if (!signoff->is_null(0, 1)) w.median_signoff_seconds = std::stod(signoff->value(0, 1));
        auto exemptions = c.query("SELECT count(*) FILTER (WHERE created_at > now() - interval '7 days'), "
                                  "count(*) FILTER (WHERE expires_at > now() - interval '7 days' AND expires_at <= now()) "
                                  "FROM pgfence_exemptions WHERE " + of_organization("repository"),
                                  {organization});
        if (!exemptions) return db_error(c, exemptions.error());
        w.exemptions_granted = std::stoll(exemptions->value(0, 0));
        w.exemptions_expired = std::stoll(exemptions->value(0, 1));
        return true;
    });
    if (!read) return read.error();
    return w;
}

std::string weekly_prometheus(const WeeklyFigures& w) {
    std::ostringstream out;
    auto gauge = [&](const char* name, const char* help, auto value) {
        out << "# HELP " << name << " " << help << "\n# TYPE " << name << " gauge\n" << name << " " << value << "\n";
    };
    gauge("pgfence_week_migrations_reviewed", "Distinct migration contents reviewed in the last seven days.", w.migrations_reviewed);
    if (w.median_signoff_seconds) {
        gauge("pgfence_week_signoff_median_seconds", "Median time from a migration's first upload to its sign-off, last seven days.",
              *w.median_signoff_seconds);
    }
    gauge("pgfence_week_signoffs", "Sign-offs in the last seven days.", w.signoffs);
    gauge("pgfence_week_exemptions_granted", "Exemptions granted in the last seven days.", w.exemptions_granted);
    gauge("pgfence_week_exemptions_expired", "Exemptions that expired in the last seven days.", w.exemptions_expired);
    out << "# HELP pgfence_week_checks_failed Governance checks that failed in the last seven days, by the rule that failed them.\n"
           "# TYPE pgfence_week_checks_failed gauge\n";
    for (const auto& [rule, n] : w.failed_by_rule) {
        // Rule ids are kebab-case; anything else is dropped rather than break the exposition format.
        if (rule.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos || rule.empty()) continue;
        out << "pgfence_week_checks_failed{rule=\"" << rule << "\"} " << n << "\n";
    }
    return out.str();
}

}  // namespace pgfence::serve
