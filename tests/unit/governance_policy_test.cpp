// The governance policy file: defaults, per-repository overrides, and one error line per mistake.
#include <catch2/catch.hpp>

#include <toml++/toml.h>

#include "governance/policy.hpp"
#include "governance/policy_toml.hpp"

using namespace pgfence;
using governance::parse_policy;
using Risk = analyze::Risk;

namespace {

// The error's "file:line:column: message", or "" when the text parsed.
std::string error_of(const std::string& text) {
    auto policy = parse_policy(text, "gov.toml");
    return policy ? std::string() : policy.error().describe();
}

}  // namespace

TEST_CASE("an empty policy file holds the documented defaults", "[governance]") {
    auto policy = parse_policy("", "gov.toml");
    REQUIRE(policy);
    const auto& s = policy->settings;
    CHECK(s.signoff_at == Risk::High);
    CHECK(s.unknown_needs_signoff);
    CHECK_FALSE(s.require_lock_timeout);
    CHECK(s.critical_needs_exemption);
    CHECK(s.concurrently_above_bytes == 0);
    CHECK_FALSE(s.exemptable.has_value());
    // The default exemptable: every rule, but no CRITICAL finding.
    CHECK(s.may_exempt("create-index-without-concurrently", Risk::High));
    CHECK_FALSE(s.may_exempt("create-index-without-concurrently", Risk::Critical));
    CHECK(policy->source == "gov.toml");
}

TEST_CASE("every key of [policy] is read", "[governance]") {
    auto policy = parse_policy(R"(
[policy]
signoff_at = "medium"
unknown_needs_signoff = false
require_lock_timeout = true
critical_needs_exemption = false
concurrently_above_bytes = 1048576
exemptable = ["drop-column", "lock-timeout-missing"]
)", "gov.toml");
    REQUIRE(policy);
    const auto& s = policy->settings;
    CHECK(s.signoff_at == Risk::Medium);
    CHECK_FALSE(s.unknown_needs_signoff);
    CHECK(s.require_lock_timeout);
    CHECK_FALSE(s.critical_needs_exemption);
    CHECK(s.concurrently_above_bytes == 1048576);
    REQUIRE(s.exemptable);
    CHECK(*s.exemptable == std::vector<std::string>{"drop-column", "lock-timeout-missing"});
    CHECK(s.may_exempt("drop-column", Risk::Critical));  // named: CRITICAL findings too
    CHECK_FALSE(s.may_exempt("create-index-without-concurrently", Risk::Low));
}

TEST_CASE("signoff_at takes never and any case; sizes take units", "[governance]") {
    auto never = parse_policy("[policy]\nsignoff_at = \"never\"\n", "gov.toml");
    REQUIRE(never);
    CHECK_FALSE(never->settings.signoff_at.has_value());
    auto upper = parse_policy("[policy]\nsignoff_at = \"CRITICAL\"\nconcurrently_above_bytes = \"10GB\"\n", "gov.toml");
    REQUIRE(upper);
    CHECK(upper->settings.signoff_at == Risk::Critical);
    CHECK(upper->settings.concurrently_above_bytes == 10ull * 1024 * 1024 * 1024);
    auto star = parse_policy("[policy]\nexemptable = [\"*\"]\n", "gov.toml");
    REQUIRE(star);
    CHECK(star->settings.may_exempt("drop-table", Risk::Critical));
}

TEST_CASE("a repository's table overrides the keys it names and inherits the others", "[governance]") {
    auto policy = parse_policy(R"(
[repositories."octo/app"]
signoff_at = "critical"

[policy]
require_lock_timeout = true
signoff_at = "medium"

[repositories."Octo/Legacy"]
require_lock_timeout = false
)", "gov.toml");
    REQUIRE(policy);
    const auto& app = policy->for_repository("octo/app");
    CHECK(app.signoff_at == Risk::Critical);
    CHECK(app.require_lock_timeout);  // from [policy], though the table came first
    const auto& legacy = policy->for_repository("octo/legacy");  // names compare in any case
    CHECK(legacy.signoff_at == Risk::Medium);
    CHECK_FALSE(legacy.require_lock_timeout);
    const auto& other = policy->for_repository("octo/other");
    CHECK(other.signoff_at == Risk::Medium);
    CHECK(other.require_lock_timeout);
    CHECK(policy->for_repository("").signoff_at == Risk::Medium);
}

TEST_CASE("each mistake in a policy file is one error naming the file and line", "[governance]") {
    CHECK(error_of("[policy]\nsignof_at = \"high\"\n") ==
          "gov.toml:2:1: unknown key policy.signof_at (expected signoff_at, unknown_needs_signoff, require_lock_timeout, "
          "critical_needs_exemption, concurrently_above_bytes, exemptable, approvers, min_approvals, author_may_approve, exemption_granters, "
          "max_exemption_days)");
    CHECK(error_of("[policy]\nsignoff_at = \"severe\"\n") ==
          "gov.toml:2:14: policy.signoff_at must be one of low, medium, high, critical, never");
    CHECK(error_of("[policy]\nsignoff_at = 3\n") == "gov.toml:2:14: policy.signoff_at must be one of low, medium, high, critical, never");
    CHECK(error_of("[policy]\nsignoff_at = \"none\"\n") == "gov.toml:2:14: policy.signoff_at must be one of low, medium, high, critical, never");
    CHECK(error_of("\n[policy]\nrequire_lock_timeout = \"yes\"\n") == "gov.toml:3:24: policy.require_lock_timeout must be true or false");
    CHECK(error_of("[policy]\nunknown_needs_signoff = \"yes\"\n") == "gov.toml:2:25: policy.unknown_needs_signoff must be true or false");
    CHECK(error_of("[policy]\ncritical_needs_exemption = 1\n") == "gov.toml:2:28: policy.critical_needs_exemption must be true or false");
    CHECK(error_of("[policy]\nconcurrently_above_bytes = -1\n").rfind("gov.toml:2:28: policy.concurrently_above_bytes must be a number of bytes", 0) == 0);
    CHECK(error_of("[policy]\nconcurrently_above_bytes = \"lots\"\n").rfind("gov.toml:2:28: policy.concurrently_above_bytes must be", 0) == 0);
    CHECK(error_of("[policy]\nexemptable = \"*\"\n") == "gov.toml:2:14: policy.exemptable must be a list of rule ids or \"*\"");
    CHECK(error_of("[policy]\nexemptable = [\"drop-column\", 4]\n") == "gov.toml:2:30: policy.exemptable must be a list of rule ids or \"*\"");
    CHECK(error_of("[policy]\nexemptable = [\"drop-colum\"]\n") == "gov.toml:2:15: policy.exemptable: unknown rule id 'drop-colum'");
    CHECK(error_of("[repositories.\"octo/app\"]\nsignoff = \"low\"\n").rfind("gov.toml:2:1: unknown key repositories.\"octo/app\".signoff (expected", 0) == 0);
    CHECK(error_of("[repositories.\"octo/app\"]\nsignoff_at = true\n") ==
          "gov.toml:2:14: repositories.\"octo/app\".signoff_at must be one of low, medium, high, critical, never");
    CHECK(error_of("[repositories.octo]\nsignoff_at = \"low\"\n") == "gov.toml:1:15: repositories.\"octo\": a repository is named OWNER/NAME");
    CHECK(error_of("[repositories.\"octo/app\"]\n[repositories.\"OCTO/APP\"]\n").rfind("gov.toml:2:15: repositories.\"OCTO/APP\": the repository has another table", 0) == 0);
    CHECK(error_of("repositories = 1\n") == "gov.toml:1:16: repositories must be a table");
    CHECK(error_of("policy = \"strict\"\n") == "gov.toml:1:10: policy must be a table");
    CHECK(error_of("[polcy]\nsignoff_at = \"low\"\n") ==
          "gov.toml:1:2: unknown key 'polcy' (expected [policy] and [repositories.\"OWNER/NAME\"])");
    // TOML syntax: the parser's own message, at its line.
    CHECK(error_of("[policy]\nsignoff_at = \n").rfind("gov.toml:2:", 0) == 0);
}

TEST_CASE("a missing policy file is an error naming it", "[governance]") {
    auto policy = governance::load_policy("/nonexistent/gov.toml");
    REQUIRE_FALSE(policy);
    CHECK(policy.error().file == "/nonexistent/gov.toml");
}

TEST_CASE("the service's governance.toml: only [policy] and [repositories] are the policy's", "[governance]") {
    toml::table root = toml::parse(std::string_view(R"(
listen = "0.0.0.0:8080"
[database]
url = "postgresql:///gov"
[policy]
signoff_at = "low"
[repositories."octo/app"]
critical_needs_exemption = false
)"), std::string_view("governance.toml"));
    auto policy = governance::policy_from_toml(root, "governance.toml");
    REQUIRE(policy);
    CHECK(policy->settings.signoff_at == Risk::Low);
    CHECK_FALSE(policy->for_repository("octo/app").critical_needs_exemption);
    CHECK(policy->for_repository("octo/app").signoff_at == Risk::Low);

    toml::table bad = toml::parse(std::string_view("[policy]\nmax_risk = \"low\"\n"), std::string_view("governance.toml"));
    auto refused = governance::policy_from_toml(bad, "governance.toml");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().describe().rfind("governance.toml:2:1: unknown key policy.max_risk", 0) == 0);
}

TEST_CASE("sign-off keys: defaults, values, per-repository overrides", "[governance]") {
    auto defaults = parse_policy("", "gov.toml");
    REQUIRE(defaults);
    const auto& d = defaults->settings;
    CHECK(d.approvers.empty());  // nobody can sign off through the service until the policy names someone
    CHECK(d.min_approvals == 1);
    CHECK_FALSE(d.author_may_approve);
    CHECK_FALSE(d.exemption_granters.has_value());
    CHECK(d.granters().empty());
    CHECK(d.max_exemption_days == 30);

    auto policy = parse_policy(R"(
[policy]
approvers = ["@Acme/DBA", "alice"]
min_approvals = 2
[repositories."acme/api"]
author_may_approve = true
exemption_granters = ["@acme/sre"]
max_exemption_days = 7
min_approvals = 1
)", "gov.toml");
    REQUIRE(policy);
    const auto& s = policy->settings;
    CHECK(s.approvers == std::vector<std::string>{"@acme/dba", "alice"});  // GitHub's names are case-insensitive
    CHECK(s.min_approvals == 2);
    CHECK(s.granters() == s.approvers);  // the default granters: the approvers
    const auto& api = policy->for_repository("acme/api");
    CHECK(api.approvers == s.approvers);  // inherited
    CHECK(api.author_may_approve);
    CHECK(api.min_approvals == 1);
    CHECK(api.granters() == std::vector<std::string>{"@acme/sre"});
    CHECK(api.max_exemption_days == 7);
}

TEST_CASE("sign-off keys: each mistake is one error at its line and column", "[governance]") {
    CHECK(error_of("[policy]\napprovers = \"alice\"\n") ==
          "gov.toml:2:13: policy.approvers must be a list of \"@org/team\" or \"login\"");
    CHECK(error_of("[policy]\napprovers = [\"alice\", \"@acme\"]\n") ==
          "gov.toml:2:23: policy.approvers: '@acme' is neither \"@org/team\" nor a GitHub login");
    CHECK(error_of("[policy]\napprovers = [\"a b\"]\n").rfind("gov.toml:2:14: policy.approvers: 'a b'", 0) == 0);
    CHECK(error_of("[policy]\napprovers = [\"@acme/../x\"]\n").rfind("gov.toml:2:14:", 0) == 0);
    CHECK(error_of("[policy]\nmin_approvals = 0\n") == "gov.toml:2:17: policy.min_approvals must be a whole number from 1 to 20");
    CHECK(error_of("[policy]\nauthor_may_approve = \"no\"\n") == "gov.toml:2:22: policy.author_may_approve must be true or false");
    CHECK(error_of("[repositories.\"a/b\"]\nexemption_granters = [1]\n")
              .rfind("gov.toml:2:23: repositories.\"a/b\".exemption_granters must be a list", 0) == 0);
    CHECK(error_of("[policy]\nmax_exemption_days = 4000\n") ==
          "gov.toml:2:22: policy.max_exemption_days must be a whole number from 1 to 3650");
}
