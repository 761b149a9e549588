// The governance service's pure parts: OpenSSL's adapter (GitHub's own webhook test vector), the
// audit chain's canonical form and verification, governance.toml.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <tuple>
#include <vector>

#include <httplib.h>

#include "serve/audit.hpp"
#include "serve/body_limits.hpp"
#include "serve/binding.hpp"
#include "serve/config.hpp"
#include "serve/crypto.hpp"
#include "serve/github_app.hpp"
#include "serve/refused_jobs.hpp"
#include "serve/signoff_events.hpp"
#include "serve/signoff_order.hpp"
#include "serve/upload_target.hpp"

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

TEST_CASE("GitHub's answers a job gives up on at once, and the ones it retries", "[serve]") {
    auto answer = [](int status, bool rate_limited = false) {
        GitHubResponse r;
        r.status = status;
        r.rate_limited = rate_limited;
        return permanent_failure(r);
    };
    // A deleted pull request, a renamed repository, a request GitHub will never take.
    for (int status : {400, 404, 410, 422}) CHECK(answer(status));
    // A missing permission or a revoked installation, but not a rate limit.
    CHECK(answer(401));
    CHECK(answer(403));
    CHECK_FALSE(answer(403, true));
    CHECK_FALSE(answer(401, true));
    // Rate limits, timeouts, GitHub's own failures and no answer at all pass.
    for (int status : {0, 408, 429, 500, 502, 503, 504}) CHECK_FALSE(answer(status));
    GitHubResponse none;
    none.failure = "Could not establish connection";
    CHECK(describe(none) == "Could not establish connection");
    none.status = 404;
    CHECK(describe(none) == "HTTP 404");
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

// --- sign-off and exemptions (issue #20) --------------------------------------------------

#include "serve/commands.hpp"
#include "serve/signoff.hpp"

namespace {

pgfence::serve::Command command_of(std::string_view body) {
    auto parsed = parse_command(body);
    REQUIRE(parsed);
    REQUIRE(parsed->has_value());
    return **parsed;
}

std::string command_error(std::string_view body) {
    auto parsed = parse_command(body);
    REQUIRE_FALSE(parsed);
    return parsed.error().message;
}

}  // namespace

TEST_CASE("comment commands: other comments are not commands", "[serve][commands]") {
    for (std::string_view body : {"", "LGTM", "please /pgfence approve", "/pgfenceapprove", "> /pgfence approve\n",
                                  "Looks good.\n/pgfence approve"}) {
        auto parsed = parse_command(body);
        REQUIRE(parsed);
        CHECK_FALSE(parsed->has_value());
    }
}

TEST_CASE("comment commands: approve and revoke", "[serve][commands]") {
    auto plain = command_of("/pgfence approve");
    CHECK(plain.kind == CommandKind::Approve);
    CHECK(plain.reason.empty());
    auto reasoned = command_of("\n\r\n  /pgfence approve  checked on a copy of prod \r\nmore text");
    CHECK(reasoned.kind == CommandKind::Approve);
    CHECK(reasoned.reason == "checked on a copy of prod");
    CHECK(command_of("/pgfence\trevoke").kind == CommandKind::Revoke);
    CHECK(command_error("/pgfence revoke all") == "revoke takes nothing more");
    CHECK(command_error("/pgfence") == "a command is missing after /pgfence");
    CHECK(command_error("/pgfence aprove") == "unknown command 'aprove'");
    CHECK(command_error("/pgfence approve " + std::string(k_max_reason + 1, 'x')).find("longer than") != std::string::npos);
    CHECK_FALSE(plain.commit);
    CHECK_FALSE(reasoned.commit);
}

TEST_CASE("comment commands: approve a named head", "[serve][commands]") {
    auto named = command_of("/pgfence approve 0A1B2C3D looks fine");
    REQUIRE(named.commit);
    CHECK(*named.commit == "0a1b2c3d");
    CHECK(named.reason == "looks fine");
    auto full = command_of("/pgfence approve " + std::string(40, 'f'));
    CHECK(full.commit == std::string(40, 'f'));
    CHECK(full.reason.empty());
    // Not a sha: too short, too long, not hex, quoted (part of the reason).
    CHECK_FALSE(command_of("/pgfence approve abc123 ok").commit);
    CHECK_FALSE(command_of("/pgfence approve " + std::string(41, 'a')).commit);
    CHECK_FALSE(command_of("/pgfence approve 0a1b2c3g fine").commit);
    auto quoted = command_of("/pgfence approve \"0a1b2c3d\" fine");
    CHECK_FALSE(quoted.commit);
    CHECK(quoted.reason == "\"0a1b2c3d\" fine");
}

TEST_CASE("comment commands: exempt", "[serve][commands]") {
    auto e = command_of("/pgfence exempt create-index-without-concurrently at migrations/002_email.sql:3 "
                        "--reason \"table has 10 rows, \\\"tiny\\\"\" --until 2026-12-31");
    CHECK(e.kind == CommandKind::Exempt);
    CHECK(e.rule == "create-index-without-concurrently");
    CHECK(e.path == std::optional<std::string>("migrations/002_email.sql"));
    CHECK(e.line == std::optional<int>(3));
    CHECK(e.reason == "table has 10 rows, \"tiny\"");
    CHECK(e.until == "2026-12-31");
    // A date holds through that day, UTC.
    CHECK(utc_text(e.expires_at) == "2027-01-01T00:00:00Z");

    auto whole = command_of("/pgfence exempt drop-column --until=2026-11-23T12:30:00Z --reason=cleanup");
    CHECK_FALSE(whole.path);
    CHECK_FALSE(whole.line);
    CHECK(whole.reason == "cleanup");
    CHECK(utc_text(whole.expires_at) == "2026-11-23T12:30:00Z");

    auto file = command_of("/pgfence exempt drop-column at \"db/my file.sql\" --reason x --until 2026-12-01");
    CHECK(file.path == std::optional<std::string>("db/my file.sql"));
    CHECK_FALSE(file.line);

    CHECK(command_error("/pgfence exempt") == "exempt needs a rule id");
    CHECK(command_error("/pgfence exempt no-such-rule --reason x --until 2026-12-31") == "unknown rule id 'no-such-rule'");
    CHECK(command_error("/pgfence exempt drop-column --until 2026-12-31") == "exempt needs --reason \"...\"");
    CHECK(command_error("/pgfence exempt drop-column --reason \"\" --until 2026-12-31") == "exempt needs --reason \"...\"");
    CHECK(command_error("/pgfence exempt drop-column --reason x") == "exempt needs --until DATE");
    CHECK(command_error("/pgfence exempt drop-column --reason x --until 2026-02-30").rfind("--until must be a date", 0) == 0);
    CHECK(command_error("/pgfence exempt drop-column --reason x --until tomorrow").rfind("--until must be a date", 0) == 0);
    CHECK(command_error("/pgfence exempt drop-column --reason \"x --until 2026-12-31") == "a quotation mark is not closed");
    CHECK(command_error("/pgfence exempt drop-column at --reason x --until 2026-12-31") == "'at' needs FILE or FILE:LINE");
    CHECK(command_error("/pgfence exempt drop-column at a.sql:0 --reason x --until 2026-12-31") == "the line must be a number from 1");
    CHECK(command_error("/pgfence exempt drop-column --force --reason x --until 2026-12-31") == "unexpected '--force'");
}

TEST_CASE("sign-off: counted approvals lift action_required, never a failure", "[serve][signoff]") {
    using pgfence::governance::PolicySettings;
    PolicySettings settings;
    settings.approvers = {"@octo/dba", "alice"};
    settings.min_approvals = 1;
    auto decided_with = [](const char* conclusion) {
        Decided d;
        d.decision = {{"conclusion", conclusion}, {"summary", "1 new finding needs sign-off."}};
        d.title = "Sign-off needed: 1 finding";
        d.text = "items\n";
        return d;
    };
    const auto now = std::chrono::system_clock::now();
    SignoffFacts facts;
    facts.approvals = {{"alice", "review", "", ApprovalStatus::Counted},
                       {"mallory", "comment", "", ApprovalStatus::NotApprover},
                       {"bob", "comment", "", ApprovalStatus::Voided}};
    Decided d = decided_with("action_required");
    auto counted = apply_signoff(d, settings, facts, now);
    CHECK(counted == std::vector<std::string>{"alice"});
    CHECK(d.decision["conclusion"] == "success");
    CHECK(d.title == "Signed off by alice");
    CHECK(d.text.find("Signed off by alice.") != std::string::npos);
    CHECK(d.text.find("approval by bob (comment) voided: the migrations changed after it was given") != std::string::npos);
    CHECK(d.text.find("approval by mallory (comment) does not count") != std::string::npos);

    Decided failed = decided_with("failure");
    apply_signoff(failed, settings, facts, now);
    CHECK(failed.decision["conclusion"] == "failure");

    settings.min_approvals = 2;
    Decided short_one = decided_with("action_required");
    apply_signoff(short_one, settings, facts, now);
    CHECK(short_one.decision["conclusion"] == "action_required");
    CHECK(short_one.decision["summary"].get<std::string>().find("1 of 2 approvals so far") != std::string::npos);

    PolicySettings nobody;
    Decided none = decided_with("action_required");
    apply_signoff(none, nobody, facts, now);
    CHECK(none.decision["conclusion"] == "action_required");
    CHECK(none.text.find("No approvers are configured") != std::string::npos);
}

TEST_CASE("sign-off: hostile names and reasons are escaped, exemptions listed with their state", "[serve][signoff]") {
    pgfence::governance::PolicySettings settings;
    settings.approvers = {"alice"};
    const auto now = std::chrono::system_clock::now();
    SignoffFacts facts;
    pgfence::governance::Exemption active{"drop-column", std::string("db/<img src=x>.sql"), 3,
                                          "@here **now**\n# heading <script>", "alice", now + std::chrono::hours(1)};
    pgfence::governance::Exemption expired{"drop-column", std::nullopt, std::nullopt, "old", "alice", now - std::chrono::hours(1)};
    facts.exemptions = {active, expired};
    Decided d;
    d.decision = {{"conclusion", "success"}, {"summary", "ok"}};
    apply_signoff(d, settings, facts, now);
    CHECK(d.text.find("<script>") == std::string::npos);
    CHECK(d.text.find("&lt;script&gt;") != std::string::npos);
    CHECK(d.text.find("@here") == std::string::npos);  // the mention is broken
    CHECK(d.text.find("\\*\\*now\\*\\*") != std::string::npos);
    CHECK(d.text.find("\n# heading") == std::string::npos);
    CHECK(d.text.find("**expired, no longer counts**") != std::string::npos);
    CHECK(d.text.find("\xE2\x80\x94 active") != std::string::npos);
}

#include "serve/decide.hpp"

TEST_CASE("the service: only a suppression the upload shows on the base branch lifts the policy", "[serve][decide]") {
    auto policies = Policies::load("[policy]\ncritical_needs_exemption = true\n", "governance.toml");
    REQUIRE(policies);
    json hidden = {{"rule", "truncate-cascade"}, {"risk", "CRITICAL"}, {"start", {{"line", 3}, {"column", 1}}},
                   {"pre_existing", false}, {"relation", "users"}, {"message", "TRUNCATE users CASCADE"},
                   {"statement", 1}, {"suppression_line", 1}};
    auto upload = [&](std::optional<bool> on_base) {
        json h = hidden;
        if (on_base) h["suppression_on_base"] = *on_base;
        return json{{"repository", "octo/app"},
                    {"report", {{"files", json::array({{{"path", "migrations/002.sql"}, {"findings", json::array()},
                                                        {"suppressed", json::array({h})}}})}}}};
    };
    const std::string head(40, 'a');
    // Written by the pull request, or not vouched for (an upload without the field): the guardrail fails.
    for (std::optional<bool> on_base : {std::optional<bool>(false), std::optional<bool>()}) {
        auto d = policies->decide(upload(on_base), "octo/app", head, "https://github.com");
        REQUIRE(d);
        CHECK(d->decision["conclusion"] == "failure");
        REQUIRE(d->decision["ignored_suppressions"].size() == 1);
        CHECK(d->decision["ignored_suppressions"][0]["line"] == 1);
        CHECK(d->text.find("Ignored suppressions") != std::string::npos);
        CHECK(d->text.find("migrations/002.sql#L1") != std::string::npos);
    }
    auto base = policies->decide(upload(true), "octo/app", head, "https://github.com");
    REQUIRE(base);
    CHECK(base->decision["conclusion"] == "success");
    CHECK(base->decision["ignored_suppressions"].empty());
}

// Issue #32: an exemption is bound to what it covers; a rewrite of that, and only that, voids it.
TEST_CASE("exemption scope: bound to the statements it covers", "[serve][binding]") {
    auto statement = [](int start, int end, const std::string& sql) {
        return json{{"span", {{"start", {{"line", start}, {"column", 1}}}, {"end", {{"line", end}, {"column", 2}}}}},
                    {"sql", sql}};
    };
    auto envelope = [&](const std::string& first, const std::string& second, bool sql = true) {
        return json{{"content_hash", "sha256:" + first + second},
                    {"sql_included", sql},
                    {"report", {{"files", json::array({{{"path", "m/1.sql"}, {"sha256", sha256_hex(first + second)},
                                                        {"statements", json::array({statement(1, 2, first), statement(3, 3, second)})}}})}}}};
    };
    const json before = envelope("CREATE INDEX a ON t (x)", "DROP TABLE u");
    const json other = envelope("CREATE INDEX a ON t (x)", "DROP TABLE v");
    const json rewritten = envelope("CREATE INDEX a ON t (lower(x))", "DROP TABLE u");
    const std::string line = "m/1.sql";
    CHECK(exemption_scope(before, "r", line, 2) == exemption_scope(other, "r", line, 2));        // another statement changed
    CHECK(exemption_scope(before, "r", line, 2) != exemption_scope(rewritten, "r", line, 2));    // the covered one changed
    CHECK(exemption_scope(before, "r", line, std::nullopt) != exemption_scope(other, "r", line, std::nullopt));  // FILE: the file
    CHECK(exemption_scope(before, "r", std::nullopt, std::nullopt) != exemption_scope(other, "r", std::nullopt, std::nullopt));
    CHECK(exemption_scope(before, "r", std::string("m/2.sql"), 1) == exemption_scope(other, "r", std::string("m/2.sql"), 1));
    // Without the SQL, FILE:LINE falls back to the whole file.
    CHECK(exemption_scope(envelope("a", "b", false), "r", line, 1) != exemption_scope(envelope("a", "c", false), "r", line, 1));
    // The statement's context (the file before it, its transaction after it: context_sha256 of
    // pgfence pr's upload) is covered too: a SET search_path above it voids, the text alone does not.
    json context = before;
    context["report"]["files"][0]["statements"][1]["context_sha256"] = std::string(64, 'a');
    json moved = context;
    moved["report"]["files"][0]["statements"][1]["context_sha256"] = std::string(64, 'b');
    CHECK(exemption_scope(context, "r", line, 3) != exemption_scope(moved, "r", line, 3));
    CHECK(exemption_scope(context, "r", line, 1) == exemption_scope(moved, "r", line, 1));

    // A finding made inside a called function names the body's statement: a rewrite of the body
    // (elsewhere) changes what FILE:LINE, FILE and rule-wide cover; another rule's finding does not.
    auto with_finding = [&](const std::string& rule, const std::string& message) {
        json e = before;
        e["report"]["files"][0]["findings"] = json::array({{{"rule", rule}, {"message", message},
                                                            {"start", {{"line", 3}, {"column", 1}}},
                                                            {"end", {{"line", 3}, {"column", 9}}}}});
        return e;
    };
    const json body = with_finding("truncate-cascade", "inside cleanup(): TRUNCATE staging CASCADE ...");
    const json swapped = with_finding("truncate-cascade", "inside cleanup(): TRUNCATE users CASCADE ...");
    for (const std::optional<int>& at : {std::optional<int>(3), std::optional<int>()}) {
        CHECK(exemption_scope(body, "truncate-cascade", line, at) != exemption_scope(swapped, "truncate-cascade", line, at));
    }
    CHECK(exemption_scope(body, "truncate-cascade", std::nullopt, std::nullopt) !=
          exemption_scope(swapped, "truncate-cascade", std::nullopt, std::nullopt));
    CHECK(exemption_scope(body, "truncate-cascade", line, 2) == exemption_scope(swapped, "truncate-cascade", line, 2));
    CHECK(exemption_scope(with_finding("other", "a"), "truncate-cascade", line, 3) ==
          exemption_scope(with_finding("other", "b"), "truncate-cascade", line, 3));

    StoredExemption kept{"1", {"drop-table", line, 3, "r", "alice", {}}, exemption_scope(before, "drop-table", line, 3), false};
    StoredExemption changed{"2", {"require-concurrent-index", line, 1, "r", "alice", {}}, exemption_scope(before, "require-concurrent-index", line, 1), false};
    StoredExemption unbound{"3", {"x", std::nullopt, std::nullopt, "r", "alice", {}}, std::nullopt, false};
    StoredExemption gone{"4", {"y", std::nullopt, std::nullopt, "r", "alice", {}}, std::nullopt, true};
    // Granted before the upload of its head: pending (nothing) elsewhere, applying to that upload.
    json headed = rewritten;
    headed["head_sha"] = std::string(40, 'c');
    StoredExemption waiting{"5", {"z", line, 1, "r", "alice", {}}, std::nullopt, false, std::string(40, 'c')};
    StoredExemption never{"6", {"w", line, 1, "r", "alice", {}}, std::nullopt, false, std::string()};
    ExemptionSplit split = split_exemptions({kept, changed, unbound, gone, waiting, never}, rewritten);
    REQUIRE(split.applying.size() == 2);
    CHECK(split.applying[0].rule == "drop-table");
    CHECK(split.applying[1].rule == "x");
    CHECK(split.newly_voided == std::vector<std::string>{"2"});
    CHECK(split.voided.size() == 2);
    CHECK(split.pending.size() == 2);
    ExemptionSplit at_head = split_exemptions({waiting, never}, headed);
    REQUIRE(at_head.applying.size() == 1);
    CHECK(at_head.applying[0].rule == "z");
    CHECK(at_head.pending.size() == 1);
}

// --- integrity (issue #32) ---------------------------------------------------------------------

#include "governance/render.hpp"
#include "serve/github_app.hpp"

TEST_CASE("comment commands: odd dates are refused, never thrown", "[serve][commands]") {
    // Every --until that is not a real day or instant is one error line; none throws.
    for (std::string until : {"----------", "----------T00:00:00Z", "2026-02-31", "2026-02-29", "2026-13-01", "2026-00-10",
                              "2026-1-015", "+2026-1-01", " 2026-1-01", "2026-12-3\xC3\xA9", "0000-01-00", "9999-99-99",
                              "2026-02-31T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T23:60:00Z", "2026-11-23T23:59:60Z",
                              "2026-11-23T1:00:00Z", "2026-11-23 10:00:00Z", "2026-11-23T10:00:00", "2026-11-23T10:00:00+00:00",
                              "2026-11-23T10:00:00Zx", "--:--:----T--:--:--Z", "-1", "", "2026-11-23t10:00:00z"}) {
        INFO(until);
        std::string body = "/pgfence exempt drop-column --reason x --until \"" + until + "\"";
        auto parsed = parse_command(body);
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().message.rfind("--until must be a date", 0) == 0);
    }
    // Random runs of date-ish characters: an answer every time, a value or an error.
    std::uint32_t seed = 2026;
    const std::string alphabet = "0123456789-:TZ+ ";
    for (int i = 0; i < 20000; ++i) {
        std::string until;
        const int n = i % 2 == 0 ? 10 : 20;
        for (int k = 0; k < n; ++k) {
            seed = seed * 1664525u + 1013904223u;
            until += alphabet[(seed >> 16) % alphabet.size()];
        }
        auto parsed = parse_command("/pgfence exempt drop-column --reason x --until \"" + until + "\"");
        if (parsed) CHECK(utc_text((*parsed)->expires_at).size() == 20);
    }
    CHECK(utc_text(command_of("/pgfence exempt drop-column --reason x --until 2028-02-29").expires_at) == "2028-03-01T00:00:00Z");
}

TEST_CASE("parse_utc: exactly YYYY-MM-DDTHH:MM:SSZ naming a real instant", "[serve]") {
    REQUIRE(parse_utc("2026-11-23T09:00:00Z"));
    CHECK(utc_text(*parse_utc("2026-11-23T09:00:00Z")) == "2026-11-23T09:00:00Z");
    CHECK(utc_text(*parse_utc("2028-02-29T23:59:59Z")) == "2028-02-29T23:59:59Z");
    for (const char* bad : {"2026-02-31T00:00:00Z", "2026-04-31T00:00:00Z", "0000-01-01T00:00:00Z", "2026-11-23T24:00:00Z",
                            "2026-11-23T09:00:00", "2026-11-23T09:00:00.5Z", " 2026-11-23T09:00:00Z", "2026-11-23", ""}) {
        INFO(bad);
        CHECK_FALSE(parse_utc(bad));
    }
}

TEST_CASE("github_instant: a review's or comment's instant as withdrawn_since compares it", "[serve]") {
    const nlohmann::json payload = {{"review", {{"submitted_at", "2024-05-02T08:30:01Z"}}},
                                    {"comment", {{"created_at", "0999-05-02T08:30:01Z"}}},
                                    {"other", {{"created_at", 1714638601}}}};
    CHECK(github_instant(payload, {"review", "submitted_at"}) == std::optional<std::string>("2024-05-02T08:30:01Z"));
    CHECK_FALSE(github_instant(payload, {"comment", "created_at"}));  // outside the clock's range: not read back the same
    CHECK_FALSE(github_instant(payload, {"other", "created_at"}));
    CHECK_FALSE(github_instant(payload, {"review", "updated_at"}));
    CHECK(withdrawal_fields("2024-05-02T08:30:01Z", Withdraws::SignOffs) ==
          nlohmann::json({{"withdrawn_at", "2024-05-02T08:30:01Z"}, {"withdraws", "sign-offs"}}));
}

TEST_CASE("exported audit lines: only the exact form the service writes is read", "[serve]") {
    auto events = chain(2);
    std::string why;
    const std::string line = events[1].dump();
    auto read = audit::parse_exported(line, why);
    REQUIRE(read);
    CHECK(*read == events[1]);
    CHECK_FALSE(audit::verify({events[0], *read}).problem);

    // The signed data key given twice, the forged copy first: a reader that keeps the first sees
    // it, nlohmann keeps the last, whose hash holds. Refused whatever the order.
    const std::string data = "\"data\":" + events[1]["data"].dump();
    const std::string doubled = std::string(line).replace(line.find(data), data.size(), "\"data\":{\"n\":666}," + data);
    CHECK_FALSE(audit::parse_exported(doubled, why));
    CHECK(why == "the key \"data\" appears twice in one object");
    std::string nested = line;
    nested.replace(nested.find("{\"n\":2}"), 7, "{\"n\":2,\"n\":2}");
    CHECK_FALSE(audit::parse_exported(nested, why));
    CHECK(why == "the key \"n\" appears twice in one object");

    json unknown = events[1];
    unknown["signed_by"] = "ops";
    CHECK_FALSE(audit::parse_exported(unknown.dump(), why));
    CHECK(why == "unknown key \"signed_by\"");
    json missing = events[1];
    missing.erase("prev");
    CHECK_FALSE(audit::parse_exported(missing.dump(), why));
    json typed = events[1];
    typed["seq"] = "2";
    CHECK_FALSE(audit::parse_exported(typed.dump(), why));

    // The same event written another way: spaces, another key order, an escaped letter, 2.0.
    for (std::string other : {events[1].dump(1), line + " ", line + "\r",
                              "{\"type\":\"upload\"," + line.substr(1).replace(line.substr(1).find(",\"type\":\"upload\""), 16, ""),
                              std::string(line).replace(line.find("\"upload\""), 8, "\"\\u0075pload\""),
                              std::string(line).replace(line.find("\"seq\":2"), 7, "\"seq\":2.0")}) {
        INFO(other);
        CHECK_FALSE(audit::parse_exported(other, why));
    }
    CHECK_FALSE(audit::parse_exported("[1,2]", why));
    CHECK_FALSE(audit::parse_exported(std::string(100, '[') + std::string(100, ']'), why));
}

TEST_CASE("the check run's links go to the configured GitHub (GHES)", "[serve]") {
    pgfence::governance::Decision d;
    d.summary = "1 finding needs sign-off.";
    pgfence::governance::Item item;
    item.path = "./migrations/002_email.sql";
    item.line = 1;
    item.rule = "create-index-without-concurrently";
    item.risk = pgfence::analyze::Risk::High;
    item.message = "CREATE INDEX blocks writes";
    d.items.push_back(item);
    d.exempted.push_back({"migrations/003.sql", 2, "drop-column", pgfence::analyze::Risk::High, "ok", "alice"});
    const std::string head(40, 'b');
    const std::string text = pgfence::governance::to_markdown(d, "octo", "app", head, "https://ghe.example.com/");
    INFO(text);
    CHECK(text.find("](https://ghe.example.com/octo/app/blob/" + head + "/migrations/002_email.sql#L1)") != std::string::npos);
    CHECK(text.find("](https://ghe.example.com/octo/app/blob/" + head + "/migrations/003.sql#L2)") != std::string::npos);
    CHECK(text.find("https://github.com") == std::string::npos);
}

TEST_CASE("upload target headers: all three or none, each exactly its shape", "[serve][upload]") {
    const std::string head(40, 'a');
    auto of = [](std::string repository, std::string number, std::string sha, std::size_t count = 1) {
        return target_of_headers({repository, count}, {number, count}, {sha, count});
    };
    auto none = target_of_headers({}, {}, {});
    REQUIRE(none);
    CHECK_FALSE(none->has_value());
    auto named = of("Octo/App", "7", head);
    REQUIRE(named);
    REQUIRE(named->has_value());
    CHECK(**named == UploadTarget{"octo/app", 7, head});
    CHECK(of("octo/app", "2147483647", head));
    for (const auto& [repository, number, sha] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"octo", "7", head},                    // no name
             {"octo/app/x", "7", head},              // a path
             {"octo/..", "7", head},                 // a dot name
             {"octo/app\r\nX-A: b", "7", head},      // a header's line break
             {"octo/app", "0", head},                // not a pull request
             {"octo/app", "07", head},               // a leading zero
             {"octo/app", "+7", head},               // a sign
             {"octo/app", "2147483648", head},       // above GitHub's numbers
             {"octo/app", "7 ", head},               // a space
             {"octo/app", "7", std::string(40, 'A')},  // upper case
             {"octo/app", "7", std::string(39, 'a')},  // short
             {"octo/app", "7", std::string(40, 'g')},  // not hex
         }) {
        auto refused = of(repository, number, sha);
        CHECK_FALSE(refused);
        if (!refused) CHECK(refused.error().message.find(sha) == std::string::npos);  // named, never quoted
    }
    CHECK_FALSE(of("octo/app", "7", head, 2));  // repeated
    auto partial = target_of_headers({"octo/app", 1}, {}, {head, 1});
    REQUIRE_FALSE(partial);
    CHECK(partial.error().message.find("go together") != std::string::npos);
}

TEST_CASE("the Pgfence-Job header: none, or once and exactly --name's shape", "[serve][upload]") {
    auto none = job_of_header({});
    REQUIRE(none);
    CHECK_FALSE(none->has_value());
    auto named = job_of_header({"api-v2_x.1", 1});
    REQUIRE(named);
    REQUIRE(named->has_value());
    CHECK(**named == "api-v2_x.1");
    CHECK(job_of_header({std::string(64, 'j'), 1}));
    for (const std::string& bad : {std::string(), std::string(65, 'j'), std::string("api\nX-A: b"), std::string("a b"),
                                   std::string("api/web"), std::string("caf\xc3\xa9")}) {
        auto refused = job_of_header({bad, 1});
        CHECK_FALSE(refused);
        if (!refused && !bad.empty()) CHECK(refused.error().message.find(bad) == std::string::npos);  // named, never quoted
    }
    CHECK_FALSE(job_of_header({"api", 2}));  // repeated
}

TEST_CASE("a refused upload's job: the envelope's when it is one, else the header's", "[serve][upload]") {
    CHECK(refused_job_of(nlohmann::json{{"job", "api"}}, "web") == "api");
    CHECK(refused_job_of(nlohmann::json{{"job", "api\n"}}, "web") == "web");
    CHECK(refused_job_of(nlohmann::json{{"job", 7}}, "") == "");
    CHECK(refused_job_of(nlohmann::json::array(), "web") == "web");
    CHECK(refused_job_of(nlohmann::json::object(), "") == "");
    const HeadDecision d = refused_decision(7, "api", "a file path of the report has a control character");
    CHECK(d.conclusion == "failure");
    CHECK(d.job == "api");
    CHECK(d.summary.find("job `api`") != std::string::npos);
    CHECK(d.summary.find("control character") != std::string::npos);
    CHECK(refused_decision(7, "", "x").summary.find("job") == std::string::npos);
}

TEST_CASE("an oversize upload's reason names its size, the limit and what to do", "[serve][upload]") {
    UploadBody exact;
    exact.read = UploadBody::Read::too_large;
    exact.size = 2100002;
    CHECK(oversize_reason(exact, 2000000).find("the report (2100002 bytes) is larger than the service's max_upload_bytes (2000000)") != std::string::npos);
    CHECK(oversize_reason(exact, 2000000).find("split the pull request") != std::string::npos);
    UploadBody stopped = exact;
    stopped.size_exact = false;
    CHECK(oversize_reason(stopped, 2000000).find("the report (more than 2000000 bytes) is larger") != std::string::npos);
}

TEST_CASE("request bodies: refused from their headers before any byte is read", "[serve]") {
    auto request = [](const std::string& method, const std::string& path,
                      std::vector<std::pair<std::string, std::string>> headers) {
        httplib::Request req;
        req.method = method;
        req.path = path;
        for (auto& [name, value] : headers) req.headers.emplace(name, value);
        return req;
    };
    auto status = [](const httplib::Request& req) {
        auto refused = refuse_before_body(req);
        return refused ? refused->status : 0;
    };
    // Any compressed body, on any route: nothing is inflated.
    CHECK(status(request("POST", "/v1/github/webhook", {{"Content-Encoding", "gzip"}, {"Content-Length", "10"}})) == 415);
    CHECK(status(request("POST", "/v1/analyses", {{"Content-Encoding", "deflate"}})) == 415);
    CHECK(status(request("POST", "/login", {{"Content-Encoding", " BR"}, {"Content-Length", "3"}})) == 415);
    CHECK(status(request("GET", "/", {{"Content-Encoding", "identity"}, {"Content-Encoding", "gzip"}})) == 415);
    CHECK(status(request("POST", "/v1/analyses", {{"Content-Encoding", "Identity"}})) == 0);
    // The two routes that read their own body with a limit: chunked or any length goes to them.
    CHECK(status(request("POST", "/v1/github/webhook", {{"Transfer-Encoding", "chunked"}})) == 0);
    CHECK(status(request("POST", "/v1/analyses", {{"Content-Length", "999999999999"}})) == 0);
    // Others: one Content-Length of at most 64 KiB.
    CHECK(status(request("POST", "/logout", {{"Content-Length", "0"}})) == 0);
    CHECK(status(request("POST", "/logout", {{"Content-Length", "65536"}})) == 0);
    CHECK(status(request("POST", "/logout", {{"Content-Length", "65537"}})) == 413);
    CHECK(status(request("POST", "/logout", {{"Transfer-Encoding", "chunked"}})) == 411);
    CHECK(status(request("POST", "/logout", {})) == 411);
    CHECK(status(request("PUT", "/v1/analyses", {{"Content-Length", "1"}, {"Content-Length", "1"}})) == 411);
    CHECK(status(request("DELETE", "/x", {{"Content-Length", "-1"}})) == 400);
    CHECK(status(request("POST", "/x", {{"Content-Length", "99999999999999999999999"}})) == 400);
    // No body read for these methods.
    CHECK(status(request("GET", "/healthz", {})) == 0);
    CHECK(status(request("GET", "/v1/audit", {{"Transfer-Encoding", "chunked"}})) == 0);
}

namespace {

std::vector<json> events_of(const std::vector<std::pair<std::string, json>>& typed) {
    std::vector<json> out;
    std::string prev = audit::k_genesis;
    std::int64_t seq = 0;
    for (const auto& [type, data] : typed) {
        json e = audit::make_event("octo/app", ++seq, prev, type, "2026-11-23T09:00:00Z", "sha256:abc", 7, data);
        e["hash"] = audit::hash_of(e);
        prev = e["hash"];
        out.push_back(e);
    }
    return out;
}

}  // namespace

TEST_CASE("audit verify: a check's signers and exemptions must be in the chain before it (R86 F9)", "[serve]") {
    const json signed_check = {{"signed_off_by", {"alice"}}, {"exemptions_active", 0}};
    auto v = audit::verify(events_of({{"upload", json::object()}, {"approval", {{"login", "alice"}}}, {"check", signed_check}}));
    CHECK_FALSE(v.problem);
    v = audit::verify(events_of({{"upload", json::object()}, {"check", signed_check}}));
    REQUIRE(v.problem);
    CHECK(v.problem->seq == 2);
    CHECK(v.problem->what.find("\"alice\" as a signer") != std::string::npos);
    // Another login's approval, or alice's on another pull request, backs nothing.
    v = audit::verify(events_of({{"approval", {{"login", "bob"}}}, {"check", signed_check}}));
    CHECK(v.problem);
    v = audit::verify(events_of({{"check", {{"signed_off_by", json::array()}, {"exemptions_active", 1}}}}));
    REQUIRE(v.problem);
    CHECK(v.problem->what.find("1 active exemptions") != std::string::npos);
    v = audit::verify(events_of({{"exemption", {{"exemption_id", 3}}}, {"check", {{"signed_off_by", json::array()}, {"exemptions_active", 1}}}}));
    CHECK_FALSE(v.problem);
}

TEST_CASE("audit verify: a signer revoked, or an exemption withdrawn, voided or expired, before the check fails it (R86b F6)", "[serve]") {
    const json signed_check = {{"signed_off_by", {"alice"}}, {"exemptions_active", 0}};
    auto v = audit::verify(events_of({{"approval", {{"login", "alice"}}}, {"approval_revoked", {{"login", "alice"}}}, {"check", signed_check}}));
    REQUIRE(v.problem);
    CHECK(v.problem->seq == 3);
    CHECK(v.problem->what.find("approval_revoked") != std::string::npos);
    // Approved again after the revocation: counts. Another login's revocation changes nothing.
    v = audit::verify(events_of({{"approval", {{"login", "alice"}}}, {"approval_revoked", {{"login", "alice"}}},
                                 {"approval", {{"login", "alice"}}}, {"check", signed_check}}));
    CHECK_FALSE(v.problem);
    v = audit::verify(events_of({{"approval", {{"login", "alice"}}}, {"approval_revoked", {{"login", "bob"}}}, {"check", signed_check}}));
    CHECK_FALSE(v.problem);
    // A check that read the store before the revocation (read_at_seq) named alice rightly.
    json read_before = signed_check;
    read_before["read_at_seq"] = 1;
    v = audit::verify(events_of({{"approval", {{"login", "alice"}}}, {"approval_revoked", {{"login", "alice"}}}, {"check", read_before}}));
    CHECK_FALSE(v.problem);
    // ... but a read_at_seq before the approval does not make it count.
    read_before["read_at_seq"] = 0;
    v = audit::verify(events_of({{"approval", {{"login", "alice"}}}, {"check", read_before}}));
    CHECK(v.problem);

    const json one_active = {{"signed_off_by", json::array()}, {"exemptions_active", 1}};
    const json granted = {{"exemption_id", 3}, {"expires_at", "2026-12-01T00:00:00Z"}};
    v = audit::verify(events_of({{"exemption", granted}, {"check", one_active}}));
    CHECK_FALSE(v.problem);
    for (const char* end : {"exemption_withdrawn", "exemption_voided"}) {
        v = audit::verify(events_of({{"exemption", granted}, {end, {{"exemption_id", 3}}}, {"check", one_active}}));
        REQUIRE(v.problem);
        CHECK(v.problem->seq == 3);
    }
    v = audit::verify(events_of({{"exemption", granted}, {"exemption_withdrawn", {{"exemption_id", 4}}}, {"check", one_active}}));
    CHECK_FALSE(v.problem);
    // Expired before the check (events_of's checks are at 2026-11-23T09:00:00Z).
    v = audit::verify(events_of({{"exemption", {{"exemption_id", 3}, {"expires_at", "2026-11-22T00:00:00Z"}}}, {"check", one_active}}));
    CHECK(v.problem);
    v = audit::verify(events_of({{"exemption", {{"exemption_id", 3}, {"expires_at", "2026-11-23T08:55:00Z"}}}, {"check", one_active}}));
    CHECK_FALSE(v.problem);  // within the grace of a check posted across its expiry
}

TEST_CASE("exemption terms: expiry, scope and commit are the event's; a withdrawal or void in the chain stands (R86b F6)", "[serve][binding]") {
    const json grant = {{"type", "exemption"}, {"pull_request", 7}, {"seq", 4},
                        {"data", {{"exemption_id", 3}, {"expires_at", "2026-12-01T00:00:00Z"}, {"statements_sha256", "s1"}, {"head_sha", "h1"}}}};
    auto t = exemption_terms(grant, json::array());
    REQUIRE(t);
    CHECK(pgfence::governance::utc_text(t->expires_at) == "2026-12-01T00:00:00Z");
    CHECK(t->scope == std::optional<std::string>("s1"));
    CHECK(t->commit_sha == "h1");
    CHECK_FALSE(t->withdrawn);
    CHECK_FALSE(t->voided);
    const json withdrawn = {{"type", "exemption_withdrawn"}, {"pull_request", 7}, {"data", {{"exemption_id", 3}}}};
    const json voided = {{"type", "exemption_voided"}, {"pull_request", 7}, {"data", {{"exemption_id", 3}}}};
    const json other = {{"type", "exemption_withdrawn"}, {"pull_request", 7}, {"data", {{"exemption_id", 4}}}};
    CHECK(exemption_terms(grant, json::array({withdrawn}))->withdrawn);
    CHECK(exemption_terms(grant, json::array({voided}))->voided);
    CHECK_FALSE(exemption_terms(grant, json::array({other}))->withdrawn);
    json pending = grant;
    pending["data"]["statements_sha256"] = nullptr;
    CHECK_FALSE(exemption_terms(pending, json::array())->scope);
    const json bound = {{"type", "exemption_bound"}, {"pull_request", 7}, {"data", {{"exemption_id", 3}, {"statements_sha256", "s2"}}}};
    CHECK(exemption_terms(pending, json::array({bound}))->scope == std::optional<std::string>("s2"));
    CHECK(exemption_terms(grant, json::array({bound}))->scope == std::optional<std::string>("s1"));  // bound once, at grant
    json no_expiry = grant;
    no_expiry["data"].erase("expires_at");
    CHECK_FALSE(exemption_terms(no_expiry, json::array()));
}

TEST_CASE("sign-off rows: counted only when the audit event that granted them says the same (R86 F9)", "[serve][binding]") {
    const json review = {{"type", "approval"}, {"pull_request", 7},
                         {"data", {{"login", "alice"}, {"source", "review"}, {"review_id", 11}, {"commit_id", "c1"}}}};
    ApprovalFacts row{7, "alice", "review", "c1", 11, std::nullopt};
    CHECK(approval_backed(row, review));
    CHECK_FALSE(approval_backed(row, json(nullptr)));  // no event
    ApprovalFacts other = row;
    other.commit_sha = "c2";  // the event approved another commit
    CHECK_FALSE(approval_backed(other, review));
    other = row;
    other.review_id = 12;
    CHECK_FALSE(approval_backed(other, review));
    other = row;
    other.pull_request = 8;
    CHECK_FALSE(approval_backed(other, review));
    json exemption_event = review;
    exemption_event["type"] = "exemption";
    CHECK_FALSE(approval_backed(row, exemption_event));
    const json by_comment = {{"type", "approval"}, {"pull_request", 7},
                             {"data", {{"login", "alice"}, {"comment_id", 5}, {"head_sha", "c1"}}}};
    CHECK(approval_backed(ApprovalFacts{7, "alice", "comment", "c1", std::nullopt, 5}, by_comment));
    CHECK_FALSE(approval_backed(ApprovalFacts{7, "mallory", "comment", "c1", std::nullopt, 5}, by_comment));

    const json granted = {{"type", "exemption"}, {"pull_request", 7},
                          {"data", {{"login", "alice"}, {"exemption_id", 3}, {"rule", "drop-column"}, {"path", "m/1.sql"}, {"line", nullptr}}}};
    ExemptionFacts ex{7, "3", "drop-column", "alice", std::string("m/1.sql"), std::nullopt};
    CHECK(exemption_backed(ex, granted));
    ExemptionFacts wider = ex;
    wider.path.reset();  // rule-wide: not what was granted
    CHECK_FALSE(exemption_backed(wider, granted));
    ExemptionFacts other_rule = ex;
    other_rule.rule = "*";
    CHECK_FALSE(exemption_backed(other_rule, granted));
}

TEST_CASE("binding: an unknown's approval and exemption bind to the base too, a seen item's do not (R86 F2)", "[serve][binding]") {
    const json report = {{"files", json::array({{{"path", "m/1.sql"}, {"sha256", "f"}, {"statements", json::array()}}})}};
    const json on_old = {{"head_sha", "h"}, {"head_tree", std::string(40, 'a')}, {"base_sha", std::string(40, '1')}, {"report", report}};
    json on_new = on_old;
    on_new["base_sha"] = std::string(40, '2');
    const json unknown = {{"kind", "signoff"}, {"path", "m/1.sql"}, {"line", 1}, {"rule", "unknown-statement"}, {"message", "m"}};
    const json seen = {{"kind", "signoff"}, {"path", "m/1.sql"}, {"line", 1}, {"rule", "drop-column"}, {"message", "m"}};
    CHECK(signoff_item_identity(unknown, on_old) != signoff_item_identity(unknown, on_new));
    CHECK(signoff_item_identity(seen, on_old) == signoff_item_identity(seen, on_new));
    const std::optional<std::string> file = "m/1.sql";
    CHECK(exemption_scope(on_old, "unknown-statement", file, std::nullopt) != exemption_scope(on_new, "unknown-statement", file, std::nullopt));
    CHECK(exemption_scope(on_old, "drop-column", file, std::nullopt) == exemption_scope(on_new, "drop-column", file, std::nullopt));
}
