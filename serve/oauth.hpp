#pragma once
// Signing in to the page with GitHub: the OAuth web flow of the GitHub App's client, with PKCE
// (RFC 7636, S256). The browser keeps a random secret in a cookie (the code verifier) and goes to
// GitHub's authorize page with a `state` bound to that secret and the verifier's challenge; GitHub
// sends the state back with a code, the code is exchanged (with the client secret and the
// verifier) for the user's token, and that token asks GitHub who the user is and whether they are
// a member of the organisation. The token is used for those two questions only, and never stored.
#include <string>

#include "analyze/base/error.hpp"

namespace pgfence::serve {

struct OAuthClient {
    std::string github_url;     // https://github.com (a GHES host's own URL)
    std::string api_url;        // https://api.github.com
    std::string client_id;
    std::string client_secret;
    std::string redirect_uri;   // public_url + "/oauth/callback"
    std::string organization;
    std::string user_agent;
};

// Where to send the browser to sign in; `code_challenge` is pkce_challenge(the verifier).
[[nodiscard]] std::string authorize_url(const OAuthClient& client, const std::string& state, const std::string& code_challenge);

// PKCE's S256 challenge of a code verifier: base64url(SHA-256(verifier)), no padding.
[[nodiscard]] std::string pkce_challenge(const std::string& verifier);

struct SignedIn {
    std::string login;
    bool member = false;  // of the organisation, as GitHub answers for this user
};

// The code GitHub sent back, exchanged and asked about. An error when GitHub refuses the code or
// cannot be reached (its text never carries the secret or the token).
[[nodiscard]] analyze::Result<SignedIn> complete_sign_in(const OAuthClient& client, const std::string& code,
                                                         const std::string& code_verifier);

// `text` percent-encoded for a query string (RFC 3986 unreserved characters kept).
[[nodiscard]] std::string url_encode(const std::string& text);

}  // namespace pgfence::serve
