// SARIF 2.1.0 for code scanning: valid against the OASIS schema, rules described from their
// docs pages, results at the statement, and fingerprints that survive lines shifting.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include <unistd.h>

#include "analyze/analyzer.hpp"
#include "analyze/rules/rule.hpp"
#include "annotate/rule_docs.hpp"
#include "annotate/sarif.hpp"
#include "tests/unit/schema_check.hpp"

using namespace pgfence;
using namespace pgfence::analyze;
using nlohmann::json;
using pgfence::test::schema_errors;

namespace {

const char* k_migration =
    "SET lock_timeout = '2s';\n"
    "CREATE INDEX ledger_amount_idx ON ledger_entries (amount);\n"
    "ALTER TABLE ledger_entries\n"
    "  ADD CONSTRAINT ledger_account_fk FOREIGN KEY (account_id) REFERENCES ledger_accounts (id);\n"
    "ALTER TABLE ledger_entries DROP COLUMN memo;\n";

Report report_of(std::initializer_list<std::pair<std::string, std::string>> files) {
    Report report;
    AnalyzeOptions options;
    for (const auto& [path, text] : files) report.files.push_back(analyze_text(path, text, options));
    return report;
}

const std::string k_sarif_schema = std::string(PGFENCE_SOURCE_DIR) + "/../shared/schemas/sarif-schema-2.1.0.json";

std::set<std::string> fingerprints(const json& sarif) {
    std::set<std::string> out;
    for (const auto& r : sarif["runs"][0]["results"]) out.insert(r["partialFingerprints"]["pgfence/v1"].get<std::string>());
    return out;
}

}  // namespace

TEST_CASE("sarif: the output validates against the SARIF 2.1.0 schema") {
    Report report = report_of({{"db/migrate/001.sql", k_migration}, {"db/migrate/002 odd,name.sql", "DROP TABLE ledger_old;\n"}});
    json sarif = annotate::report_to_sarif(report);
    CHECK(schema_errors(sarif, k_sarif_schema) == "");
    CHECK(sarif["version"] == "2.1.0");
    const json& run = sarif["runs"][0];
    CHECK(run["tool"]["driver"]["name"] == "pgfence");
    CHECK(run["automationDetails"]["id"] == "pgfence/");
    // A path with a space and a comma is a valid relative URI reference.
    CHECK(run["results"].back()["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "db/migrate/002%20odd%2Cname.sql");

    // With every rule described, and a file that could not be read, it still validates.
    FileReport unreadable;
    unreadable.path = "missing.sql";
    unreadable.error = Error{"cannot read the file", "missing.sql", std::nullopt};
    report.files.push_back(unreadable);
    annotate::SarifOptions all;
    all.all_rules = true;
    all.root_uri = "file:///work/repo";
    json every = annotate::report_to_sarif(report, all);
    CHECK(schema_errors(every, k_sarif_schema) == "");
    CHECK(every["runs"][0]["tool"]["driver"]["rules"].size() == rules::all_rules().size());
    CHECK(every["runs"][0]["invocations"][0]["executionSuccessful"] == false);
    CHECK(every["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///work/repo/");
}

TEST_CASE("sarif: one descriptor per rule with a result, described without instance text") {
    Report report = report_of({{"001.sql", k_migration}});
    json sarif = annotate::report_to_sarif(report);
    const json& rules_json = sarif["runs"][0]["tool"]["driver"]["rules"];
    std::set<std::string> ids, used;
    for (const auto& f : report.files[0].findings) used.insert(f.rule);
    REQUIRE(used.count("create-index-without-concurrently") == 1);
    for (const auto& r : rules_json) {
        std::string id = r["id"];
        CHECK(ids.insert(id).second);  // once each
        const rules::Rule* rule = rules::find_rule(id);
        REQUIRE(rule != nullptr);
        CHECK(r["shortDescription"]["text"] == std::string(rule->summary));
        std::string full = r["fullDescription"]["text"];
        CHECK(full.size() > 20);
        // Descriptions describe the rule, not this migration's tables.
        CHECK(full.find("ledger") == std::string::npos);
        CHECK(r["shortDescription"]["text"].get<std::string>().find("ledger") == std::string::npos);
        CHECK(r["help"]["markdown"].get<std::string>() == std::string(annotate::rule_doc(id)));
        CHECK(r["help"]["text"].get<std::string>().find("**") == std::string::npos);
        auto tags = r["properties"]["tags"];
        CHECK(std::find(tags.begin(), tags.end(), "postgresql") != tags.end());
        CHECK(std::find(tags.begin(), tags.end(), std::string(rule->category)) != tags.end());
        std::string level = r["defaultConfiguration"]["level"];
        CHECK(level == (rule->default_risk >= Risk::High ? "error" : rule->default_risk == Risk::Medium ? "warning" : "note"));
    }
    CHECK(ids == used);
    for (const auto& r : rules_json) {
        if (r["id"] != "create-index-without-concurrently") continue;
        CHECK(r["name"] == "CreateIndexWithoutConcurrently");
        CHECK(r["help"]["markdown"].get<std::string>().find("```sql\n") != std::string::npos);  // the recipe pattern
        CHECK(r["fullDescription"]["text"].get<std::string>().find("SHARE lock") != std::string::npos);
        CHECK(r["defaultConfiguration"]["level"] == "error");
    }
}

TEST_CASE("sarif: every rule has its docs page built in") {
    for (const auto& rule : rules::all_rules()) {
        INFO(rule.id);
        std::string_view page = annotate::rule_doc(rule.id);
        CHECK(page.rfind("# " + std::string(rule.id), 0) == 0);
        CHECK_FALSE(annotate::doc_description(page).empty());
    }
    CHECK(annotate::rule_doc("no-such-rule").empty());
}

TEST_CASE("sarif: results carry level by risk, the statement's region and a rule index") {
    Report report = report_of({{"001.sql", k_migration}});
    json sarif = annotate::report_to_sarif(report);
    const json& run = sarif["runs"][0];
    const auto& findings = report.files[0].findings;
    REQUIRE(run["results"].size() == findings.size());
    std::set<std::string> levels;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const Finding& f = findings[i];
        const json& r = run["results"][i];
        INFO(f.rule);
        CHECK(r["ruleId"] == f.rule);
        CHECK(run["tool"]["driver"]["rules"][r["ruleIndex"].get<int>()]["id"] == f.rule);
        std::string level = r["level"];
        levels.insert(level);
        CHECK(level == (f.risk >= Risk::High ? "error" : f.risk == Risk::Medium ? "warning" : "note"));
        CHECK(r["message"]["text"].get<std::string>().find(f.message) == 0);
        const json& region = r["locations"][0]["physicalLocation"]["region"];
        const StatementFacts& s = report.files[0].statements[f.statement];
        CHECK(region["startLine"] == s.span.start.line);
        CHECK(region["endLine"] == s.span.stop.line);
        CHECK(region["startColumn"] == s.span.start.column);
        CHECK(region["endColumn"] == s.span.stop.column + 1);  // exclusive
    }
    CHECK(levels == std::set<std::string>{"error", "warning", "note"});
    // The foreign key spans lines 3-4.
    bool multi_line = false;
    for (const auto& r : run["results"]) {
        if (r["ruleId"] != "add-foreign-key-without-not-valid") continue;
        multi_line = true;
        CHECK(r["locations"][0]["physicalLocation"]["region"]["startLine"] == 3);
        CHECK(r["locations"][0]["physicalLocation"]["region"]["endLine"] == 4);
    }
    CHECK(multi_line);
}

TEST_CASE("sarif: one result per finding, session settings too, a clause's finding at the clause") {
    Report report = report_of({{"001.sql",
                                "ALTER TABLE accounts\n"
                                "  ADD CONSTRAINT a_check CHECK (x > 0),\n"
                                "  ADD CONSTRAINT a_fk FOREIGN KEY (y) REFERENCES users (id);\n"
                                "CREATE INDEX accounts_w ON accounts (w);\n"}});
    json sarif = annotate::report_to_sarif(report);
    const json& results = sarif["runs"][0]["results"];
    const auto& findings = report.files[0].findings;
    REQUIRE(results.size() == findings.size());
    std::size_t settings = 0;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        INFO(findings[i].rule);
        CHECK(results[i]["ruleId"] == findings[i].rule);
        settings += findings[i].rule.find("timeout") != std::string::npos;
        const json& region = results[i]["locations"][0]["physicalLocation"]["region"];
        if (findings[i].rule == "add-check-without-not-valid") {
            CHECK(region == json{{"startLine", 2}, {"startColumn", 3}, {"endLine", 2}, {"endColumn", 39}});
        }
        if (findings[i].rule == "add-foreign-key-without-not-valid") CHECK(region["startLine"] == 3);
    }
    CHECK(settings >= 2);
    CHECK(fingerprints(sarif).size() == results.size());
}

TEST_CASE("sarif: fingerprints stay when lines shift and differ between statements") {
    Report before = report_of({{"001.sql", k_migration}});
    Report after = report_of({{"001.sql", std::string("\n-- a new comment\n\n") + k_migration}});
    json a = annotate::report_to_sarif(before), b = annotate::report_to_sarif(after);
    REQUIRE(a["runs"][0]["results"].size() == b["runs"][0]["results"].size());
    CHECK(fingerprints(a) == fingerprints(b));
    CHECK(fingerprints(a).size() == a["runs"][0]["results"].size());  // all different
    CHECK(b["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] ==
          a["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"].get<int>() + 3);

    // The same statement twice: two findings, two fingerprints; another file: others again.
    std::string twice = "CREATE INDEX a_idx ON accounts (a);\nCREATE INDEX a_idx ON accounts (a);\n";
    json dup = annotate::report_to_sarif(report_of({{"001.sql", twice}, {"002.sql", twice}}));
    CHECK(fingerprints(dup).size() == dup["runs"][0]["results"].size());

    // Re-indenting the statement keeps it; changing it does not.
    CHECK(annotate::sarif_fingerprint("r", "f.sql", "ALTER TABLE t\n  DROP COLUMN c", 0) ==
          annotate::sarif_fingerprint("r", "f.sql", "ALTER TABLE t DROP COLUMN c", 0));
    CHECK(annotate::sarif_fingerprint("r", "f.sql", "ALTER TABLE t DROP COLUMN c", 0) !=
          annotate::sarif_fingerprint("r", "f.sql", "ALTER TABLE t DROP COLUMN d", 0));
    CHECK(annotate::sarif_fingerprint("r", "f.sql", "x", 0) != annotate::sarif_fingerprint("r", "f.sql", "x", 1));
}

TEST_CASE("sarif: a pre-existing finding is at most a note") {
    Report report = report_of({{"001.sql", k_migration}});
    for (auto& f : report.files[0].findings) f.pre_existing = true;
    json sarif = annotate::report_to_sarif(report);
    for (const auto& r : sarif["runs"][0]["results"]) {
        CHECK(r["level"] == "note");
        CHECK(r["properties"]["preExisting"] == true);
    }
    CHECK(annotate::rule_name("add-column-not-null-without-default") == "AddColumnNotNullWithoutDefault");
}
