#pragma once
// The page's sign-in sessions, in the service's database: a random token in the browser's
// cookie, its SHA-256 in pgfence_sessions with the login and an expiry. Replicas share them.
#include <chrono>
#include <optional>
#include <string>

#include "serve/store.hpp"

namespace pgfence::serve {

// An hour: membership is asked of GitHub at sign-in only, so someone removed from the
// organisation loses the page within the hour (signing in again is one redirect while they are
// signed in to GitHub).
inline constexpr std::chrono::hours k_session_lifetime{1};

// A new session for `login`; the token to put in the cookie (never stored as such).
[[nodiscard]] StoreResult<std::string> create_session(Store& store, const std::string& login);
// The login of a live session, or nothing (unknown, expired or signed out).
[[nodiscard]] StoreResult<std::optional<std::string>> session_login(Store& store, const std::string& token);
// Signs the session out.
[[nodiscard]] StoreResult<bool> end_session(Store& store, const std::string& token);

}  // namespace pgfence::serve
