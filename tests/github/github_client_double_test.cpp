// The GitHub client and typed API against the local test double (tests/github_double/server.py),
// which validates every request body against GitHub's published schemas and injects faults.
#include <catch2/catch.hpp>

#include <algorithm>

#include "bot/github_api.hpp"
#include "bot/github_client.hpp"
#include "tests/github/result_checks.hpp"
#include "double_process.hpp"

using namespace pgfence::bot::github;
using pgfence::test::DoubleConfig;
using pgfence::test::DoubleProcess;
using nlohmann::json;
using namespace std::chrono;

using namespace pgfence::bot::github::testing;

namespace {

const std::string k_repo = "octo-org/migrations";
const std::string k_marker = "<!-- pgfence:report -->";
const std::string k_sha = "0123456789abcdef0123456789abcdef01234567";

// A client aimed at the double, with waits recorded instead of slept.
struct Harness {
    DoubleProcess server;
    std::vector<milliseconds> waits;
    std::vector<std::string> logged;
    ClientOptions options;
    std::unique_ptr<Client> client;

    explicit Harness(DoubleConfig config = {}, int max_attempts = 4) : server(config) {
        options.api_url = server.api_url();
        options.token = config.token;
        options.max_attempts = max_attempts;
        options.first_backoff = milliseconds(100);
        options.read_timeout = seconds(5);
        options.sleep = [this](milliseconds m) { waits.push_back(m); };
        options.log = [this](const std::string& line) { logged.push_back(line); };
        client = must(Client::create(options));
    }
    void rebuild() { client = must(Client::create(options)); }

    // Every request the double saw was well-formed and answered within the response schema.
    void require_all_valid() const {
        for (const auto& r : server.requests()) {
            INFO(r.dump());
            CHECK(r["valid"].get<bool>());
            CHECK(r["response_valid"].get<bool>());
        }
    }
    size_t count(const std::string& method, const std::string& operation) const {
        auto requests = server.requests();
        return std::count_if(requests.begin(), requests.end(),
                             [&](const json& r) { return r["method"] == method && r["operation"] == operation; });
    }
    json comments(int number) const {
        auto all = server.state()["comments"];
        auto key = k_repo + "#" + std::to_string(number);
        return all.contains(key) ? all[key] : json::array();
    }
};

json fault(const std::string& kind, int times, json extra = json::object()) {
    extra["kind"] = kind;
    extra["times"] = times;
    return extra;
}

// What the double's ghs_ token comments as.
const Author k_bot{"github-actions[bot]", std::nullopt};

json seeded_comments(int number, int count, std::vector<int> marker_at = {}, const std::string& login = "github-actions[bot]") {
    return {{"comments", {{{"repo", k_repo}, {"number", number}, {"count", count}, {"marker", k_marker},
                           {"marker_at", marker_at}, {"login", login}}}}};
}

std::string sarif_text() {
    json sarif = {{"version", "2.1.0"},
                  {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                  {"runs",
                   {{{"tool", {{"driver", {{"name", "pgfence"}, {"rules", {{{"id", "add-column-default"}}}}}}}},
                     {"results",
                      {{{"ruleId", "add-column-default"},
                        {"level", "warning"},
                        {"message", {{"text", "ALTER TABLE takes ACCESS EXCLUSIVE"}}},
                        {"locations",
                         {{{"physicalLocation",
                            {{"artifactLocation", {{"uri", "migrations/0001.sql"}}},
                             {"region", {{"startLine", 3}}}}}}}}}}}}}}};
    return sarif.dump();
}

}  // namespace

TEST_CASE("every typed call passes GitHub's schemas", "[github]") {
    DoubleConfig config;
    config.seeds.push_back({{"pulls", {{{"repo", k_repo}, {"number", 7}, {"head_sha", k_sha}, {"files", 3}}}}});
    Harness h(config);
    Client& c = *h.client;

    auto run_id = must(create_check_run(c, k_repo, {{"name", "pgfence"}, {"head_sha", k_sha}, {"status", "in_progress"}}));
    CHECK(run_id > 0);
    must(update_check_run(c, k_repo, run_id,
                     {{"status", "completed"},
                      {"conclusion", "failure"},
                      {"output",
                       {{"title", "2 findings"},
                        {"summary", "ACCESS EXCLUSIVE on users"},
                        {"annotations",
                         {{{"path", "migrations/0001.sql"},
                           {"start_line", 3},
                           {"end_line", 3},
                           {"annotation_level", "failure"},
                           {"message", "rewrites the table"}}}}}}}));
    auto comment_id = must(create_issue_comment(c, k_repo, 7, "first"));
    must(update_issue_comment(c, k_repo, comment_id, "second"));
    auto comments = must(list_issue_comments(c, k_repo, 7));
    REQUIRE(comments.size() == 1);
    CHECK(comments[0]["body"] == "second");
    auto pull = must(get_pull_request(c, k_repo, 7));
    CHECK(pull["head"]["sha"] == k_sha);
    auto files = must(list_pull_request_files(c, k_repo, 7));
    REQUIRE(files.size() == 3);
    CHECK(files[0]["filename"] == "migrations/0001_step.sql");
    CHECK_FALSE(must(upload_sarif(c, k_repo, k_sha, "refs/pull/7/merge", sarif_text())).empty());

    h.require_all_valid();
    auto state = h.server.state();
    CHECK(state["requests"].size() == 8);
    auto run = state["check_runs"][std::to_string(run_id)];
    CHECK(run["conclusion"] == "failure");
    CHECK(run["output"]["annotations"].size() == 1);
    REQUIRE(state["sarifs"].size() == 1);
    CHECK(state["sarifs"][0]["runs"][0]["results"][0]["ruleId"] == "add-column-default");
    for (const auto& r : state["requests"]) CHECK(r["headers"]["x-github-api-version"] == "2022-11-28");
}

TEST_CASE("the double rejects what GitHub would reject", "[github]") {
    Harness h;
    {
        GitHubError e = failure_of(create_check_run(*h.client, k_repo, {{"name", "pgfence"}, {"head_sha", k_sha}, {"status", "completed"}}));
        CHECK(e.status() == 422);
        CHECK_THAT(e.message(), Catch::Contains("conclusion is required"));
    }
    CHECK_THAT(failure_of(update_check_run(*h.client, k_repo, 1, {{"status", "done"}})).message(), Catch::Contains("422"));
    auto requests = h.server.requests();
    REQUIRE(requests.size() == 2);  // 422 is final: no retry
    CHECK_FALSE(requests[0]["valid"].get<bool>());
    CHECK_FALSE(requests[1]["valid"].get<bool>());
}

TEST_CASE("502s are retried with backoff until one succeeds", "[github]") {
    Harness h({.faults = {fault("bad-gateway", 2)}});
    auto id = must(create_check_run(*h.client, k_repo, {{"name", "pgfence"}, {"head_sha", k_sha}}));
    CHECK(id > 0);
    CHECK(h.waits == std::vector<milliseconds>{milliseconds(100), milliseconds(200)});
    auto requests = h.server.requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0]["status"] == 502);
    CHECK(requests[2]["status"] == 201);
    CHECK(h.server.state()["check_runs"].size() == 1);
    REQUIRE(h.logged.size() == 2);
    CHECK_THAT(h.logged[0], Catch::Contains("502") && Catch::Contains("attempt 2 of 4"));
}

TEST_CASE("Retry-After and x-ratelimit-reset decide the wait", "[github]") {
    SECTION("secondary rate limit: 429 with Retry-After") {
        Harness h({.faults = {fault("secondary-rate-limit", 1, {{"retry_after", 7}})}});
        CHECK(must(get_pull_request(*h.client, k_repo, 7))["number"] == 7);
        CHECK(h.waits == std::vector<milliseconds>{seconds(7)});
    }
    SECTION("secondary rate limit: 403 with Retry-After") {
        Harness h({.faults = {fault("secondary-rate-limit", 1, {{"status", 403}, {"retry_after", 3}})}});
        CHECK(must(get_pull_request(*h.client, k_repo, 7))["number"] == 7);
        CHECK(h.waits == std::vector<milliseconds>{seconds(3)});
    }
    SECTION("primary rate limit: 403, remaining 0, wait until the reset time") {
        Harness h({.faults = {fault("primary-rate-limit", 1, {{"reset_in", 20}})}});
        CHECK(must(get_pull_request(*h.client, k_repo, 7))["number"] == 7);
        REQUIRE(h.waits.size() == 1);
        CHECK(h.waits[0] >= seconds(18));
        CHECK(h.waits[0] <= seconds(21));
        CHECK(h.server.requests()[0]["status"] == 403);
    }
    SECTION("a demanded wait beyond max_wait fails at once") {
        DoubleConfig config{.faults = {fault("primary-rate-limit", 1, {{"reset_in", 3600}})}};
        Harness h(config);
        CHECK_THAT(failure_of(get_pull_request(*h.client, k_repo, 7)).message(),
                          Catch::Contains("403") && Catch::Contains("more than the 60s allowed"));
        CHECK(h.waits.empty());
        CHECK(h.server.requests().size() == 1);
    }
}

TEST_CASE("after max_attempts the error names the call and GitHub's message", "[github]") {
    Harness h({.faults = {fault("bad-gateway", 10)}}, 3);
    {
        GitHubError e = failure_of(create_check_run(*h.client, k_repo, {{"name", "pgfence"}, {"head_sha", k_sha}}));
        CHECK(e.status() == 502);
        CHECK(e.maybe_applied());
        CHECK(std::string(e.message()) ==
              "GitHub API POST /repos/octo-org/migrations/check-runs failed: 502: Server Error (after 3 attempts)");
    }
    CHECK(h.server.requests().size() == 3);
    CHECK(h.waits.size() == 2);
}

TEST_CASE("401 and 422 are not retried", "[github]") {
    SECTION("bad credentials from the server") {
        Harness h({.faults = {fault("bad-credentials", 1)}});
        CHECK_THAT(failure_of(get_pull_request(*h.client, k_repo, 7)).message(),
                          Catch::Contains("401: Bad credentials") && Catch::Contains("GITHUB_TOKEN"));
        CHECK(h.server.requests().size() == 1);
        CHECK(h.waits.empty());
    }
    SECTION("a token the server does not know") {
        Harness h;
        h.options.token = "ghs_wrong_token";
        h.rebuild();
        CHECK_THAT(failure_of(create_issue_comment(*h.client, k_repo, 7, "x")).message(), Catch::Contains("401"));
        CHECK(h.server.requests()[0]["auth"] == "wrong");
        CHECK(h.server.requests().size() == 1);
    }
    SECTION("GitHub's validation errors are quoted") {
        Harness h({.faults = {fault("validation", 1)}});
        CHECK_THAT(failure_of(create_issue_comment(*h.client, k_repo, 7, "x")).message(),
                          Catch::Contains("422: Validation Failed: body is too long (body)"));
        CHECK(h.server.requests().size() == 1);
    }
}

TEST_CASE("a dropped connection and a slow answer are retried", "[github]") {
    SECTION("drop") {
        Harness h({.faults = {fault("drop", 1)}});
        CHECK(must(get_pull_request(*h.client, k_repo, 7))["number"] == 7);
        CHECK(h.server.requests().size() == 2);
        CHECK(h.waits.size() == 1);
    }
    SECTION("slower than the read timeout") {
        Harness h({.faults = {fault("slow", 1, {{"delay", 6}})}});
        h.options.read_timeout = seconds(2);
        h.rebuild();
        CHECK(must(get_pull_request(*h.client, k_repo, 7))["number"] == 7);
        CHECK(h.server.requests().size() == 2);
        REQUIRE(h.logged.size() == 1);
        CHECK_THAT(h.logged[0], Catch::Contains("no response"));
    }
}

TEST_CASE("pagination follows Link over three pages", "[github]") {
    Harness h({.seeds = {seeded_comments(7, 250)}});
    auto comments = must(list_issue_comments(*h.client, k_repo, 7));
    REQUIRE(comments.size() == 250);
    CHECK(comments.front()["body"] == "Seeded comment 1.");
    CHECK(comments.back()["body"] == "Seeded comment 250.");
    auto requests = h.server.requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0]["query"] == "per_page=100");
    CHECK_THAT(requests[2]["query"].get<std::string>(), Catch::Contains("page=3"));
    h.require_all_valid();
}

TEST_CASE("a Link to another host stops pagination", "[github]") {
    auto seed = seeded_comments(7, 150);
    seed["link_origin"] = "http://attacker.invalid";
    Harness h({.seeds = {seed}});
    CHECK_THAT(failure_of(list_issue_comments(*h.client, k_repo, 7)).message(), Catch::Contains("refusing to send the token"));
    CHECK(h.server.requests().size() == 1);
}

TEST_CASE("the sticky comment is updated in place, never duplicated", "[github]") {
    SECTION("the marker comment is on page 3") {
        Harness h({.seeds = {seeded_comments(7, 250, {230})}});
        auto seeded = h.comments(7);
        auto sticky = must(upsert_sticky_comment(*h.client, k_repo, 7, k_marker, k_marker + "\nNew report", k_bot));
        CHECK_FALSE(sticky.created);
        CHECK(sticky.id == seeded[230]["id"].get<std::int64_t>());
        auto after = h.comments(7);
        CHECK(after.size() == 250);
        CHECK(after[230]["body"] == k_marker + "\nNew report");
        CHECK(h.count("POST", "issues/create-comment") == 0);
        CHECK(h.count("PATCH", "issues/update-comment") == 1);
        // The same report again changes nothing.
        (void)must(upsert_sticky_comment(*h.client, k_repo, 7, k_marker, k_marker + "\nNew report", k_bot));
        CHECK(h.count("PATCH", "issues/update-comment") == 1);
        h.require_all_valid();
    }
    SECTION("absent: created once, then updated") {
        Harness h({.seeds = {seeded_comments(7, 120)}});
        auto first = must(upsert_sticky_comment(*h.client, k_repo, 7, k_marker, "Report one", k_bot));
        CHECK(first.created);
        auto second = must(upsert_sticky_comment(*h.client, k_repo, 7, k_marker, "Report two", k_bot));
        CHECK_FALSE(second.created);
        CHECK(second.id == first.id);
        auto after = h.comments(7);
        CHECK(after.size() == 121);
        CHECK(after.back()["body"] == k_marker + "\nReport two");
        h.require_all_valid();
    }
    SECTION("a create that timed out is found, not repeated") {
        Harness h({.faults = {fault("slow", 1, {{"delay", 6}, {"method", "POST"}})}});
        h.options.read_timeout = seconds(2);
        h.rebuild();
        auto sticky = must(upsert_sticky_comment(*h.client, k_repo, 7, k_marker, "Report", k_bot));
        CHECK(sticky.created);
        CHECK(h.comments(7).size() == 1);
        CHECK(h.count("POST", "issues/create-comment") == 1);
    }
    SECTION("a create answered with 502 is checked, then sent again") {
        Harness h({.faults = {fault("bad-gateway", 1, {{"method", "POST"}})}});
        auto sticky = must(upsert_sticky_comment(*h.client, k_repo, 7, k_marker, "Report", k_bot));
        CHECK(sticky.created);
        CHECK(h.comments(7).size() == 1);
        CHECK(h.count("POST", "issues/create-comment") == 2);
        CHECK(h.count("GET", "issues/list-comments") == 2);
    }
}

TEST_CASE("the sticky comment is only ever one of the token's own", "[github]") {
    SECTION("a marked comment by the pull request's author is left alone") {
        auto seed = seeded_comments(7, 3, {1}, "mallory");
        Harness h({.seeds = {seed}});
        auto planted = h.comments(7)[1];
        auto sticky = must(upsert_sticky_comment(*h.client, k_repo, 7, k_marker, "Report", must(token_author(*h.client))));
        CHECK(sticky.created);
        auto after = h.comments(7);
        REQUIRE(after.size() == 4);
        CHECK(after[1] == planted);
        CHECK(after[3]["login"] == "github-actions[bot]");
        CHECK(h.count("PATCH", "issues/update-comment") == 0);
        h.require_all_valid();
    }
    SECTION("an installation token is github-actions[bot]; a user token is whom /user names") {
        Harness bot;
        CHECK(must(token_author(*bot.client)).login == "github-actions[bot]");
        Harness user({.token = "ghp_user_token_0123456789abcdef"});
        Author me = must(token_author(*user.client));
        CHECK(me.login == "pgfence-user");
        REQUIRE(me.id);
        // Same login, another account's id: not ours.
        json impostor = seeded_comments(7, 1, {0}, "pgfence-user");
        impostor["comments"][0]["user_id"] = *me.id + 1;
        Harness h({.seeds = {impostor}, .token = "ghp_user_token_0123456789abcdef"});
        CHECK_FALSE(must(find_marked_comment(*h.client, k_repo, 7, k_marker, must(token_author(*h.client)))));
        auto sticky = must(upsert_sticky_comment(*h.client, k_repo, 7, k_marker, "Report", must(token_author(*h.client))));
        CHECK(sticky.created);
        CHECK(must(find_marked_comment(*h.client, k_repo, 7, k_marker, must(token_author(*h.client))))->at("id") == sticky.id);
        h.require_all_valid();
        user.require_all_valid();
    }
}

TEST_CASE("GitHub Enterprise Server: the /api/v3 prefix is kept", "[github]") {
    Harness h({.prefix = "/api/v3", .seeds = {seeded_comments(7, 230, {220})}});
    auto sticky = must(upsert_sticky_comment(*h.client, k_repo, 7, k_marker, "GHES report", k_bot));
    CHECK_FALSE(sticky.created);
    CHECK(must(create_check_run(*h.client, k_repo, {{"name", "pgfence"}, {"head_sha", k_sha}})) > 0);
    auto requests = h.server.requests();
    REQUIRE(requests.size() == 5);  // three pages, one update, one check run
    for (const auto& r : requests) CHECK_THAT(r["path"].get<std::string>(), Catch::StartsWith("/api/v3/repos/"));
    h.require_all_valid();
}

TEST_CASE("the token never appears in errors or log lines", "[github]") {
    const std::string token = DoubleConfig{}.token;
    SECTION("echoed in a final error") {
        Harness h({.faults = {fault("echo-token", 1)}});
        {
            GitHubError e = failure_of(get_pull_request(*h.client, k_repo, 7));
            std::string text = e.message();
            CHECK_THAT(text, Catch::Contains("Bad credentials: Bearer ***"));
            CHECK(text.find(token) == std::string::npos);
        }
    }
    SECTION("echoed while retrying") {
        Harness h({.faults = {fault("echo-token", 3, {{"status", 502}})}}, 3);
        {
            GitHubError e = failure_of(create_issue_comment(*h.client, k_repo, 7, "x"));
            CHECK_THAT(e.message(), Catch::Contains("after 3 attempts") && Catch::Contains("Bearer ***"));
            CHECK(std::string(e.message()).find(token) == std::string::npos);
        }
        REQUIRE(h.logged.size() == 2);
        for (const auto& line : h.logged) {
            CHECK_THAT(line, Catch::Contains("Bearer ***"));
            CHECK(line.find(token) == std::string::npos);
        }
    }
}

TEST_CASE("https: the certificate is verified", "[github]") {
    SECTION("trusted through ca_cert_file") {
        Harness h({.prefix = "/api/v3", .tls = true});
        h.options.ca_cert_file = h.server.certificate();
        h.rebuild();
        CHECK(must(create_issue_comment(*h.client, k_repo, 7, "over TLS")) > 0);
        CHECK(h.comments(7).size() == 1);
        h.require_all_valid();
    }
    SECTION("an unknown certificate fails at once") {
        Harness h({.tls = true});
        {
            GitHubError e = failure_of(get_pull_request(*h.client, k_repo, 7));
            CHECK(e.status() == 0);
            CHECK_THAT(e.message(), Catch::Contains("SSLServerVerification") && Catch::Contains("SSL_CERT_FILE"));
        }
        CHECK(h.waits.empty());
        CHECK(h.server.requests().empty());
    }
}
