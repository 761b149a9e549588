#include "serve/page_routes.hpp"

#include <httplib.h>

#include <cstdio>

#include "serve/crypto.hpp"
#include "serve/dashboard.hpp"
#include "serve/github_app.hpp"
#include "serve/oauth.hpp"
#include "serve/page.hpp"
#include "serve/sessions.hpp"

namespace pgfence::serve {
namespace {

constexpr const char* k_session_cookie = "pgfence_session";
constexpr const char* k_state_cookie = "pgfence_oauth_state";

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

std::string set_cookie(const Config& config, const std::string& name, const std::string& value, const std::string& path,
                       long max_age) {
    std::string out = name + "=" + value + "; Path=" + (path.empty() ? "/" : path) + "; Max-Age=" + std::to_string(max_age) +
                      "; HttpOnly; SameSite=Lax";
    if (config.public_url.rfind("https://", 0) == 0) out += "; Secure";
    return out;
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

    server.Get("/", [r, base](const httplib::Request& req, httplib::Response& res) {
        if (!r.config.page_enabled()) {
            html(res, 404, render_message("The page is off",
                                          "Set oauth_client_id, oauth_client_secret, organization and public_url in "
                                          "governance.toml to let the organisation's members sign in."));
            return;
        }
        auto login = session_login(r.store, cookie(req, k_session_cookie));
        if (!login) {
            std::fprintf(stderr, "pgfence serve: the page: %s\n", login.error().message.c_str());
            html(res, 503, render_message("The page cannot be shown", "The service's database cannot be reached."));
            return;
        }
        if (!*login) return redirect(res, base + "/login");
        auto dashboard = load_dashboard(r.store, {r.config.organization, **login, r.config.github_url, r.approvers});
        if (!dashboard) {
            std::fprintf(stderr, "pgfence serve: the page: %s\n", dashboard.error().message.c_str());
            html(res, 503, render_message("The page cannot be shown", "The service's database cannot be reached."));
            return;
        }
        html(res, 200, render_page(*dashboard));
    });

    server.Get("/login", [r, base](const httplib::Request&, httplib::Response& res) {
        if (!r.config.page_enabled()) return redirect(res, base + "/");
        auto state = random_hex(16);
        if (!state) {
            html(res, 500, render_message("Sign-in failed", "No random state could be made."));
            return;
        }
        res.set_header("Set-Cookie", set_cookie(r.config, k_state_cookie, *state, base + "/oauth", 600));
        redirect(res, authorize_url(oauth_client(r), *state));
    });

    server.Get("/oauth/callback", [r, base](const httplib::Request& req, httplib::Response& res) {
        if (!r.config.page_enabled()) return redirect(res, base + "/");
        const std::string expected = cookie(req, k_state_cookie);
        const std::string state = req.get_param_value("state");
        const std::string code = req.get_param_value("code");
        // The state ties the answer to this browser's own sign-in (no forged callback signs it in).
        if (expected.size() != 32 || !constant_time_equal(expected, state) || code.empty() || code.size() > 256) {
            html(res, 400, render_message("Sign-in failed", "This sign-in was not started here, or it is too old: start again."));
            return;
        }
        auto signed_in = complete_sign_in(oauth_client(r), code);
        if (!signed_in) {
            std::fprintf(stderr, "pgfence serve: %s\n", signed_in.error().message.c_str());
            html(res, 502, render_message("Sign-in failed", "GitHub did not confirm the sign-in: start again."));
            return;
        }
        res.set_header("Set-Cookie", set_cookie(r.config, k_state_cookie, "", base + "/oauth", 0));
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
        res.set_header("Set-Cookie", set_cookie(r.config, k_session_cookie, *session, base + "/", lifetime));
        redirect(res, base + "/");
    });

    server.Post("/logout", [r, base](const httplib::Request& req, httplib::Response& res) {
        const std::string token = cookie(req, k_session_cookie);
        if (!token.empty()) (void)end_session(r.store, token);
        res.set_header("Set-Cookie", set_cookie(r.config, k_session_cookie, "", base + "/", 0));
        html(res, 200, render_message("Signed out", "You are signed out of the pgfence governance page."));
    });
}

}  // namespace pgfence::serve
