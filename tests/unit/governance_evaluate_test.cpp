// The governance decision over real reports: each migration is analysed by the binary's own
// entry point (`analyze --format json`), then the policy is evaluated on that report.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "bot/cli.hpp"
#include "governance/decision.hpp"
#include "governance/render.hpp"
#include "governance/report_facts.hpp"

namespace fs = std::filesystem;
using namespace pgfence;
using namespace pgfence::governance;
using nlohmann::json;
using Risk = analyze::Risk;
using std::chrono::hours;

namespace {

const std::string k_stats = PGFENCE_SOURCE_DIR "/tests/stats/fixtures/snapshot.json";

// No lock_timeout; an index built without CONCURRENTLY (HIGH, CRITICAL on the snapshot's users).
const std::string k_index = "ALTER TABLE users ADD COLUMN verified boolean;\nCREATE INDEX users_email_idx ON users (email);\n";

struct Analysed {
    json report;
    std::string path;  // of the first file, as the report names it
};

// The report `pgfence analyze --format json` gives for `sql` (with the snapshot's sizes when
// `stats`), in a folder of its own.
Analysed analyse(const std::string& sql, bool stats = false, const std::string& name = "001_change.sql") {
    fs::path dir = fs::temp_directory_path() / ("pgfence-gov-" + std::to_string(::getpid()) + "-" + std::to_string(rand()));
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary) << sql;
    std::vector<std::string> args{"analyze", "--format", "json", "--no-config", "--no-history"};
    if (stats) args.insert(args.end(), {"--stats-file", k_stats});
    args.push_back((dir / name).string());
    std::ostringstream out, err;
    int code = bot::run_cli(args, out, err);
    fs::remove_all(dir);
    INFO(err.str());
    REQUIRE(code == 0);
    json report = json::parse(out.str());
    return {report, report["files"][0]["path"].get<std::string>()};
}

Policy policy_of(const std::string& text) {
    auto policy = parse_policy(text, "gov.toml");
    INFO((policy ? "" : policy.error().describe()));
    REQUIRE(policy);
    return *policy;
}

Decision decide(const std::string& policy_text, const json& report, std::span<const Exemption> exemptions = {},
                std::string_view repository = "octo/app") {
    return evaluate(policy_of(policy_text), report, repository, exemptions);
}

std::vector<std::string> rules_of(const Decision& d, ItemKind kind) {
    std::vector<std::string> out;
    for (const auto& item : d.items) if (item.kind == kind) out.push_back(item.rule);
    return out;
}

const Item* guardrail(const Decision& d, Guardrail which) {
    for (const auto& item : d.items) if (item.guardrail == which) return &item;
    return nullptr;
}

Exemption exemption(const std::string& rule, std::optional<std::string> path, std::optional<int> line,
                    std::chrono::system_clock::duration valid_for = hours(24)) {
    return Exemption{rule, std::move(path), line, "reviewed with the DBA", "alice", std::chrono::system_clock::now() + valid_for};
}

}  // namespace

TEST_CASE("sign-off: new findings at or above signoff_at", "[governance]") {
    auto a = analyse(k_index);
    Decision d = decide("", a.report);  // default: high
    CHECK(d.conclusion == Conclusion::ActionRequired);
    CHECK(rules_of(d, ItemKind::Signoff) == std::vector<std::string>{"create-index-without-concurrently"});
    CHECK(rules_of(d, ItemKind::Guardrail).empty());
    REQUIRE(d.items.size() == 1);
    CHECK(d.items[0].path == a.path);
    CHECK(d.items[0].line == 2);
    CHECK(d.items[0].risk == Risk::High);
    CHECK(d.summary == "1 new finding at or above HIGH needs sign-off.");

    Decision medium = decide("[policy]\nsignoff_at = \"medium\"\n", a.report);
    auto medium_rules = rules_of(medium, ItemKind::Signoff);
    CHECK(std::find(medium_rules.begin(), medium_rules.end(), "lock-timeout-missing") != medium_rules.end());
    CHECK(medium_rules.size() > 1);
    for (const auto& item : medium.items) CHECK(item.risk >= Risk::Medium);

    Decision low = decide("[policy]\nsignoff_at = \"low\"\n", a.report);
    CHECK(low.items.size() == a.report["files"][0]["findings"].size());

    CHECK(decide("[policy]\nsignoff_at = \"critical\"\n", a.report).conclusion == Conclusion::Success);
    Decision never = decide("[policy]\nsignoff_at = \"never\"\n", a.report);
    CHECK(never.conclusion == Conclusion::Success);
    CHECK(never.items.empty());
}

TEST_CASE("overrides apply to their repository only", "[governance]") {
    auto a = analyse(k_index);
    const std::string policy = "[policy]\nsignoff_at = \"high\"\n[repositories.\"octo/legacy\"]\nsignoff_at = \"never\"\n";
    CHECK(decide(policy, a.report, {}, "Octo/Legacy").conclusion == Conclusion::Success);
    CHECK(decide(policy, a.report, {}, "octo/app").conclusion == Conclusion::ActionRequired);
    CHECK(decide(policy, a.report, {}, "octo/legacy").policy.signoff_at == std::nullopt);
}

TEST_CASE("pre-existing findings do not count", "[governance]") {
    auto a = analyse(k_index, true);
    for (auto& f : a.report["files"][0]["findings"]) f["pre_existing"] = true;
    Decision d = decide("[policy]\nsignoff_at = \"low\"\nrequire_lock_timeout = true\nconcurrently_above_bytes = 1\n", a.report);
    CHECK(d.conclusion == Conclusion::Success);
    CHECK(d.items.empty());
    CHECK(d.summary.rfind("The policy holds: 0 new findings", 0) == 0);
}

TEST_CASE("require_lock_timeout: a file with a MEDIUM finding sets lock_timeout before it blocks", "[governance]") {
    const std::string policy = "[policy]\nrequire_lock_timeout = true\nsignoff_at = \"never\"\n";
    auto missing = analyse("SELECT 1;\n" + k_index);
    Decision d = decide(policy, missing.report);
    CHECK(d.conclusion == Conclusion::Failure);
    const Item* item = guardrail(d, Guardrail::LockTimeout);
    REQUIRE(item != nullptr);
    CHECK(item->line == 2);  // the first statement that blocks, not the SELECT
    CHECK(item->rule == "lock-timeout-missing");
    CHECK(d.summary == "1 guardrail broken (lock_timeout).");

    auto set = analyse("SET lock_timeout = '2s';\n" + k_index);
    CHECK(guardrail(decide(policy, set.report), Guardrail::LockTimeout) == nullptr);

    // Zero turns the timeout off.
    auto zero = analyse("SET lock_timeout = 0;\n" + k_index);
    CHECK(guardrail(decide(policy, zero.report), Guardrail::LockTimeout) != nullptr);

    // Set first, then RESET before a later blocking statement: the analyzer's finding says where.
    auto reset = analyse("SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN a int;\nRESET lock_timeout;\n"
                         "ALTER TABLE users ADD COLUMN b int;\n");
    const Item* after_reset = guardrail(decide(policy, reset.report), Guardrail::LockTimeout);
    REQUIRE(after_reset != nullptr);
    CHECK(after_reset->line == 4);

    // Only LOW findings: nothing to require.
    auto low = analyse("CREATE TABLE IF NOT EXISTS notes (id bigint, body text);\n");
    for (const auto& f : low.report["files"][0]["findings"]) REQUIRE(f["risk"] != "MEDIUM");
    CHECK(decide(policy, low.report).conclusion == Conclusion::Success);

    CHECK(guardrail(decide("[policy]\nsignoff_at = \"never\"\n", missing.report), Guardrail::LockTimeout) == nullptr);
}

TEST_CASE("require_lock_timeout reads the report's facts, not its SQL", "[governance]") {
    auto a = analyse("SELECT 1;\n" + k_index);
    json stripped = a.report;
    for (auto& s : stripped["files"][0]["statements"]) s.erase("sql");
    // Without the rule's finding, the statements' settings still show it.
    json no_rule = stripped;
    auto& findings = no_rule["files"][0]["findings"];
    findings.erase(std::remove_if(findings.begin(), findings.end(), [](const json& f) { return f["rule"] == "lock-timeout-missing"; }),
                   findings.end());
    const std::string policy = "[policy]\nrequire_lock_timeout = true\n";
    for (const json* report : {&stripped, &no_rule}) {
        const Item* item = guardrail(decide(policy, *report), Guardrail::LockTimeout);
        REQUIRE(item != nullptr);
        CHECK(item->line == 2);
    }
}

TEST_CASE("critical_needs_exemption: a new CRITICAL finding fails", "[governance]") {
    auto a = analyse("SET lock_timeout = '2s';\n" + k_index, true);  // users is 3.2 GB: CRITICAL
    Decision d = decide("", a.report);
    CHECK(d.conclusion == Conclusion::Failure);
    const Item* item = guardrail(d, Guardrail::Critical);
    REQUIRE(item != nullptr);
    CHECK(item->rule == "create-index-without-concurrently");
    CHECK(item->risk == Risk::Critical);
    CHECK(item->line == 3);
    CHECK(rules_of(d, ItemKind::Signoff).empty());  // listed once, as the guardrail

    Decision off = decide("[policy]\ncritical_needs_exemption = false\n", a.report);
    CHECK(off.conclusion == Conclusion::ActionRequired);
    CHECK(rules_of(off, ItemKind::Signoff) == std::vector<std::string>{"create-index-without-concurrently"});
}

TEST_CASE("concurrently_above_bytes: an index without CONCURRENTLY on a table above the size", "[governance]") {
    const std::string sql = "SET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);\n"
                            "CREATE INDEX lookup_label_idx ON lookup (label);\n";
    auto a = analyse(sql, true);  // users: 3435973837 bytes of heap, lookup: 40960
    const std::string base = "[policy]\ncritical_needs_exemption = false\nsignoff_at = \"never\"\n";
    Decision d = decide(base + "concurrently_above_bytes = \"1GB\"\n", a.report);
    CHECK(d.conclusion == Conclusion::Failure);
    REQUIRE(rules_of(d, ItemKind::Guardrail) == std::vector<std::string>{"create-index-without-concurrently"});
    CHECK(d.items[0].line == 2);  // users, not lookup
    CHECK(d.items[0].guardrail == Guardrail::Concurrently);

    CHECK(decide(base + "concurrently_above_bytes = 3435973837\n", a.report).conclusion == Conclusion::Success);  // not above
    CHECK(decide(base + "concurrently_above_bytes = 3435973836\n", a.report).conclusion == Conclusion::Failure);
    Decision small = decide(base + "concurrently_above_bytes = 4096\n", a.report);
    CHECK(small.items.size() == 2);  // lookup's 40 kB is above 4 kB too
    CHECK(decide(base + "concurrently_above_bytes = 0\n", a.report).conclusion == Conclusion::Success);  // off

    // Without sizes in the report, nothing is known to be above.
    auto unsized = analyse(sql);
    CHECK(decide(base + "concurrently_above_bytes = 1\n", unsized.report).conclusion == Conclusion::Success);

    // DROP INDEX names the index: the table's size comes from a finding that measured it.
    auto drop = analyse("SET lock_timeout = '2s';\nDROP INDEX users_email_key;\nCREATE INDEX users_name_idx ON users (name);\n", true);
    Decision dropped = decide(base + "concurrently_above_bytes = \"1GB\"\n", drop.report);
    CHECK(rules_of(dropped, ItemKind::Guardrail) ==
          std::vector<std::string>{"drop-index-without-concurrently", "create-index-without-concurrently"});
}

TEST_CASE("exemptions lift findings before sign-off and guardrails", "[governance]") {
    auto a = analyse(k_index);
    const std::string policy = "[policy]\nrequire_lock_timeout = true\n";
    REQUIRE(decide(policy, a.report).conclusion == Conclusion::Failure);

    std::vector<Exemption> both{exemption("create-index-without-concurrently", a.path, 2),
                                exemption("lock-timeout-missing", a.path, std::nullopt)};
    Decision d = decide(policy, a.report, both);
    CHECK(d.conclusion == Conclusion::Success);
    REQUIRE(d.exempted.size() == 2);
    CHECK(d.exempted[0].owner == "alice");
    CHECK(d.ignored_exemptions.empty());

    // Another line or another file: not this finding.
    std::vector<Exemption> elsewhere{exemption("create-index-without-concurrently", a.path, 3),
                                     exemption("create-index-without-concurrently", "other.sql", std::nullopt)};
    CHECK(decide("", a.report, elsewhere).conclusion == Conclusion::ActionRequired);

    // Any file, any line.
    std::vector<Exemption> anywhere{exemption("create-index-without-concurrently", std::nullopt, std::nullopt)};
    CHECK(decide("", a.report, anywhere).conclusion == Conclusion::Success);

    // Expired: ignored, and said so.
    std::vector<Exemption> expired{exemption("create-index-without-concurrently", a.path, 2, -hours(1))};
    Decision old = decide("", a.report, expired);
    CHECK(old.conclusion == Conclusion::ActionRequired);
    REQUIRE(old.ignored_exemptions.size() == 1);
    CHECK(old.ignored_exemptions[0].why == "expired");
    CHECK(evaluate(policy_of(""), a.report, "octo/app", expired, std::chrono::system_clock::now() - hours(2)).conclusion ==
          Conclusion::Success);

    // A rule the policy does not list as exemptable.
    std::vector<Exemption> unlisted{exemption("create-index-without-concurrently", a.path, 2)};
    Decision refused = decide("[policy]\nexemptable = [\"drop-column\"]\n", a.report, unlisted);
    CHECK(refused.conclusion == Conclusion::ActionRequired);
    REQUIRE(refused.ignored_exemptions.size() == 1);
    CHECK(refused.ignored_exemptions[0].why.find("not exemptable") != std::string::npos);
}

TEST_CASE("by default a CRITICAL finding cannot be exempted; exemptable can allow it", "[governance]") {
    auto a = analyse("SET lock_timeout = '2s';\n" + k_index, true);
    std::vector<Exemption> ex{exemption("create-index-without-concurrently", a.path, 3)};
    Decision d = decide("", a.report, ex);
    CHECK(d.conclusion == Conclusion::Failure);
    CHECK(guardrail(d, Guardrail::Critical) != nullptr);
    REQUIRE(d.ignored_exemptions.size() == 1);
    CHECK(d.ignored_exemptions[0].why.find("not exemptable") != std::string::npos);
    CHECK(d.exempted.empty());

    Decision allowed = decide("[policy]\nexemptable = [\"*\"]\n", a.report, ex);
    CHECK(allowed.conclusion == Conclusion::Success);
    CHECK(allowed.exempted.size() == 1);
}

TEST_CASE("the upload envelope and a bare report decide the same", "[governance]") {
    auto a = analyse(k_index);
    json envelope = {{"schema_version", 1}, {"repository", "octo/app"}, {"report", a.report}};
    CHECK(to_json(decide("", envelope)) == to_json(decide("", a.report)));
}

TEST_CASE("a report the policy cannot read is refused, not half-read", "[governance]") {
    auto a = analyse(k_index);
    json broken = a.report;
    broken["files"][0]["findings"][0].erase("risk");
    auto facts = read_report(broken);
    REQUIRE_FALSE(facts);
    CHECK(facts.error().message == "files[0].findings[0].risk: missing");
    CHECK_THROWS_AS(decide("", broken), std::invalid_argument);
    CHECK_FALSE(read_report(json::array()));
    CHECK_FALSE(read_report(json{{"report", 3}}));
    CHECK(read_report(json{{"files", json::array()}}));
}

TEST_CASE("the decision as JSON, text and a check run's Markdown", "[governance]") {
    auto a = analyse(k_index, false, "2024_[draft]_*add*.sql");
    Decision d = decide("[policy]\nrequire_lock_timeout = true\nconcurrently_above_bytes = 5000\n", a.report);
    json j = to_json(d);
    CHECK(j["conclusion"] == "failure");
    CHECK(j["summary"] == d.summary);
    REQUIRE(j["items"].size() == 2);
    CHECK(j["items"][0] == json{{"kind", "guardrail"}, {"guardrail", "lock_timeout"}, {"path", a.path}, {"line", 1},
                                {"rule", "lock-timeout-missing"}, {"risk", "MEDIUM"}, {"message", d.items[0].message}});
    CHECK(j["items"][1]["kind"] == "signoff");
    CHECK_FALSE(j["items"][1].contains("guardrail"));
    CHECK(j["policy"] == json{{"signoff_at", "high"}, {"unknown_needs_signoff", true}, {"require_lock_timeout", true}, {"critical_needs_exemption", true},
                              {"concurrently_above_bytes", 5000}, {"exemptable", nullptr},
                              {"approvers", json::array()}, {"min_approvals", 1}, {"author_may_approve", false},
                              {"exemption_granters", json::array()}, {"max_exemption_days", 30}});

    std::string text = to_text(d);
    CHECK(text.find(a.path + ":2 create-index-without-concurrently HIGH \xE2\x80\x94 " + d.items[1].message + "\n") != std::string::npos);
    CHECK(text.find(a.path + ":1 lock-timeout-missing MEDIUM \xE2\x80\x94 ") == 0);
    CHECK(text.substr(text.rfind('\n', text.size() - 2) + 1) == "failure: " + d.summary + "\n");

    const std::string sha = "0123456789abcdef0123456789abcdef01234567";
    std::string md = to_markdown(d, "octo", "app", sha);
    // The link's path is percent-encoded, its text escaped: no raw [ ] * from the file name.
    std::string encoded = a.path;
    for (auto [from, to] : {std::pair{"[", "%5B"}, std::pair{"]", "%5D"}, std::pair{"*", "%2A"}}) {
        for (auto at = encoded.find(from); at != std::string::npos; at = encoded.find(from)) encoded.replace(at, 1, to);
    }
    CHECK(md.find("(https://github.com/octo/app/blob/" + sha + "/" + encoded.substr(1) + "#L2)") != std::string::npos);
    CHECK(md.find("[draft]") == std::string::npos);
    CHECK(md.find("*add*") == std::string::npos);
    CHECK(md.find("- **guardrail lock_timeout** [") != std::string::npos);
    CHECK(md.find("- **sign-off** [") != std::string::npos);
}

TEST_CASE("a suppression counts only when the report shows it on the base branch", "[governance]") {
    // A HIGH index finding hidden by the file's own pgfence-ignore-file.
    auto a = analyse("-- pgfence-ignore-file: create-index-without-concurrently -- reason=\"small\" owner=@octo/dba\n"
                     "SET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);\n");
    auto& hidden = a.report["files"][0]["suppressed"];
    REQUIRE(hidden.size() == 1);
    const std::string policy = "[policy]\nsignoff_at = \"high\"\n";

    // An analyze report cannot say where the comment comes from: it lifts nothing.
    Decision unknown = decide(policy, a.report);
    CHECK(unknown.conclusion == Conclusion::ActionRequired);
    CHECK(rules_of(unknown, ItemKind::Signoff) == std::vector<std::string>{"create-index-without-concurrently"});
    REQUIRE(unknown.ignored_suppressions.size() == 1);
    CHECK(unknown.ignored_suppressions[0].line == 1);
    CHECK(unknown.ignored_suppressions[0].why.find("not shown to be on the base branch") != std::string::npos);

    // Written by the pull request: ignored, and said so in every rendering.
    hidden[0]["suppression_on_base"] = false;
    Decision written = decide(policy, a.report);
    CHECK(written.conclusion == Conclusion::ActionRequired);
    REQUIRE(written.ignored_suppressions.size() == 1);
    CHECK(written.ignored_suppressions[0].why.find("written by the pull request") != std::string::npos);
    CHECK(to_json(written)["ignored_suppressions"][0]["rule"] == "create-index-without-concurrently");
    CHECK(to_text(written).find("ignored suppression: " + a.path + ":1 create-index-without-concurrently HIGH") !=
          std::string::npos);
    CHECK(to_markdown(written, "octo", "app", std::string(40, 'a')).find("Ignored suppressions") != std::string::npos);

    // On the base branch: it lifts the finding. A pre-existing hidden finding never counts.
    hidden[0]["suppression_on_base"] = true;
    Decision base = decide(policy, a.report);
    CHECK(base.conclusion == Conclusion::Success);
    CHECK(base.ignored_suppressions.empty());
    hidden[0]["suppression_on_base"] = false;
    hidden[0]["pre_existing"] = true;
    CHECK(decide(policy, a.report).conclusion == Conclusion::Success);

    hidden[0]["suppression_on_base"] = "yes";
    CHECK_FALSE(read_report(a.report));
}

TEST_CASE("unknown_needs_signoff: what pgfence could not see needs sign-off whatever signoff_at says", "[governance]") {
    // One MEDIUM unknown-statement finding (the table's name comes from a query), below signoff_at = high.
    auto a = analyse("SET lock_timeout = '2s';\nDO $$\nDECLARE tbl text;\nBEGIN\n"
                     "  SELECT relname INTO tbl FROM pg_class LIMIT 1;\n  EXECUTE 'DROP TABLE ' || tbl;\nEND $$;\n");
    REQUIRE(a.report["files"][0]["findings"].size() == 1);
    REQUIRE(a.report["files"][0]["findings"][0]["rule"] == "unknown-statement");
    REQUIRE(a.report["files"][0]["findings"][0]["risk"] == "MEDIUM");

    Decision d = decide("", a.report);
    CHECK(d.conclusion == Conclusion::ActionRequired);
    REQUIRE(d.items.size() == 1);
    CHECK(d.items[0].kind == ItemKind::Signoff);
    CHECK(d.items[0].rule == "unknown-statement");
    CHECK(d.items[0].line == 2);
    CHECK(d.items[0].message.find("pgfence could not see what this statement does") != std::string::npos);
    CHECK(d.summary == "1 new statement pgfence could not see needs sign-off.");
    CHECK(to_json(d)["policy"]["unknown_needs_signoff"] == true);

    // signoff_at = never does not lift it; the policy key does.
    CHECK(decide("[policy]\nsignoff_at = \"never\"\n", a.report).conclusion == Conclusion::ActionRequired);
    Decision relaxed = decide("[policy]\nunknown_needs_signoff = false\n", a.report);
    CHECK(relaxed.conclusion == Conclusion::Success);
    CHECK(relaxed.items.empty());
    // Relaxed, it is a finding like any other: signoff_at = medium catches it, listed once.
    Decision medium = decide("[policy]\nunknown_needs_signoff = false\nsignoff_at = \"medium\"\n", a.report);
    REQUIRE(medium.items.size() == 1);
    CHECK(medium.summary == "1 new finding at or above MEDIUM needs sign-off.");
    // Per repository.
    CHECK(decide("[repositories.\"octo/legacy\"]\nunknown_needs_signoff = false\n", a.report, {}, "octo/legacy").conclusion ==
          Conclusion::Success);
    // An exemption lifts it, as it lifts any finding.
    Exemption e = exemption("unknown-statement", a.path, 2);
    CHECK(decide("", a.report, std::span<const Exemption>(&e, 1)).conclusion == Conclusion::Success);
    // With a HIGH finding too, the summary names both.
    auto both = analyse(k_index + "DO $$ BEGIN EXECUTE 'DROP TABLE ' || current_setting('app.t'); END $$;\n");
    CHECK(decide("", both.report).summary == "1 new finding at or above HIGH needs sign-off and 1 new statement pgfence could not see needs sign-off.");
}
