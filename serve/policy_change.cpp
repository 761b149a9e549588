// A change of the policy in force (red team R72): governance.toml's tables edited and the service
// restarted, or a new copy of the organisation's file read from policy_repository. Each decision
// was made under the policy of its day, and a check that waits for a job (`pgfence pr --name`)
// waits until that job uploads: when the workflow renamed or removed the job, no upload ever came
// and nothing ended the wait. The policy's `jobs` names the jobs to wait for; when the policy
// changes, every open pull request's head is evaluated again under it at once, so a job it no
// longer names stops being waited for (the check says so) and the rest is decided as the policy
// now says, unknowns still needing sign-off.
//
// The values seen last are in the database (pgfence_policy_seen, serve/migrations/013_policy_seen.sql):
// the process that first reads new values records them and queues the `policy_changed` job in one
// transaction, so several replicas queue it once and a kill -9 loses neither.
#include "serve/service_parts.hpp"

namespace pgfence::serve {

namespace {

constexpr auto k_policy_look = std::chrono::seconds(60);

}  // namespace

void Service::look_at_policy() {
    std::unique_lock looking(m_policy_look_mutex, std::try_to_lock);
    if (!looking.owns_lock()) return;  // another worker is looking
    const auto now = std::chrono::steady_clock::now();
    // governance.toml's tables do not change while the process runs: one look that recorded them is enough.
    if (!m_policy_noted.empty() && m_config.policy_repository.empty()) return;
    if (m_policy_looked != std::chrono::steady_clock::time_point{} && now - m_policy_looked < k_policy_look) return;
    m_policy_looked = now;
    auto policy = current_policy();  // policy_repository's file is read again at most every five minutes
    if (!policy) return;             // not readable yet: uploads say so; looked at again in a minute
    const std::string fingerprint = "sha256:" + sha256_hex(policy->first->values().dump());
    if (fingerprint == m_policy_noted) return;
    const json source = policy->second;
    auto noted = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto seed = c.query("INSERT INTO pgfence_policy_seen (id, fingerprint, source) VALUES (true, '', '{}'::jsonb) "
                            "ON CONFLICT DO NOTHING");
        if (!seed) return db_error(c, seed.error());
        auto seen = c.query("SELECT fingerprint FROM pgfence_policy_seen WHERE id FOR UPDATE");
        if (!seen) return db_error(c, seen.error());
        const std::string previous = seen->rows() > 0 ? seen->value(0, 0) : "";
        if (previous == fingerprint) return true;
        auto up = c.query("UPDATE pgfence_policy_seen SET fingerprint = $1, source = $2::jsonb, seen_at = now() WHERE id",
                          {fingerprint, source.dump()});
        if (!up) return db_error(c, up.error());
        return enqueue(c, "policy_changed", {{"fingerprint", fingerprint}, {"previous", previous}, {"policy", source}});
    });
    if (!noted) {
        std::fprintf(stderr, "pgfence serve: the policy in force was not recorded (%s): looked at again in a minute\n",
                     noted.error().message.c_str());
        return;
    }
    m_policy_noted = fingerprint;
}

bool Service::recheck_for_policy(const json& payload, std::string& error, bool& give_up) {
    const json policy = payload.value("policy", json::object());
    auto done = m_store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        // Each open pull request of a repository that uploads here: each job's newest upload of its
        // head for its current base (an upload for an old base decides nothing, serve/check.cpp).
        // A head with none waits for its upload whatever the policy says.
        auto r = c.query("SELECT DISTINCT ON (p.repository, p.number, COALESCE(u.envelope->>'job', '')) "
                         "p.repository, p.number, p.head_sha, u.id "
                         "FROM pgfence_pull_requests p JOIN pgfence_uploads u ON u.repository = p.repository "
                         "AND u.pull_request = p.number AND u.head_sha = p.head_sha AND u.response IS NOT NULL "
                         "AND (p.base_changed_at IS NULL OR u.created_at > p.base_changed_at) "
                         "WHERE p.state = 'open' AND EXISTS (SELECT 1 FROM pgfence_tokens t "
                         "WHERE lower(t.repository) = p.repository AND t.revoked_at IS NULL) "
                         "ORDER BY p.repository, p.number, COALESCE(u.envelope->>'job', ''), u.created_at DESC, u.id DESC");
        if (!r) return db_error(c, r.error());
        std::map<std::string, json> pull_requests;  // by repository, for its chain
        for (int i = 0; i < r->rows(); ++i) {
            const std::string repository = r->value(i, 0);
            const std::int64_t number = std::stoll(r->value(i, 1));
            auto queued = enqueue(c, "check", {{"upload_id", r->value(i, 3)}, {"repository", repository},
                                               {"head_sha", r->value(i, 2)}, {"pull_request", number}});
            if (!queued) return queued.error();
            json& numbers = pull_requests.try_emplace(repository, json::array()).first->second;
            if (numbers.empty() || numbers.back() != number) numbers.push_back(number);
        }
        for (auto& [repository, numbers] : pull_requests) {
            auto e = append_audit(c, repository, "policy_changed", std::nullopt, std::nullopt,
                                  {{"policy", policy}, {"fingerprint", payload.value("fingerprint", "")},
                                   {"previous", payload.value("previous", "")}, {"pull_requests", std::move(numbers)}});
            if (!e) return e.error();
        }
        return true;
    });
    if (!done) error = done.error().message;
    (void)give_up;
    return static_cast<bool>(done);
}

}  // namespace pgfence::serve
