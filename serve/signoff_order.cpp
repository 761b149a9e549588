#include "serve/signoff_order.hpp"

#include "serve/github_app.hpp"
#include "serve/payload.hpp"
#include "serve/signoff.hpp"
#include "serve/withdrawals.hpp"

namespace pgfence::serve {

std::optional<std::string> github_instant(const nlohmann::json& payload, std::initializer_list<const char*> path) {
    auto text = text_at(payload, path);
    if (!text) return std::nullopt;
    auto at = parse_utc(*text);
    if (!at) return std::nullopt;
    // Only an instant that reads back the same (the clock's range is about years 1678 to 2262):
    // fixed width, so withdrawn_since may compare the text.
    if (utc_text(*at) != *text) return std::nullopt;
    return text;
}

nlohmann::json withdrawal_fields(const std::string& at, Withdraws what) {
    return {{"withdrawn_at", at}, {"withdraws", what == Withdraws::SignOffs ? "sign-offs" : "approvals"}};
}

StoreResult<bool> withdrawn_since(trace::Connection& conn, const std::string& repository, std::int64_t pull_request,
                                  const std::string& login, const std::optional<std::string>& at, bool exemption) {
    // withdrawn_at is always YYYY-MM-DDTHH:MM:SSZ (github_instant), so byte order is time order.
    auto r = conn.query("SELECT 1 FROM pgfence_audit_events WHERE repository = $1 "
                        "AND event::jsonb ->> 'type' IN ('withdrawal_before_approval', 'approval_revoked', 'exemption_withdrawn') "
                        "AND event::jsonb -> 'pull_request' = to_jsonb($2::bigint) "
                        "AND event::jsonb -> 'data' ->> 'login' = $3 "
                        "AND (event::jsonb -> 'data' ->> 'withdrawn_at') COLLATE \"C\" >= $4 COLLATE \"C\" "
                        "AND ($5 = 'approval' OR event::jsonb -> 'data' ->> 'withdraws' = 'sign-offs') LIMIT 1",
                        {repository, std::to_string(pull_request), login, at.value_or(""), exemption ? "exemption" : "approval"});
    if (!r) return db_error(conn, r.error());
    return r->rows() > 0;
}

StoreResult<int> request_changes(trace::Connection& conn, const std::string& repository, std::int64_t pull_request,
                                 const std::string& login, std::int64_t review_id, const std::optional<std::string>& at,
                                 const std::string& delivery) {
    if (auto locked = lock_chain(conn, repository); !locked) return locked.error();
    const nlohmann::json order = at ? withdrawal_fields(*at, Withdraws::Approvals) : nlohmann::json::object();
    auto r = conn.query("UPDATE pgfence_approvals SET revoked_at = now() WHERE repository = $1 AND pull_request = $2 "
                        "AND login = $3 AND revoked_at IS NULL RETURNING login, content_hash, source",
                        {repository, std::to_string(pull_request), login});
    if (!r) return db_error(conn, r.error());
    for (int i = 0; i < r->rows(); ++i) {
        nlohmann::json data = {{"login", r->value(i, 0)}, {"source", r->value(i, 2)}, {"review_id", review_id},
                               {"why", "changes requested by the same reviewer"}, {"delivery", delivery}};
        data.update(order);
        auto e = append_audit(conn, repository, "approval_revoked", r->value(i, 1), pull_request, data);
        if (!e) return e.error();
    }
    // Nothing to revoke (yet): kept, with its instant, for an approval of theirs delivered later.
    if (r->rows() == 0) {
        nlohmann::json data = {{"login", login}, {"source", "review"}, {"review_id", review_id}, {"state", "changes_requested"},
                               {"why", "changes requested by the same reviewer"}, {"delivery", delivery}};
        data.update(order);
        if (auto kept = record_early_withdrawal(conn, repository, pull_request, data); !kept) return kept.error();
    }
    return r->rows();
}

}  // namespace pgfence::serve
