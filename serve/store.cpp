#include "serve/store.hpp"

#include <chrono>
#include <cstdio>
#include <thread>

#include "serve/audit.hpp"
#include "serve/crypto.hpp"
#include "serve/embedded.hpp"
#include "serve/signoff_events.hpp"

namespace pgfence::serve {
namespace {

// The advisory lock taken while migrating (any constant, the same in every replica).
constexpr const char* k_migration_lock = "SELECT pg_advisory_xact_lock(4242001)";

bool connection_lost(const trace::Connection& conn) {
    const std::string& state = conn.last_sqlstate();
    // No SQLSTATE: the connection itself failed. 08: connection exceptions. 57P: the server is
    // shutting down or restarting.
    return state.empty() || state.starts_with("08") || state.starts_with("57P");
}

}  // namespace

StoreError db_error(const trace::Connection& conn, const analyze::Error& error) {
    if (connection_lost(conn)) return StoreError{503, "the database is unavailable: " + error.message};
    return StoreError{500, "database error: " + error.message};
}

StoreResult<std::unique_ptr<trace::Connection>> Store::acquire() {
    {
        std::lock_guard lock(m_mutex);
        if (!m_idle.empty()) {
            auto conn = std::move(m_idle.back());
            m_idle.pop_back();
            return conn;
        }
    }
    auto opened = trace::Connection::open(m_conninfo);
    if (!opened) return StoreError{503, "the database is unavailable: " + opened.error().message};
    return std::make_unique<trace::Connection>(std::move(*opened));
}

void Store::release(std::unique_ptr<trace::Connection> connection) {
    std::lock_guard lock(m_mutex);
    if (m_idle.size() < 16) m_idle.push_back(std::move(connection));
}

StoreResult<bool> Store::transaction(const Work& work) {
    for (int attempt = 0;; ++attempt) {
        auto conn = acquire();
        if (!conn) {
            if (attempt == 0) continue;  // one more try with a fresh connection
            return conn.error();
        }
        trace::Connection& c = **conn;
        if (Status begun = c.execute("BEGIN"); !begun) {
            if (connection_lost(c) && attempt == 0) continue;  // a pooled connection the server dropped
            return db_error(c, begun.error());
        }
        auto result = work(c);
        if (!result) {
            const bool lost = connection_lost(c) && result.error().status == 503;
            if (!lost) {
                (void)c.execute("ROLLBACK");
                release(std::move(*conn));
            }
            if (lost && attempt == 0) continue;
            return result.error();
        }
        if (Status committed = c.execute("COMMIT"); !committed) {
            // A commit whose answer was lost may have happened: not retried (the caller's
            // unique keys make a retry by the client safe).
            return db_error(c, committed.error());
        }
        release(std::move(*conn));
        return true;
    }
}

StoreResult<int> Store::migrate() {
    int applied = 0;
    auto done = transaction([&](trace::Connection& c) -> StoreResult<bool> {
        if (Status s = c.execute(k_migration_lock); !s) return db_error(c, s.error());
        if (Status s = c.execute("CREATE TABLE IF NOT EXISTS pgfence_schema_migrations ("
                                 "name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
            !s) {
            return db_error(c, s.error());
        }
        for (const auto& file : migrations()) {
            auto seen = c.query("SELECT 1 FROM pgfence_schema_migrations WHERE name = $1", {std::string(file.name)});
            if (!seen) return db_error(c, seen.error());
            if (seen->rows() > 0) continue;
            if (Status s = c.execute(file.text); !s) {
                return StoreError{500, "the service's migration " + std::string(file.name) + " failed: " + s.error().message};
            }
            auto noted = c.query("INSERT INTO pgfence_schema_migrations (name) VALUES ($1)", {std::string(file.name)});
            if (!noted) return db_error(c, noted.error());
            ++applied;
        }
        return true;
    });
    if (!done) return done.error();
    return applied;
}

StoreResult<std::string> Store::create_token(const std::string& repository) {
    auto random = random_hex(24);
    if (!random) return StoreError{500, random.error().message};
    std::string token = "pgf_" + *random;
    auto done = transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto r = c.query("INSERT INTO pgfence_tokens (repository, token_sha256) VALUES ($1, $2)", {repository, sha256_hex(token)});
        if (!r) return db_error(c, r.error());
        auto event = append_audit(c, repository, "token", std::nullopt, std::nullopt,
                                  {{"action", "created"}, {"token_sha256_prefix", sha256_hex(token).substr(0, 12)}});
        if (!event) return event.error();
        return true;
    });
    if (!done) return done.error();
    return token;
}

StoreResult<int> Store::revoke_tokens(const std::string& repository) {
    int revoked = 0;
    auto done = transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto r = c.query("UPDATE pgfence_tokens SET revoked_at = now() WHERE repository = $1 AND revoked_at IS NULL RETURNING 1",
                         {repository});
        if (!r) return db_error(c, r.error());
        revoked = r->rows();
        auto event = append_audit(c, repository, "token", std::nullopt, std::nullopt, {{"action", "revoked"}, {"count", revoked}});
        if (!event) return event.error();
        return true;
    });
    if (!done) return done.error();
    return revoked;
}

StoreResult<std::optional<std::string>> Store::token_repository(const std::string& token) {
    std::optional<std::string> repository;
    auto done = transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto r = c.query("SELECT repository FROM pgfence_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL",
                         {sha256_hex(token)});
        if (!r) return db_error(c, r.error());
        if (r->rows() > 0) repository = r->value(0, 0);
        return true;
    });
    if (!done) return done.error();
    return repository;
}

StoreResult<Answer> Store::record_upload(const std::string& repository, const nlohmann::json& envelope,
                                         const std::string& idempotency_key, const std::string& body_sha256,
                                         const Decide& decide) {
    Answer answer;
    auto done = transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto id = random_hex(16);
        if (!id) return StoreError{500, id.error().message};
        std::string uuid = id->substr(0, 8) + "-" + id->substr(8, 4) + "-4" + id->substr(13, 3) + "-a" + id->substr(17, 3) +
                           "-" + id->substr(20, 12);
        // ON CONFLICT waits for a concurrent insert of the same key to end, then yields nothing.
        auto inserted = c.query(
            "INSERT INTO pgfence_uploads (id, repository, pull_request, head_sha, base_sha, content_hash, idempotency_key, "
            "body_sha256, envelope) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb) "
            "ON CONFLICT (repository, idempotency_key) DO NOTHING RETURNING id",
            {uuid, repository, std::to_string(envelope.at("pull_request").get<std::int64_t>()),
             envelope.at("head_sha").get<std::string>(), envelope.at("base_sha").get<std::string>(),
             envelope.at("content_hash").get<std::string>(), idempotency_key, body_sha256, envelope.dump()});
        if (!inserted) return db_error(c, inserted.error());
        if (inserted->rows() == 0) {
            auto first = c.query("SELECT body_sha256, response FROM pgfence_uploads WHERE repository = $1 AND idempotency_key = $2",
                                 {repository, idempotency_key});
            if (!first) return db_error(c, first.error());
            if (first->rows() == 0 || first->is_null(0, 1)) return StoreError{503, "the first upload with this key is not finished"};
            if (first->value(0, 0) != body_sha256) {
                answer = Answer{409, {{"message", "this Idempotency-Key was used with another body"}}};
            } else {
                auto stored = nlohmann::json::parse(first->value(0, 1));
                answer = Answer{200, stored.value("body", nlohmann::json::object())};
            }
            return true;
        }
        auto decided = decide(c, uuid);
        if (!decided) return decided.error();
        answer = *decided;
        nlohmann::json response = {{"status", answer.status}, {"body", answer.body}};
        auto stored = c.query("UPDATE pgfence_uploads SET response = $2::jsonb WHERE id = $1", {uuid, response.dump()});
        if (!stored) return db_error(c, stored.error());
        return true;
    });
    if (!done) return done.error();
    return answer;
}

StoreResult<bool> Store::record_delivery(const std::string& delivery_id, const std::string& body_sha256,
                                         const std::string& event, nlohmann::json payload) {
    bool fresh = false;
    auto done = transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto r = c.query("INSERT INTO pgfence_deliveries (delivery_id, body_sha256, event) VALUES ($1, $2, $3) "
                         "ON CONFLICT DO NOTHING RETURNING 1",
                         {delivery_id, body_sha256, event});
        if (!r) return db_error(c, r.error());
        fresh = r->rows() > 0;
        if (!fresh) {
            // GitHub's "Redeliver" sends a delivery again, same id and body: taken again when every
            // job it made failed for good, so a failed delivery can be retried; one processed (or
            // still being processed) stays a duplicate. The row lock makes concurrent redeliveries
            // (two replicas) queue it once.
            auto seen = c.query("SELECT 1 FROM pgfence_deliveries WHERE delivery_id = $1 AND body_sha256 = $2 FOR UPDATE",
                                {delivery_id, body_sha256});
            if (!seen) return db_error(c, seen.error());
            if (seen->rows() == 0) return true;
            auto jobs = c.query("SELECT count(*) FILTER (WHERE NOT failed), count(*) FROM pgfence_jobs "
                                "WHERE kind = 'webhook' AND payload->>'delivery' = $1",
                                {delivery_id});
            if (!jobs) return db_error(c, jobs.error());
            if (jobs->value(0, 0) != "0" || jobs->value(0, 1) == "0") return true;
            fresh = true;
        }
        return enqueue(c, "webhook", {{"event", event}, {"delivery", delivery_id}, {"payload", std::move(payload)}});
    });
    if (!done) return done.error();
    return fresh;
}

StoreResult<bool> enqueue(trace::Connection& conn, const std::string& kind, const nlohmann::json& payload,
                          const std::string& run_after) {
    auto r = conn.query("INSERT INTO pgfence_jobs (kind, payload, run_after) VALUES ($1, $2::jsonb, "
                        "COALESCE(NULLIF($3, '')::timestamptz, now()))",
                        {kind, payload.dump(), run_after});
    if (!r) return db_error(conn, r.error());
    return true;
}

StoreResult<std::vector<StoredExemption>> exemptions_of(trace::Connection& conn, const std::string& repository,
                                                       std::int64_t pull_request, std::optional<std::int64_t> read_at) {
    // With the event that granted it (serve/signoff_events.hpp): a row no event backs is not one.
    // Its expiry, scope and commit are the event's, and the chain's later withdrawal or void of it
    // stands (exemption_terms): the row's own columns only ever narrow it.
    auto r = conn.query("SELECT x.rule, x.path, x.line, x.reason, x.owner, NULL, x.id, "
                        "NULL, x.voided_at IS NOT NULL, NULL, e.event, "
                        "(SELECT json_agg(l.event::json ORDER BY l.seq) FROM pgfence_audit_events l WHERE l.repository = x.repository "
                        " AND l.seq > x.event_seq AND ($3 = '' OR l.seq <= $3::bigint) AND l.event::jsonb ->> 'type' IN ('exemption_withdrawn', 'exemption_voided', 'exemption_bound') "
                        " AND l.event::jsonb -> 'data' ->> 'exemption_id' = x.id::text) "
                        "FROM pgfence_exemptions x "
                        "LEFT JOIN pgfence_audit_events e ON e.repository = x.repository AND e.seq = x.event_seq "
                        "WHERE x.repository = $1 AND x.pull_request = $2 AND x.withdrawn_at IS NULL "
                        "AND ($3 = '' OR x.event_seq <= $3::bigint) ORDER BY x.created_at, x.id",
                        {repository, std::to_string(pull_request), read_at ? std::to_string(*read_at) : ""});
    if (!r) return db_error(conn, r.error());
    std::vector<StoredExemption> out;
    for (int i = 0; i < r->rows(); ++i) {
        ExemptionFacts facts{pull_request, r->value(i, 6), r->value(i, 0), r->value(i, 4),
                             r->is_null(i, 1) ? std::nullopt : std::optional(r->value(i, 1)),
                             r->is_null(i, 2) ? std::nullopt : std::optional(std::stoi(r->value(i, 2)))};
        const nlohmann::json grant = r->is_null(i, 10) ? nlohmann::json() : nlohmann::json::parse(r->value(i, 10), nullptr, false);
        const auto terms = exemption_backed(facts, grant)
                               ? exemption_terms(grant, r->is_null(i, 11) ? nlohmann::json::array()
                                                                          : nlohmann::json::parse(r->value(i, 11), nullptr, false))
                               : std::nullopt;
        if (!terms) {
            std::fprintf(stderr, "pgfence serve: exemption %s of %s#%lld has no exemption event in the audit chain: not applied\n",
                         facts.id.c_str(), repository.c_str(), static_cast<long long>(pull_request));
            continue;
        }
        if (terms->withdrawn) continue;
        StoredExemption s;
        governance::Exemption& e = s.exemption;
        e.rule = r->value(i, 0);
        if (!r->is_null(i, 1)) e.path = r->value(i, 1);
        if (!r->is_null(i, 2)) e.line = std::stoi(r->value(i, 2));
        e.reason = r->value(i, 3);
        e.owner = r->value(i, 4);
        e.expires_at = terms->expires_at;
        s.id = r->value(i, 6);
        s.scope = terms->scope;
        s.voided = r->value(i, 8) == "t" || terms->voided;
        s.pending_head = terms->commit_sha;  // empty: pending on no commit, applies to nothing
        out.push_back(std::move(s));
    }
    return out;
}

StoreResult<std::optional<UploadRef>> latest_upload(trace::Connection& conn, const std::string& repository,
                                                    std::int64_t pull_request) {
    auto r = conn.query("SELECT id, head_sha, content_hash FROM pgfence_uploads WHERE repository = $1 AND pull_request = $2 "
                        "AND response IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1",
                        {repository, std::to_string(pull_request)});
    if (!r) return db_error(conn, r.error());
    if (r->rows() == 0) return std::optional<UploadRef>{};
    return std::optional<UploadRef>{UploadRef{r->value(0, 0), r->value(0, 1), r->value(0, 2)}};
}

StoreResult<bool> enqueue_check(trace::Connection& conn, const std::string& repository, std::int64_t pull_request,
                                const UploadRef& upload) {
    // Every job's decision for the head (`pgfence pr --name`), not only the newest upload's: an
    // approval, revoke or exemption changes each of them, and the check is the worst of them.
    auto jobs = conn.query("SELECT DISTINCT ON (COALESCE(envelope->>'job', '')) id FROM pgfence_uploads "
                           "WHERE repository = $1 AND pull_request = $2 AND head_sha = $3 AND response IS NOT NULL "
                           "ORDER BY COALESCE(envelope->>'job', ''), created_at DESC, id DESC",
                           {repository, std::to_string(pull_request), upload.head_sha});
    if (!jobs) return db_error(conn, jobs.error());
    std::vector<std::string> ids;
    for (int i = 0; i < jobs->rows(); ++i) ids.push_back(jobs->value(i, 0));
    if (ids.empty()) ids.push_back(upload.id);
    for (const auto& id : ids) {
        auto queued = enqueue(conn, "check", {{"upload_id", id}, {"repository", repository}, {"head_sha", upload.head_sha},
                                              {"pull_request", pull_request}});
        if (!queued) return queued;
    }
    return true;
}

StoreResult<std::optional<Job>> Store::claim_job() {
    std::optional<Job> job;
    auto done = transaction([&](trace::Connection& c) -> StoreResult<bool> {
        // Claimed by pushing run_after out: a replica that dies holding it lets it run again later.
        // A pull request's webhooks are handled in the order they arrived, one at a time: an
        // approval handled before the synchronize that names its approver a pusher would count.
        // A head commit's check runs are posted one job at a time, in the order queued (`check`,
        // `head_check`): a job whose decisions were combined before another job's was recorded
        // posts a new waiting run, and the other, running at once, updated the run it had read
        // before that one, leaving the newest run (the one branch protection reads) waiting
        // after both uploads, or not, by the order of their GitHub calls (red team R72).
        // One claimed k_job_attempts times without finishing (its worker died each time) blocks no longer.
        const std::string attempts = std::to_string(k_job_attempts);
        auto r = c.query(
            "UPDATE pgfence_jobs SET run_after = now() + interval '5 minutes', attempts = attempts + 1 "
            "WHERE id = (SELECT j.id FROM pgfence_jobs j WHERE j.done_at IS NULL AND j.run_after <= now() "
            "AND NOT (j.kind = 'webhook' AND EXISTS (SELECT 1 FROM pgfence_jobs e WHERE e.kind = 'webhook' "
            "AND e.done_at IS NULL AND e.id < j.id AND e.attempts < " + attempts + " "
            "AND e.payload #>> '{payload,repository,full_name}' = j.payload #>> '{payload,repository,full_name}' "
            "AND COALESCE(e.payload #>> '{payload,pull_request,number}', e.payload #>> '{payload,issue,number}') = "
            "COALESCE(j.payload #>> '{payload,pull_request,number}', j.payload #>> '{payload,issue,number}'))) "
            "AND NOT (j.kind IN ('check', 'head_check') AND EXISTS (SELECT 1 FROM pgfence_jobs e "
            "WHERE e.kind IN ('check', 'head_check') AND e.done_at IS NULL AND e.id < j.id AND e.attempts < " + attempts + " "
            "AND e.payload ->> 'repository' = j.payload ->> 'repository' AND e.payload ->> 'head_sha' = j.payload ->> 'head_sha')) "
            "ORDER BY j.run_after, j.id FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING id, kind, payload, attempts");
        if (!r) return db_error(c, r.error());
        if (r->rows() == 0) return true;
        job = Job{std::stoll(r->value(0, 0)), r->value(0, 1), nlohmann::json::parse(r->value(0, 2)), std::stoi(r->value(0, 3))};
        return true;
    });
    if (!done) return done.error();
    return job;
}

StoreResult<bool> Store::finish_job(std::int64_t id) {
    return transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto r = c.query("UPDATE pgfence_jobs SET done_at = now(), last_error = NULL WHERE id = $1", {std::to_string(id)});
        if (!r) return db_error(c, r.error());
        return true;
    });
}

StoreResult<bool> Store::retry_job(const Job& job, const std::string& error, int delay_seconds, int max_attempts) {
    return transaction([&](trace::Connection& c) -> StoreResult<bool> {
        const bool give_up = job.attempts >= max_attempts;
        auto r = c.query(give_up ? "UPDATE pgfence_jobs SET done_at = now(), failed = true, last_error = $2 WHERE id = $1"
                                 : "UPDATE pgfence_jobs SET run_after = now() + make_interval(secs => $3::int), "
                                   "last_error = $2 WHERE id = $1",
                         give_up ? std::vector<std::string>{std::to_string(job.id), error}
                                 : std::vector<std::string>{std::to_string(job.id), error, std::to_string(delay_seconds)});
        if (!r) return db_error(c, r.error());
        return true;
    });
}

StoreResult<nlohmann::json> append_audit(trace::Connection& conn, const std::string& repository, const std::string& type,
                                         const std::optional<std::string>& content_hash, std::optional<std::int64_t> pull_request,
                                         nlohmann::json data) {
    auto head = conn.query("INSERT INTO pgfence_audit_heads (repository, seq, hash) VALUES ($1, 0, $2) "
                           "ON CONFLICT (repository) DO UPDATE SET repository = EXCLUDED.repository RETURNING seq, hash",
                           {repository, audit::k_genesis});
    if (!head) return db_error(conn, head.error());
    // The upsert above locked the head row: appends to this chain wait here until we commit.
    const std::int64_t seq = std::stoll(head->value(0, 0)) + 1;
    nlohmann::json event =
        audit::make_event(repository, seq, head->value(0, 1), type, audit::now_utc(), content_hash, pull_request, std::move(data));
    const std::string text = audit::canonical(event);
    const std::string hash = sha256_hex(text);
    auto stored = conn.query("INSERT INTO pgfence_audit_events (repository, seq, event, hash) VALUES ($1, $2, $3, $4)",
                             {repository, std::to_string(seq), text, hash});
    if (!stored) return db_error(conn, stored.error());
    auto moved = conn.query("UPDATE pgfence_audit_heads SET seq = $2, hash = $3 WHERE repository = $1",
                            {repository, std::to_string(seq), hash});
    if (!moved) return db_error(conn, moved.error());
    event["hash"] = hash;
    return event;
}

StoreResult<bool> bind_to_event(trace::Connection& conn, const char* table, const std::string& id, const nlohmann::json& event) {
    auto r = conn.query(std::string("UPDATE ") + table + " SET event_seq = $2 WHERE id = $1",
                        {id, std::to_string(event.at("seq").get<std::int64_t>())});
    if (!r) return db_error(conn, r.error());
    return true;
}

namespace {

StoreResult<bool> read_events(trace::Connection& c, const std::string& repository, const std::string& since,
                              std::vector<nlohmann::json>& events) {
    auto r = c.query("SELECT event, hash FROM pgfence_audit_events WHERE ($1 = '' OR repository = $1) "
                     "AND ($2 = '' OR created_at >= $2::timestamptz) ORDER BY repository, seq",
                     {repository, since});
    if (!r) return db_error(c, r.error());
    for (int i = 0; i < r->rows(); ++i) {
        nlohmann::json event = nlohmann::json::parse(r->value(i, 0), nullptr, false);
        if (event.is_discarded() || !event.is_object()) {
            // A row that is not JSON any more: kept as it is, so verification names it.
            event = {{"unreadable", r->value(i, 0)}};
        }
        event["hash"] = r->value(i, 1);
        events.push_back(std::move(event));
    }
    return true;
}

StoreResult<bool> read_heads(trace::Connection& c, const std::string& repository, audit::Heads& heads) {
    auto r = c.query("SELECT repository, seq, hash FROM pgfence_audit_heads WHERE ($1 = '' OR repository = $1)", {repository});
    if (!r) return db_error(c, r.error());
    for (int i = 0; i < r->rows(); ++i) heads[r->value(i, 0)] = {std::stoll(r->value(i, 1)), r->value(i, 2)};
    return true;
}

}  // namespace

StoreResult<std::vector<nlohmann::json>> Store::audit_events(const std::string& repository, const std::string& since) {
    std::vector<nlohmann::json> events;
    auto done = transaction([&](trace::Connection& c) {
        events.clear();
        return read_events(c, repository, since, events);
    });
    if (!done) return done.error();
    return events;
}

StoreResult<audit::Heads> Store::audit_heads(const std::string& repository) {
    audit::Heads heads;
    auto done = transaction([&](trace::Connection& c) {
        heads.clear();
        return read_heads(c, repository, heads);
    });
    if (!done) return done.error();
    return heads;
}

StoreResult<std::pair<std::vector<nlohmann::json>, audit::Heads>> Store::audit_snapshot(const std::string& repository) {
    std::pair<std::vector<nlohmann::json>, audit::Heads> out;
    auto done = transaction([&](trace::Connection& c) -> StoreResult<bool> {
        out = {};
        // One snapshot: an event appended while the chains are read cannot sit between the two.
        auto level = c.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
        if (!level) return db_error(c, level.error());
        auto events = read_events(c, repository, "", out.first);
        if (!events) return events;
        return read_heads(c, repository, out.second);
    });
    if (!done) return done.error();
    return out;
}

StoreResult<std::pair<std::int64_t, std::int64_t>> Store::queue_depth() {
    std::pair<std::int64_t, std::int64_t> out{0, 0};
    auto done = transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto r = c.query("SELECT count(*) FILTER (WHERE done_at IS NULL), count(*) FILTER (WHERE failed) FROM pgfence_jobs");
        if (!r) return db_error(c, r.error());
        out = {std::stoll(r->value(0, 0)), std::stoll(r->value(0, 1))};
        return true;
    });
    if (!done) return done.error();
    return out;
}

}  // namespace pgfence::serve
