#pragma once
// The service's PostgreSQL: its schema, tokens, uploads, webhook deliveries, the job queue and
// the audit chains. Every method takes a connection from a small pool and runs in one
// transaction; a connection the server dropped (a restart) is replaced and the work retried once.
// Safe with several replicas on one database: unique keys decide races, jobs are claimed with
// SKIP LOCKED, and a chain's head row is locked to append to it.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/base/error.hpp"
#include "serve/audit.hpp"
#include "governance/exemption.hpp"
#include "serve/binding.hpp"
#include "trace/pq_connection.hpp"

namespace pgfence::serve {

using analyze::Result;
using analyze::Status;

// A failure with the HTTP status it deserves (503 when the database cannot be reached).
struct StoreError {
    int status = 500;
    std::string message;
};
template <typename T>
using StoreResult = analyze::Result<T, StoreError>;

struct Job {
    std::int64_t id = 0;
    std::string kind;
    nlohmann::json payload;
    int attempts = 0;
};

// What the upload handler answers, stored with the upload for Idempotency-Key replays.
struct Answer {
    int status = 0;
    nlohmann::json body;
};

class Store {
public:
    explicit Store(std::string conninfo) : m_conninfo(std::move(conninfo)) {}

    // Applies serve/migrations/*.sql not yet applied, each in one transaction, under an advisory lock.
    [[nodiscard]] StoreResult<int> migrate();

    // A new upload token for `repository` (the token itself is returned once and never stored).
    [[nodiscard]] StoreResult<std::string> create_token(const std::string& repository);
    // Revokes every token of `repository`; how many were live.
    [[nodiscard]] StoreResult<int> revoke_tokens(const std::string& repository);
    // The repository a token may upload for, or nothing (unknown or revoked).
    [[nodiscard]] StoreResult<std::optional<std::string>> token_repository(const std::string& token);

    // Records an upload once per Idempotency-Key: a new key inserts it, calls `decide` (inside the
    // transaction, with the stored row's id) and stores the answer; a repeated key returns the
    // first answer when the body is the same, 409 when it is not.
    using Decide = std::function<StoreResult<Answer>(trace::Connection&, const std::string& upload_id)>;
    [[nodiscard]] StoreResult<Answer> record_upload(const std::string& repository, const nlohmann::json& envelope,
                                                    const std::string& idempotency_key, const std::string& body_sha256,
                                                    const Decide& decide);

    // A webhook delivery, once: false when this delivery id, or this very body, was seen before. A new one is queued
    // as a job of kind "webhook" in the same transaction; so is a redelivery (same id, same body) of
    // one whose every job failed for good.
    [[nodiscard]] StoreResult<bool> record_delivery(const std::string& delivery_id, const std::string& body_sha256,
                                                    const std::string& event, nlohmann::json payload);

    // How many times a job is tried before it fails for good, and the longest wait between two
    // tries (the waits double from 2 s): a failing job of a pull request holds that pull
    // request's later webhooks back for about a minute at most (claim_job runs them in order).
    static constexpr int k_job_attempts = 6;
    static constexpr int k_job_backoff_cap_seconds = 30;

    // The next due job, claimed until `finish_job` or `retry_job`; nothing when none is due.
    [[nodiscard]] StoreResult<std::optional<Job>> claim_job();
    [[nodiscard]] StoreResult<bool> finish_job(std::int64_t id);
    // Again after `delay_seconds`; after `max_attempts` it is marked failed (and kept).
    [[nodiscard]] StoreResult<bool> retry_job(const Job& job, const std::string& error, int delay_seconds, int max_attempts);

    // Runs `work` in one transaction (retried once on a dropped connection).
    using Work = std::function<StoreResult<bool>(trace::Connection&)>;
    [[nodiscard]] StoreResult<bool> transaction(const Work& work);

    // The chain as JSON Lines material: events of `repository` (all when empty) from `since`
    // (an RFC 3339 time, "" for all), by repository and seq, each with its `hash`.
    [[nodiscard]] StoreResult<std::vector<nlohmann::json>> audit_events(const std::string& repository, const std::string& since);

    // Each chain's head as the service last moved it: repository → (seq, hash); one repository's
    // when `repository` is not empty.
    [[nodiscard]] StoreResult<audit::Heads> audit_heads(const std::string& repository = "");
    // The events and the heads of `repository` (all when empty), read in one snapshot, as
    // audit::verify_to_heads needs them: a chain that grows while it is read is not "missing" events.
    [[nodiscard]] StoreResult<std::pair<std::vector<nlohmann::json>, audit::Heads>> audit_snapshot(const std::string& repository);

    // Queue depth and failed jobs, for /metrics.
    [[nodiscard]] StoreResult<std::pair<std::int64_t, std::int64_t>> queue_depth();

private:
    struct Pooled {
        std::unique_ptr<trace::Connection> connection;
    };
    [[nodiscard]] StoreResult<std::unique_ptr<trace::Connection>> acquire();
    void release(std::unique_ptr<trace::Connection> connection);

    std::string m_conninfo;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<trace::Connection>> m_idle;
};

// Inside a Store transaction: appends one event to `repository`'s chain and returns it (with its hash).
[[nodiscard]] StoreResult<nlohmann::json> append_audit(trace::Connection& conn, const std::string& repository,
                                                       const std::string& type, const std::optional<std::string>& content_hash,
                                                       std::optional<std::int64_t> pull_request, nlohmann::json data);

// Inside a Store transaction: records on the row `id` of `table` (pgfence_approvals or
// pgfence_exemptions, a literal) the seq of `event`, the audit event that granted it
// (serve/signoff_events.hpp).
[[nodiscard]] StoreResult<bool> bind_to_event(trace::Connection& conn, const char* table, const std::string& id,
                                              const nlohmann::json& event);

// Inside a Store transaction: queues a job (due now, or at `run_after`, a timestamptz's text).
[[nodiscard]] StoreResult<bool> enqueue(trace::Connection& conn, const std::string& kind, const nlohmann::json& payload,
                                        const std::string& run_after = "");

// Inside a Store transaction: the exemptions granted on a pull request (expired and voided ones
// too), oldest first, with what each was bound to (serve/binding.hpp), as the repository's chain
// says up to seq `read_at` (all of it when none): grants and withdrawals after it are not seen.
[[nodiscard]] StoreResult<std::vector<StoredExemption>> exemptions_of(trace::Connection& conn, const std::string& repository,
                                                                           std::int64_t pull_request,
                                                                           std::optional<std::int64_t> read_at = std::nullopt);

// The pull request's newest upload that was answered: (id, head_sha, content_hash), or nothing.
struct UploadRef {
    std::string id;
    std::string head_sha;
    std::string content_hash;
};
[[nodiscard]] StoreResult<std::optional<UploadRef>> latest_upload(trace::Connection& conn, const std::string& repository,
                                                                  std::int64_t pull_request);

// Inside a Store transaction: queues the `check` job that posts `upload`'s check run again.
[[nodiscard]] StoreResult<bool> enqueue_check(trace::Connection& conn, const std::string& repository, std::int64_t pull_request,
                                              const UploadRef& upload);

// A failed query as a StoreError: 503 when the connection or server is gone, else 500.
[[nodiscard]] StoreError db_error(const trace::Connection& conn, const analyze::Error& error);

}  // namespace pgfence::serve
