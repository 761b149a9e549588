#include "serve/withdrawals.hpp"

namespace pgfence::serve {

StoreResult<bool> lock_chain(trace::Connection& conn, const std::string& repository) {
    // The same upsert append_audit starts with (serve/store.cpp): it locks the head row, making it
    // if the chain has none yet. The caller appends an event before it commits.
    auto head = conn.query("INSERT INTO pgfence_audit_heads (repository, seq, hash) VALUES ($1, 0, $2) "
                           "ON CONFLICT (repository) DO UPDATE SET repository = EXCLUDED.repository RETURNING seq",
                           {repository, audit::k_genesis});
    if (!head) return db_error(conn, head.error());
    return true;
}

StoreResult<bool> withdrawn_earlier(trace::Connection& conn, const std::string& repository, std::int64_t pull_request,
                                    const char* key, std::int64_t id) {
    // Review and comment ids are GitHub's, unique across repositories; a `/pgfence revoke`'s own
    // comment id or a "changes requested" review's id found here is never an approval's anyway.
    auto r = conn.query("SELECT 1 FROM pgfence_audit_events WHERE repository = $1 "
                        "AND event::jsonb ->> 'type' IN ('withdrawal_before_approval', 'approval_revoked', 'exemption_withdrawn') "
                        "AND event::jsonb -> 'pull_request' = to_jsonb($2::bigint) "
                        "AND event::jsonb -> 'data' -> $3 = to_jsonb($4::bigint) LIMIT 1",
                        {repository, std::to_string(pull_request), key, std::to_string(id)});
    if (!r) return db_error(conn, r.error());
    return r->rows() > 0;
}

StoreResult<bool> record_early_withdrawal(trace::Connection& conn, const std::string& repository, std::int64_t pull_request,
                                          nlohmann::json data) {
    auto latest = latest_upload(conn, repository, pull_request);
    if (!latest) return latest.error();
    auto e = append_audit(conn, repository, "withdrawal_before_approval",
                          *latest ? std::optional((*latest)->content_hash) : std::nullopt, pull_request, std::move(data));
    if (!e) return e.error();
    return true;
}

StoreResult<int> withdraw_exemptions(trace::Connection& c, const std::string& repository, std::int64_t number,
                                     const std::string& where, const std::string& value, const nlohmann::json& data) {
    auto r = c.query("UPDATE pgfence_exemptions SET withdrawn_at = now() WHERE repository = $1 AND pull_request = $2 AND " + where +
                         " AND withdrawn_at IS NULL RETURNING id, rule, owner, path, line",
                     {repository, std::to_string(number), value});
    if (!r) return db_error(c, r.error());
    for (int i = 0; i < r->rows(); ++i) {
        nlohmann::json d = data;
        d.update({{"exemption_id", std::stoll(r->value(i, 0))}, {"rule", r->value(i, 1)}, {"owner", r->value(i, 2)},
                  {"path", r->is_null(i, 3) ? nlohmann::json(nullptr) : nlohmann::json(r->value(i, 3))},
                  {"line", r->is_null(i, 4) ? nlohmann::json(nullptr) : nlohmann::json(std::stoi(r->value(i, 4)))}});
        auto latest = latest_upload(c, repository, number);
        if (!latest) return latest.error();
        auto e = append_audit(c, repository, "exemption_withdrawn", *latest ? std::optional((*latest)->content_hash) : std::nullopt,
                              number, d);
        if (!e) return e.error();
    }
    return r->rows();
}

}  // namespace pgfence::serve
