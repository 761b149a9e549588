#include "serve/sessions.hpp"

#include "serve/crypto.hpp"

namespace pgfence::serve {

StoreResult<std::string> create_session(Store& store, const std::string& login) {
    auto token = random_hex(32);
    if (!token) return StoreError{500, token.error().message};
    const std::string seconds = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(k_session_lifetime).count());
    auto done = store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto old = c.query("DELETE FROM pgfence_sessions WHERE expires_at < now()");
        if (!old) return db_error(c, old.error());
        auto r = c.query("INSERT INTO pgfence_sessions (token_sha256, login, expires_at) "
                         "VALUES ($1, $2, now() + make_interval(secs => $3::int))",
                         {sha256_hex(*token), login, seconds});
        if (!r) return db_error(c, r.error());
        return true;
    });
    if (!done) return done.error();
    return *token;
}

StoreResult<std::optional<std::string>> session_login(Store& store, const std::string& token) {
    std::optional<std::string> login;
    if (token.size() != 64) return login;  // not one of ours: no query
    auto done = store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto r = c.query("SELECT login FROM pgfence_sessions WHERE token_sha256 = $1 AND expires_at > now()", {sha256_hex(token)});
        if (!r) return db_error(c, r.error());
        if (r->rows() > 0) login = r->value(0, 0);
        return true;
    });
    if (!done) return done.error();
    return login;
}

StoreResult<bool> end_session(Store& store, const std::string& token) {
    return store.transaction([&](trace::Connection& c) -> StoreResult<bool> {
        auto r = c.query("DELETE FROM pgfence_sessions WHERE token_sha256 = $1", {sha256_hex(token)});
        if (!r) return db_error(c, r.error());
        return true;
    });
}

}  // namespace pgfence::serve
