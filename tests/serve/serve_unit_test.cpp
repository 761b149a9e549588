// The governance service's pure parts: OpenSSL's adapter (GitHub's own webhook test vector), the
// audit chain's canonical form and verification, governance.toml.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "serve/audit.hpp"
#include "serve/config.hpp"
#include "serve/crypto.hpp"

using namespace pgfence::serve;
using nlohmann::json;

TEST_CASE("webhook signatures: GitHub's documented test vector", "[serve]") {
    CHECK(hmac_sha256_hex("It's a Secret to Everybody", "Hello, World!") ==
          "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(constant_time_equal("sha256=ab", "sha256=ab"));
    CHECK_FALSE(constant_time_equal("sha256=ab", "sha256=ac"));
    CHECK_FALSE(constant_time_equal("sha256=ab", "sha256=abc"));
}

TEST_CASE("base64url without padding, as JWTs use it", "[serve]") {
    CHECK(base64url("") == "");
    CHECK(base64url("f") == "Zg");
    CHECK(base64url("fo") == "Zm8");
    CHECK(base64url("foo") == "Zm9v");
    CHECK(base64url("\xfb\xff") == "-_8");
}

TEST_CASE("random tokens are hex of the asked length and differ", "[serve]") {
    auto a = random_hex(24);
    auto b = random_hex(24);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->size() == 48);
    CHECK(*a != *b);
}

namespace {

std::vector<json> chain(int n, const std::string& repository = "octo/app") {
    std::vector<json> out;
    std::string prev = audit::k_genesis;
    for (int i = 1; i <= n; ++i) {
        json e = audit::make_event(repository, i, prev, "upload", "2026-11-23T09:00:00Z", "sha256:abc", 7, {{"n", i}});
        e["hash"] = audit::hash_of(e);
        prev = e["hash"];
        out.push_back(e);
    }
    return out;
}

}  // namespace

TEST_CASE("the audit chain: canonical form, and every kind of tampering is named", "[serve]") {
    json e = audit::make_event("octo/app", 1, audit::k_genesis, "upload", "2026-11-23T09:00:00Z", std::nullopt, std::nullopt, {});
    CHECK(audit::canonical(e) ==
          R"({"at":"2026-11-23T09:00:00Z","content_hash":null,"data":{},"prev":"0000000000000000000000000000000000000000000000000000000000000000","pull_request":null,"repository":"octo/app","seq":1,"type":"upload"})");
    json with_hash = e;
    with_hash["hash"] = "x";
    CHECK(audit::canonical(with_hash) == audit::canonical(e));

    auto good = chain(4);
    auto v = audit::verify(good);
    CHECK(v.chains == 1);
    CHECK(v.events == 4);
    CHECK_FALSE(v.problem);

    auto changed = good;
    changed[2]["data"]["n"] = 99;
    v = audit::verify(changed);
    REQUIRE(v.problem);
    CHECK(v.problem->seq == 3);
    CHECK(v.problem->what.find("does not match its content") != std::string::npos);

    auto removed = good;
    removed.erase(removed.begin() + 1);
    v = audit::verify(removed);
    REQUIRE(v.problem);
    CHECK(v.problem->seq == 2);
    CHECK(v.problem->what.find("missing") != std::string::npos);

    auto rehashed = good;  // a changed event given a fresh hash still breaks the next one's prev
    rehashed[1]["data"]["n"] = 42;
    rehashed[1]["hash"] = audit::hash_of(rehashed[1]);
    v = audit::verify(rehashed);
    REQUIRE(v.problem);
    CHECK(v.problem->seq == 3);

    auto swapped = good;
    std::swap(swapped[1], swapped[2]);
    v = audit::verify(swapped);
    REQUIRE(v.problem);
    CHECK(v.problem->seq == 2);

    auto two = chain(2, "octo/a");
    auto other = chain(3, "octo/b");
    two.insert(two.end(), other.begin(), other.end());
    v = audit::verify(two);
    CHECK_FALSE(v.problem);
    CHECK(v.chains == 2);
    CHECK(v.events == 5);
}

TEST_CASE("governance.toml: keys, errors with lines, secrets from the environment", "[serve]") {
    const std::string path = "serve_unit_config.toml";
    {
        std::ofstream f(path);
        f << "listen = \"0.0.0.0:9000\"\nwebhook_secret = \"file\"\napp_id = 12\n[policy]\nsignoff_at = \"critical\"\n";
    }
    unsetenv("PGFENCE_WEBHOOK_SECRET");
    auto c = load_config(path);
    REQUIRE(c);
    CHECK(c->host == "0.0.0.0");
    CHECK(c->port == 9000);
    CHECK(c->webhook_secret == "file");
    CHECK(c->app_id == "12");
    CHECK(c->policy_toml.find("signoff_at") != std::string::npos);
    setenv("PGFENCE_WEBHOOK_SECRET", "env", 1);
    c = load_config(path);
    REQUIRE(c);
    CHECK(c->webhook_secret == "env");
    unsetenv("PGFENCE_WEBHOOK_SECRET");
    {
        std::ofstream f(path);
        f << "listen = \"127.0.0.1:8080\"\nlisen = \"x\"\n";
    }
    c = load_config(path);
    REQUIRE_FALSE(c);
    CHECK(c.error().message.find(path + ":2: unknown key lisen") == 0);
    {
        std::ofstream f(path);
        f << "tls_cert = \"a.pem\"\n";
    }
    c = load_config(path);
    REQUIRE_FALSE(c);
    CHECK(c.error().message.find("tls_cert and tls_key go together") != std::string::npos);
    std::remove(path.c_str());
}
