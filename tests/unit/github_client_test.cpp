// The GitHub client's pieces that need no server: redaction, Link parsing, retry decisions,
// the environment, SARIF encoding, and what happens when nothing listens at all. The client
// against a real HTTP server (the schema-checking test double) is tests/github/.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <zlib.h>

#include "bot/github_api.hpp"
#include "bot/github_client.hpp"
#include "tests/github/result_checks.hpp"

using namespace pgfence::bot::github;
using namespace std::chrono;

using namespace pgfence::bot::github::testing;

namespace {

Response answer(int status, std::map<std::string, std::string> headers = {}) {
    return Response{status, "{}", std::move(headers)};
}

std::string from_base64(const std::string& text) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        return c == '+' ? 62 : 63;
    };
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        if (c == '=') break;
        buffer = (buffer << 6) | value(c);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xff);
        }
    }
    return out;
}

std::string gunzip(const std::string& packed) {
    z_stream s{};
    REQUIRE(inflateInit2(&s, 15 + 16) == Z_OK);
    std::string out(1 << 20, '\0');
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
    s.avail_in = static_cast<uInt>(packed.size());
    s.next_out = reinterpret_cast<Bytef*>(out.data());
    s.avail_out = static_cast<uInt>(out.size());
    int rc = inflate(&s, Z_FINISH);
    out.resize(s.total_out);
    inflateEnd(&s);
    REQUIRE(rc == Z_STREAM_END);
    return out;
}

struct EnvVar {
    std::string name;
    std::optional<std::string> old;
    EnvVar(std::string n, const char* value) : name(std::move(n)) {
        if (const char* v = std::getenv(name.c_str())) old = v;
        if (value) ::setenv(name.c_str(), value, 1);
        else ::unsetenv(name.c_str());
    }
    ~EnvVar() {
        if (old) ::setenv(name.c_str(), old->c_str(), 1);
        else ::unsetenv(name.c_str());
    }
};

}  // namespace

TEST_CASE("redact removes every copy of the token", "[github]") {
    CHECK(redact("Bearer ghs_abc and ghs_abc again", "ghs_abc") == "Bearer *** and *** again");
    CHECK(redact("nothing here", "ghs_abc") == "nothing here");
    CHECK(redact("an empty secret changes nothing", "") == "an empty secret changes nothing");
    CHECK(redact("aaaa", "aa") == "******");
}

TEST_CASE("next_link finds rel=next among GitHub's Link entries", "[github]") {
    const std::string header =
        "<https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=1>; rel=\"prev\", "
        "<https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=3>; rel=\"next\", "
        "<https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=5>; rel=\"last\"";
    CHECK(next_link(header) == "https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=3");
    CHECK_FALSE(next_link("<https://x/y?page=1>; rel=\"prev\", <https://x/y?page=1>; rel=\"first\""));
    CHECK_FALSE(next_link(""));
    CHECK(next_link("<https://x/a?page=2>; rel=next") == "https://x/a?page=2");
    CHECK(next_link("<https://x/a?page=2>; title=\"n\"; rel=\"last next\"") == "https://x/a?page=2");
}

TEST_CASE("split_url keeps a GHES path prefix and normalises default ports", "[github]") {
    auto ghes = split_url("https://GHE.example.com:443/api/v3");
    REQUIRE(ghes);
    CHECK(ghes->origin == "https://ghe.example.com");
    CHECK(ghes->path == "/api/v3");
    auto local = split_url("http://127.0.0.1:8080/repos/o/r?page=2");
    REQUIRE(local);
    CHECK(local->origin == "http://127.0.0.1:8080");
    CHECK(local->path == "/repos/o/r?page=2");
    CHECK_FALSE(split_url("ftp://example.com"));
    CHECK_FALSE(split_url("api.github.com"));
    CHECK_FALSE(split_url("https://user:pw@example.com/"));
}

TEST_CASE("retry_advice follows GitHub's rate-limit headers", "[github]") {
    ClientOptions options;
    options.first_backoff = milliseconds(100);
    options.max_wait = seconds(60);
    const auto now = system_clock::time_point(seconds(1'700'000'000));

    SECTION("5xx: exponential backoff from first_backoff, capped") {
        CHECK(retry_advice(answer(502), 1, options, now)->wait == milliseconds(100));
        CHECK(retry_advice(answer(500), 3, options, now)->wait == milliseconds(400));
        CHECK_FALSE(retry_advice(answer(503), 2, options, now)->demanded_by_server);
        CHECK(retry_advice(answer(502), 30, options, now)->wait == seconds(60));
    }
    SECTION("Retry-After is obeyed on 429 and 403") {
        auto a = retry_advice(answer(429, {{"retry-after", "7"}}), 1, options, now);
        REQUIRE(a);
        CHECK(a->wait == seconds(7));
        CHECK(a->demanded_by_server);
        CHECK(retry_advice(answer(403, {{"retry-after", "3"}}), 1, options, now)->wait == seconds(3));
    }
    SECTION("403 with the primary limit exhausted waits until x-ratelimit-reset") {
        auto a = retry_advice(answer(403, {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "1700000042"}}), 1,
                              options, now);
        REQUIRE(a);
        CHECK(a->wait == seconds(42));
        CHECK(a->demanded_by_server);
    }
    SECTION("a 429 without advice waits a minute, within max_wait") {
        options.max_wait = seconds(5);
        CHECK(retry_advice(answer(429), 1, options, now)->wait == seconds(5));
    }
    SECTION("other client errors are final") {
        CHECK_FALSE(retry_advice(answer(401), 1, options, now));
        CHECK_FALSE(retry_advice(answer(404), 1, options, now));
        CHECK_FALSE(retry_advice(answer(422), 1, options, now));
        CHECK_FALSE(retry_advice(answer(403, {{"x-ratelimit-remaining", "4999"}}), 1, options, now));
    }
}

TEST_CASE("options_from_env: input token first, then GITHUB_TOKEN; GITHUB_API_URL", "[github]") {
    EnvVar url("GITHUB_API_URL", "https://ghe.example.com/api/v3");
    EnvVar token("GITHUB_TOKEN", "from-env\n");
    CHECK(options_from_env(std::nullopt).token == "from-env");
    CHECK(options_from_env(std::string("  from-input\n")).token == "from-input");
    CHECK(options_from_env(std::string("")).token == "from-env");
    CHECK(options_from_env(std::nullopt).api_url == "https://ghe.example.com/api/v3");
    EnvVar no_url("GITHUB_API_URL", nullptr);
    CHECK(options_from_env(std::nullopt).api_url == "https://api.github.com");
}

TEST_CASE("gzip_base64 round-trips through gunzip", "[github]") {
    std::string sarif = R"({"version":"2.1.0","runs":[]})";
    for (int i = 0; i < 200; ++i) sarif += " ";
    std::string encoded = must(gzip_base64(sarif));
    CHECK(encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") == std::string::npos);
    CHECK(encoded.size() % 4 == 0);
    std::string packed = from_base64(encoded);
    REQUIRE(packed.size() > 2);
    CHECK(static_cast<unsigned char>(packed[0]) == 0x1f);
    CHECK(static_cast<unsigned char>(packed[1]) == 0x8b);
    CHECK(gunzip(packed) == sarif);
}

TEST_CASE("parse_repo wants owner/name", "[github]") {
    CHECK(must(parse_repo("octo-org/my.repo_1")).name == "my.repo_1");
    CHECK_FALSE(parse_repo("octo-org").has_value());
    CHECK_FALSE(parse_repo("a/b/c").has_value());
    CHECK_FALSE(parse_repo("a/..").has_value());
    CHECK_FALSE(parse_repo("/b").has_value());
}

TEST_CASE("a bad API URL is a clear error", "[github]") {
    ClientOptions options;
    options.api_url = "ghe.example.com/api/v3";
    options.token = "ghs_secret";
    CHECK_THAT(failure_of(Client::create(options)).message(), Catch::Contains("not an http:// or https:// URL"));
}

TEST_CASE("an API URL with credentials, a query or a fragment is refused without quoting it", "[github]") {
    for (std::string url : {"https://user:hunter2@ghe.example.com/api/v3", "https://ghe.example.com/api/v3?token=hunter2",
                            "https://ghe.example.com/api/v3#hunter2", "ftp://ghe.example.com/hunter2"}) {
        INFO(url);
        ClientOptions options;
        options.api_url = url;
        options.token = "ghs_secret";
        auto problem = api_url_problem(url);
        REQUIRE(problem);
        CHECK_THAT(*problem, !Catch::Contains("hunter2"));
        {
            GitHubError e = failure_of(Client::create(options));
            CHECK_THAT(std::string(e.message()), Catch::StartsWith("GITHUB_API_URL ") && !Catch::Contains("hunter2"));
        }
    }
    CHECK_FALSE(api_url_problem("https://ghe.example.com:8443/api/v3"));
    CHECK_FALSE(api_url_problem("http://127.0.0.1:1234"));
}

TEST_CASE("nothing listening: retried, then one error line without the token", "[github]") {
    ClientOptions options;
    options.api_url = "http://127.0.0.1:1";  // port 1: connection refused
    options.token = "ghs_unit_secret_token";
    options.max_attempts = 3;
    options.first_backoff = milliseconds(10);
    std::vector<milliseconds> waits;
    std::vector<std::string> logged;
    options.sleep = [&](milliseconds m) { waits.push_back(m); };
    options.log = [&](const std::string& line) { logged.push_back(line); };
    auto client = must(Client::create(options));
    {
        GitHubError e = failure_of(client->request("GET", "/repos/o/r/pulls/1", nullptr));
        std::string text = e.message();
        CHECK(e.status() == 0);
        CHECK_FALSE(e.maybe_applied());
        CHECK(text.find("GET /repos/o/r/pulls/1") != std::string::npos);
        CHECK(text.find("after 3 attempts") != std::string::npos);
        CHECK(text.find('\n') == std::string::npos);
        CHECK(text.find("ghs_unit_secret_token") == std::string::npos);
    }
    CHECK(waits == std::vector<milliseconds>{milliseconds(10), milliseconds(20)});
    CHECK(logged.size() == 2);
    for (const auto& line : logged) CHECK(line.find("ghs_unit_secret_token") == std::string::npos);
}

TEST_CASE("a Link to another host is never followed with the token", "[github]") {
    ClientOptions options;
    options.api_url = "http://127.0.0.1:1/api/v3";
    options.token = "ghs_unit_secret_token";
    auto client = must(Client::create(options));
    CHECK_THAT(failure_of(client->request("GET", "http://evil.example/api/v3/x", nullptr)).message(),
                      Catch::Contains("refusing to send the token"));
}
