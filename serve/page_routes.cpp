#include "serve/page_routes.hpp"

#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "serve/crypto.hpp"
#include "serve/dashboard.hpp"
#include "serve/github_app.hpp"
#include "serve/oauth.hpp"
#include "serve/page.hpp"
#include "serve/sessions.hpp"
#include "serve/sign_in_limits.hpp"

namespace pgfence::serve {
namespace {

constexpr std::int64_t k_state_lifetime_seconds = 600;

// The cookies' names: with the __Host- prefix when the browser enforces what it promises (https,
// Path=/, no Domain), so a sibling host cannot plant one; plain otherwise.
struct CookieNames {
    std::string session;
    std::string state;
    std::string state_path;
};

// One cookie's value from the Cookie header, or "".
std::string cookie(const httplib::Request& req, const std::string& name) {
    const std::string header = req.get_header_value("Cookie");
    std::size_t at = 0;
    while (at < header.size()) {
        std::size_t end = header.find(';', at);
        if (end == std::string::npos) end = header.size();
        std::string pair = header.substr(at, end - at);
        const std::size_t first = pair.find_first_not_of(' ');
        pair = first == std::string::npos ? "" : pair.substr(first);
        if (pair.size() > name.size() && pair.compare(0, name.size(), name) == 0 && pair[name.size()] == '=') {
            return pair.substr(name.size() + 1);
        }
        at = end + 1;
    }
    return "";
}

// The path part of public_url ("" or "/pgfence"), where the service's own routes are for a browser.
std::string base_path(const Config& config) {
    const std::string path = split_origin(config.public_url).second;
    return path;
}

bool https(const Config& config) { return config.public_url.rfind("https://", 0) == 0; }

CookieNames cookie_names(const Config& config, const std::string& base) {
    if (https(config) && base.empty()) return {"__Host-pgfence_session", "__Host-pgfence_oauth_state", "/"};
    return {"pgfence_session", "pgfence_oauth_state", base + "/oauth"};
}

std::string set_cookie(const Config& config, const std::string& name, const std::string& value, const std::string& path,
                       long max_age) {
    std::string out = name + "=" + value + "; Path=" + (path.empty() ? "/" : path) + "; Max-Age=" + std::to_string(max_age) +
                      "; HttpOnly; SameSite=Lax";
    if (https(config)) out += "; Secure";
    return out;
}

// The OAuth state: a nonce, its expiry and an HMAC of both and of the hash of this browser's
// secret (its pre-login cookie, the PKCE code verifier), under a key derived from the client
// secret (every replica has it). The callback calls GitHub only for a state this service made
// within ten minutes for the browser that brings it: the state travels in URLs (GitHub's, the
// browser's history), the secret only in the cookie, so a state seen elsewhere is of no use.
std::string state_key(const Config& config) { return sha256_hex("pgfence oauth state\n" + config.oauth_client_secret); }

std::string state_mac(const Config& config, const std::string& nonce_and_expiry, const std::string& verifier) {
    return hmac_sha256_hex(state_key(config), nonce_and_expiry + "." + sha256_hex(verifier));
}

analyze::Result<std::string> make_state(const Config& config, const std::string& verifier) {
    auto nonce = random_hex(16);
    if (!nonce) return nonce.error();
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const std::string signed_part = *nonce + "." + std::to_string(now + k_state_lifetime_seconds);
    return signed_part + "." + state_mac(config, signed_part, verifier);
}

bool verifier_shaped(const std::string& verifier) {
    return verifier.size() == 64 && verifier.find_first_not_of("0123456789abcdef") == std::string::npos;
}

bool state_valid(const Config& config, const std::string& state, const std::string& verifier) {
    if (!verifier_shaped(verifier)) return false;
    const auto second = state.rfind('.');
    const auto first = second == std::string::npos || second == 0 ? std::string::npos : state.rfind('.', second - 1);
    if (first == std::string::npos || first != 32 || state.size() - second - 1 != 64) return false;
    const std::string signed_part = state.substr(0, second);
    if (!constant_time_equal(state_mac(config, signed_part, verifier), state.substr(second + 1))) return false;
    const std::string expiry = state.substr(first + 1, second - first - 1);
    if (expiry.empty() || expiry.size() > 12 || expiry.find_first_not_of("0123456789") != std::string::npos) return false;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    return std::stoll(expiry) > now;
}

void html(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    // No script, no frames, nothing loaded from elsewhere: the page is text and links.
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cache-Control", "no-store");
    res.set_content(body, "text/html; charset=utf-8");
}

void redirect(httplib::Response& res, const std::string& location) {
    res.status = 302;
    res.set_header("Location", location);
    res.set_header("Cache-Control", "no-store");
}

OAuthClient oauth_client(const PageRoutes& r) {
    const Config& c = r.config;
    std::string public_url = c.public_url;
    while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
    return OAuthClient{c.github_url, c.github_api_url, c.oauth_client_id, c.oauth_client_secret,
                       public_url + "/oauth/callback", c.organization, r.user_agent};
}

}  // namespace

void add_page_routes(httplib::Server& server, const PageRoutes& routes) {
    // Copied into each handler: the routes outlive this call.
    const PageRoutes r = routes;
    const std::string base = base_path(r.config);
    const CookieNames names = cookie_names(r.config, base);
    auto limits = std::make_shared<SignInLimits>();

    server.Get("/", [r, base, names](const httplib::Request& req, httplib::Response& res) {
        if (!r.config.page_enabled()) {
            html(res, 404, render_message("The page is off",
                                          "Set oauth_client_id, oauth_client_secret, organization and public_url in "
                                          "governance.toml to let the organisation's members sign in."));
            return;
        }
        auto login = session_login(r.store, cookie(req, names.session));
        if (!login) {
            std::fprintf(stderr, "pgfence serve: the page: %s\n", login.error().message.c_str());
            html(res, 503, render_message("The page cannot be shown", "The service's database cannot be reached."));
            return;
        }
        if (!*login) return redirect(res, base + "/login");
        auto dashboard =
            load_dashboard(r.store, {r.config.organization, **login, r.config.github_url, base, r.approvers}, r.cache);
        if (!dashboard) {
            std::fprintf(stderr, "pgfence serve: the page: %s\n", dashboard.error().message.c_str());
            html(res, 503, render_message("The page cannot be shown", "The service's database cannot be reached."));
            return;
        }
        html(res, 200, render_page(*dashboard));
    });

    server.Get("/login", [r, base, names](const httplib::Request&, httplib::Response& res) {
        if (!r.config.page_enabled()) return redirect(res, base + "/");
        auto verifier = random_hex(32);
        auto state = verifier ? make_state(r.config, *verifier) : analyze::Result<std::string>(verifier.error());
        if (!state) {
            html(res, 500, render_message("Sign-in failed", "No random state could be made."));
            return;
        }
        res.set_header("Set-Cookie", set_cookie(r.config, names.state, *verifier, names.state_path, k_state_lifetime_seconds));
        redirect(res, authorize_url(oauth_client(r), *state, pkce_challenge(*verifier)));
    });

    server.Get("/oauth/callback", [r, base, names, limits](const httplib::Request& req, httplib::Response& res) {
        if (!r.config.page_enabled()) return redirect(res, base + "/");
        const std::string verifier = cookie(req, names.state);
        const std::string state = req.get_param_value("state");
        const std::string code = req.get_param_value("code");
        // The state ties the answer to a sign-in this service started in this browser (its
        // cookie's secret): no forged or borrowed callback signs anyone in, and none makes the
        // service call GitHub.
        if (!state_valid(r.config, state, verifier) || code.empty() || code.size() > 256) {
            html(res, 400, render_message("Sign-in failed", "This sign-in was not started here, or it is too old: start again."));
            return;
        }
        // Then each state once, and each address within its share: callbacks from one client
        // cannot hold every sign-in slot, nor have GitHub asked without end.
        const std::string client = req.remote_addr;
        switch (limits->begin(client, state.substr(0, 32))) {
            case SignInLimits::Verdict::Go: break;
            case SignInLimits::Verdict::Replayed:
                html(res, 400, render_message("Sign-in failed", "This sign-in was already used: start again."));
                return;
            case SignInLimits::Verdict::Busy:
                res.set_header("Retry-After", "5");
                html(res, 503, render_message("Sign-in is busy", "Too many sign-ins are waiting on GitHub: try again in a moment."));
                return;
            case SignInLimits::Verdict::TooMany:
                res.set_header("Retry-After", "600");
                html(res, 429, render_message("Too many sign-ins", "Too many sign-ins from this address: try again later."));
                return;
        }
        auto signed_in = complete_sign_in(oauth_client(r), code, verifier);
        limits->end(client);
        if (!signed_in) {
            std::fprintf(stderr, "pgfence serve: %s\n", signed_in.error().message.c_str());
            html(res, 502, render_message("Sign-in failed", "GitHub did not confirm the sign-in: start again."));
            return;
        }
        res.set_header("Set-Cookie", set_cookie(r.config, names.state, "", names.state_path, 0));
        if (!signed_in->member) {
            html(res, 403, render_message("Not a member",
                                          signed_in->login + " is not a member of " + r.config.organization +
                                              " on GitHub, so the page is not shown."));
            return;
        }
        auto session = create_session(r.store, signed_in->login);
        if (!session) {
            std::fprintf(stderr, "pgfence serve: the page: %s\n", session.error().message.c_str());
            html(res, 503, render_message("Sign-in failed", "The service's database cannot be reached."));
            return;
        }
        const long lifetime = static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(k_session_lifetime).count());
        res.set_header("Set-Cookie", set_cookie(r.config, names.session, *session, base + "/", lifetime));
        redirect(res, base + "/");
    });

    server.Post("/logout", [r, base, names](const httplib::Request& req, httplib::Response& res) {
        // Only the page's own form signs out (a browser names the page's origin in Origin).
        const std::string origin = req.get_header_value("Origin");
        if (!origin.empty() && origin != split_origin(r.config.public_url).first) {
            html(res, 403, render_message("Not signed out", "Signing out is done from the page itself."));
            return;
        }
        const std::string token = cookie(req, names.session);
        if (!token.empty()) (void)end_session(r.store, token);
        res.set_header("Set-Cookie", set_cookie(r.config, names.session, "", base + "/", 0));
        html(res, 200, render_message("Signed out", "You are signed out of the pgfence governance page."));
    });
}

}  // namespace pgfence::serve
