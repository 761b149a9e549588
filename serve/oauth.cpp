#include "serve/oauth.hpp"

#include <httplib.h>

#include <regex>

#include <nlohmann/json.hpp>

#include "annotate/escape.hpp"
#include "serve/crypto.hpp"
#include "serve/github_app.hpp"

namespace pgfence::serve {
namespace {

analyze::Error failure(std::string what) { return analyze::Error{"GitHub sign-in: " + std::move(what), "", std::nullopt}; }

}  // namespace

std::string url_encode(const std::string& text) { return annotate::percent_encode(text, "-._~"); }

std::string authorize_url(const OAuthClient& client, const std::string& state, const std::string& code_challenge) {
    std::string base = client.github_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/login/oauth/authorize?client_id=" + url_encode(client.client_id) +
           "&redirect_uri=" + url_encode(client.redirect_uri) + "&state=" + url_encode(state) +
           "&code_challenge=" + url_encode(code_challenge) + "&code_challenge_method=S256&allow_signup=false";
}

std::string pkce_challenge(const std::string& verifier) {
    const std::string hex = sha256_hex(verifier);
    std::string digest;
    auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) digest += static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
    return base64url(digest);
}

analyze::Result<SignedIn> complete_sign_in(const OAuthClient& client, const std::string& code, const std::string& code_verifier) {
    // The code for the user's token.
    auto [origin, prefix] = split_origin(client.github_url);
    httplib::Client http(origin);
    http.set_connection_timeout(std::chrono::seconds(5));
    http.set_read_timeout(std::chrono::seconds(10));
    http.set_follow_location(false);
    httplib::Headers headers = {{"Accept", "application/json"}, {"User-Agent", client.user_agent}};
    const std::string form = "client_id=" + url_encode(client.client_id) + "&client_secret=" + url_encode(client.client_secret) +
                             "&code=" + url_encode(code) + "&redirect_uri=" + url_encode(client.redirect_uri) +
                             "&code_verifier=" + url_encode(code_verifier);
    auto response = http.Post(prefix + "/login/oauth/access_token", headers, form, "application/x-www-form-urlencoded");
    if (!response) return failure("the token exchange got no answer (" + httplib::to_string(response.error()) + ")");
    auto body = nlohmann::json::parse(response->body, nullptr, false);
    if (response->status != 200 || !body.is_object()) {
        return failure("the token exchange answered HTTP " + std::to_string(response->status));
    }
    if (!body.contains("access_token") || !body["access_token"].is_string()) {
        // GitHub answers 200 with {"error": "bad_verification_code", ...} for a used or wrong code.
        std::string error = body.contains("error") && body["error"].is_string() ? body["error"].get<std::string>() : "no token";
        static const std::regex k_word(R"(^[a-z_]{1,64}$)");
        return failure("the code was refused (" + (std::regex_match(error, k_word) ? error : std::string("no token")) + ")");
    }
    const std::string token = body["access_token"].get<std::string>();

    // Who the user is.
    auto user = api_request(client.api_url, client.user_agent, "GET", "/user", token);
    static const std::regex k_login(R"(^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$)");
    if (user.status != 200 || !user.body.contains("login") || !user.body["login"].is_string() ||
        !std::regex_match(user.body["login"].get<std::string>(), k_login)) {
        return failure("GET /user answered " + (user.status == 0 ? user.failure : "HTTP " + std::to_string(user.status)));
    }
    SignedIn out;
    out.login = user.body["login"].get<std::string>();

    // Whether they are a member: 204 yes; 404 (or 302, asked by a non-member) no.
    auto member = api_request(client.api_url, client.user_agent, "GET",
                              "/orgs/" + url_encode(client.organization) + "/members/" + url_encode(out.login), token);
    if (member.status == 204) out.member = true;
    else if (member.status == 404 || member.status == 302) out.member = false;
    else return failure("the membership check answered " + (member.status == 0 ? member.failure : "HTTP " + std::to_string(member.status)));
    return out;
}

}  // namespace pgfence::serve
