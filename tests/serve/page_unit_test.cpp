// The page's pure parts: escaping, the rendered sections with hostile text in every field that a
// pull request or a GitHub user can choose, the OAuth URL, governance.toml's page keys.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include "serve/config.hpp"
#include "serve/dashboard.hpp"
#include "serve/oauth.hpp"
#include "serve/page.hpp"

using namespace pgfence::serve;

TEST_CASE("html_escape: markup, quotes, control bytes and invalid UTF-8", "[serve][page]") {
    CHECK(html_escape("<script>alert('x')</script> & \"q\"") ==
          "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    const std::string escaped = html_escape(std::string("a\x1b[31mb\x07") + "\xff" + "c");
    CHECK(escaped.find('\x1b') == std::string::npos);
    CHECK(escaped.find('\x07') == std::string::npos);
    CHECK(escaped.find('\xff') == std::string::npos);
    CHECK(html_escape("line\nbreak") == "line\nbreak");
}

TEST_CASE("the page: every section, and hostile text stays text", "[serve][page]") {
    Dashboard d;
    d.organization = "octo";
    d.viewer = "<i>alice</i>";
    d.github_url = "https://github.com";
    d.generated_at = "2026-11-23T10:00:00Z";
    RepositoryView& view = d.repositories["octo/app"];
    view.pending.push_back({7, "0123456789abcdef0123456789abcdef01234567", "2026-11-22T09:00:00Z",
                            {"HIGH create-index-without-concurrently at db/<img src=x onerror=alert(1)>.sql:3"},
                            {"@octo/dba", "bob\"><script>"}});
    view.decisions.push_back({7, "0123456789abcdef0123456789abcdef01234567", "failure", "2026-11-22T09:01:00Z"});
    view.expiring.push_back({7, "lock-timeout-missing", "db/001.sql:2", "@carol", "</td><td>forged cell", "2026-11-30T00:00:00Z"});
    view.chain.events = 12;
    d.repositories["octo/broken"].chain.problem = "seq 3: its hash does not match its content (changed)";
    d.week.migrations_reviewed = 4;
    d.week.median_signoff_seconds = 5400;
    d.week.signoffs = 3;
    d.week.exemptions_granted = 1;
    d.week.failed_by_rule["lock-timeout-missing"] = 2;

    const std::string page = render_page(d);
    CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(page.find("<script") == std::string::npos);
    CHECK(page.find("<img") == std::string::npos);
    CHECK(page.find("<i>alice") == std::string::npos);
    CHECK(page.find("Signed in as &lt;i&gt;alice&lt;/i&gt;") != std::string::npos);
    CHECK(page.find("db/&lt;img src=x onerror=alert(1)&gt;.sql:3") != std::string::npos);
    CHECK(page.find("&lt;/td&gt;&lt;td&gt;forged cell") != std::string::npos);
    // Links into GitHub: the pull request, the commit's checks, the team, the user (escaped in the attribute).
    CHECK(page.find("href=\"https://github.com/octo/app/pull/7\"") != std::string::npos);
    CHECK(page.find("href=\"https://github.com/octo/app/commit/0123456789abcdef0123456789abcdef01234567/checks\">0123456<") !=
          std::string::npos);
    CHECK(page.find("href=\"https://github.com/orgs/octo/teams/dba\">@octo/dba<") != std::string::npos);
    CHECK(page.find("href=\"https://github.com/bob&quot;&gt;&lt;script&gt;\"") != std::string::npos);
    CHECK(page.find("<td class=\"bad\">failure</td><td><time datetime=\"2026-11-22T09:01:00Z\">2026-11-22 09:01 UTC</time>") !=
          std::string::npos);
    CHECK(page.find("Audit chain: <span class=\"ok\">verified</span>, 12 events") != std::string::npos);
    CHECK(page.find("<strong class=\"bad\">does not verify</strong>: seq 3: its hash does not match") != std::string::npos);
    CHECK(page.find("<dd id=\"migrations-reviewed\">4</dd>") != std::string::npos);
    CHECK(page.find("<dd id=\"median-signoff\">1.5 h (3 sign-offs)</dd>") != std::string::npos);
    CHECK(page.find("<dd id=\"failed-by-rule\"><code>lock-timeout-missing</code> 2</dd>") != std::string::npos);
    // A repository with nothing in it says so rather than show empty tables.
    CHECK(page.find("Nothing waits for sign-off.") != std::string::npos);
}

TEST_CASE("weekly figures in Prometheus' text format; a rule id that is not one is dropped", "[serve][page]") {
    WeeklyFigures w;
    w.migrations_reviewed = 3;
    w.failed_by_rule["lock-timeout-missing"] = 1;
    w.failed_by_rule["x\"} 9\nevil"] = 5;
    const std::string text = weekly_prometheus(w);
    CHECK(text.find("pgfence_week_migrations_reviewed 3\n") != std::string::npos);
    CHECK(text.find("pgfence_week_checks_failed{rule=\"lock-timeout-missing\"} 1\n") != std::string::npos);
    CHECK(text.find("evil") == std::string::npos);
    CHECK(text.find("pgfence_week_signoff_median_seconds") == std::string::npos);  // no sign-off: no sample
}

TEST_CASE("the authorize URL: client, callback and state percent-encoded", "[serve][page]") {
    OAuthClient c{"https://github.example.com/", "https://github.example.com/api/v3", "Iv1.abc", "s3cret",
                  "https://pgfence.example.com/oauth/callback", "octo", "ua"};
    CHECK(authorize_url(c, "0a1b", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM") ==
          "https://github.example.com/login/oauth/authorize?client_id=Iv1.abc&redirect_uri=https%3A%2F%2Fpgfence.example.com"
          "%2Foauth%2Fcallback&state=0a1b&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
          "&allow_signup=false");
    // RFC 7636's own example (appendix B).
    CHECK(pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    CHECK(url_encode("a b&c=d/é") == "a%20b%26c%3Dd%2F%C3%A9");
}

TEST_CASE("governance.toml: the page's keys go together", "[serve][page]") {
    const std::string path = "page_config_test.toml";
    auto write = [&](const std::string& text) {
        std::ofstream f(path);
        f << text;
    };
    write("public_url = \"https://pgfence.example.com\"\noauth_client_id = \"Iv1.a\"\noauth_client_secret = \"s\"\n"
          "organization = \"octo\"\n");
    auto c = load_config(path);
    REQUIRE(c);
    CHECK(c->page_enabled());
    CHECK(c->github_url == "https://github.com");
    write("oauth_client_id = \"Iv1.a\"\n");
    c = load_config(path);
    REQUIRE_FALSE(c);
    CHECK(c.error().message.find("the page needs oauth_client_id, oauth_client_secret") != std::string::npos);
    write("organization = \"octo org\"\n");
    c = load_config(path);
    REQUIRE_FALSE(c);
    CHECK(c.error().message.find(path + ":1: organization must be") == 0);
    write("listen = \"127.0.0.1:8080\"\n");
    c = load_config(path);
    REQUIRE(c);
    CHECK_FALSE(c->page_enabled());
    std::remove(path.c_str());
}

#include "serve/sign_in_limits.hpp"

TEST_CASE("sign-in limits: each state once, one address cannot take every slot", "[serve][page]") {
    using Verdict = SignInLimits::Verdict;
    SignInLimits limits;
    const auto t0 = SignInLimits::Clock::now();
    CHECK(limits.begin("10.0.0.9", "n1", t0) == Verdict::Go);
    // The same address again while its sign-in waits on GitHub: busy; another address: its own slot.
    CHECK(limits.begin("10.0.0.9", "n2", t0) == Verdict::Busy);
    CHECK(limits.begin("10.0.0.1", "n3", t0) == Verdict::Go);
    limits.end("10.0.0.9");
    CHECK(limits.begin("10.0.0.9", "n1", t0) == Verdict::Replayed);  // a state is used once
    CHECK(limits.begin("10.0.0.9", "n2", t0) == Verdict::Go);
    limits.end("10.0.0.9");
    limits.end("10.0.0.1");
    // Ten exchanges per address per ten minutes, then 429 until the window moves on.
    for (int i = 0; i < 8; ++i) {
        REQUIRE(limits.begin("10.0.0.9", "m" + std::to_string(i), t0) == Verdict::Go);
        limits.end("10.0.0.9");
    }
    CHECK(limits.begin("10.0.0.9", "late", t0) == Verdict::TooMany);
    CHECK(limits.begin("10.0.0.2", "other", t0) == Verdict::Go);
    limits.end("10.0.0.2");
    CHECK(limits.begin("10.0.0.9", "late", t0 + std::chrono::seconds(601)) == Verdict::Go);
    limits.end("10.0.0.9");
    // Four at once in all.
    SignInLimits four;
    for (int i = 0; i < 4; ++i) REQUIRE(four.begin("10.1.0." + std::to_string(i), "s" + std::to_string(i), t0) == Verdict::Go);
    CHECK(four.begin("10.1.0.9", "s9", t0) == Verdict::Busy);
    four.end("10.1.0.0");
    CHECK(four.begin("10.1.0.9", "s9", t0) == Verdict::Go);
}
