// The `pgfence` check run's request bodies: conclusion from --max-risk, annotations spanning
// the statement, batches of 50, GitHub's byte limits, and the Checks API request schemas.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include <unistd.h>

#include "analyze/analyzer.hpp"
#include "analyze/rules/rule.hpp"
#include "annotate/check_run.hpp"

using namespace pgfence;
using namespace pgfence::analyze;
using nlohmann::json;

namespace {

const char* k_migration =
    "SET lock_timeout = '2s';\n"
    "CREATE INDEX ledger_amount_idx ON ledger_entries (amount);\n"
    "ALTER TABLE ledger_entries\n"
    "  ADD CONSTRAINT ledger_account_fk FOREIGN KEY (account_id) REFERENCES ledger_accounts (id);\n"
    "ALTER TABLE ledger_entries DROP COLUMN memo;\n";

FileReport analyze_one(const std::string& path, const std::string& text, const AnalyzeOptions& options = {}) {
    return analyze_text(path, text, options);
}

// Only `id` on, so a report has exactly the findings the test counts.
AnalyzeOptions only_rule(const std::string& id) {
    AnalyzeOptions options;
    for (const auto& rule : rules::all_rules()) {
        if (rule.id != id) options.rules.disabled.insert(std::string(rule.id));
    }
    return options;
}

annotate::CheckRunOptions options_with(Risk max_risk) {
    annotate::CheckRunOptions o;
    o.head_sha = "0123456789abcdef0123456789abcdef01234567";
    o.max_risk = max_risk;
    return o;
}

// Validates each body against the request schema of a GitHub operation
// (/work/shared/schemas/github/<operation>.json) with Debian's python3-jsonschema.
std::string request_errors(const std::vector<json>& bodies, const std::string& operation) {
    std::string schema = std::string(PGFENCE_SOURCE_DIR) + "/../shared/schemas/github/" + operation + ".json";
    std::string path = "/tmp/pgfence-check-run-" + std::to_string(::getpid()) + ".json";
    std::ofstream(path) << json(bodies).dump();
    std::string command = "/usr/bin/python3 -c '"
                          "import json, sys, jsonschema\n"
                          "schema = json.load(open(sys.argv[1]))[\"requestBody\"]\n"
                          "cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)\n"
                          "errors = []\n"
                          "for body in json.load(open(sys.argv[2])):\n"
                          "    errors += [\"%s at %s\" % (e.message[:200], list(e.absolute_path)) for e in cls(schema).iter_errors(body)]\n"
                          "if errors: print(\"\\n\".join(errors[:5]))\n"
                          "print(\"ok\" if not errors else \"\")\n"
                          "' " + schema + " " + path + " 2>&1";
    std::string out;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        char buffer[4096];
        while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
        ::pclose(pipe);
    }
    std::remove(path.c_str());
    return out == "ok\n" ? "" : out;
}

std::vector<json> all_annotations(const annotate::CheckRunPlan& plan) {
    std::vector<json> out;
    for (const auto& a : plan.create["output"]["annotations"]) out.push_back(a);
    for (const auto& u : plan.updates) {
        for (const auto& a : u["output"]["annotations"]) out.push_back(a);
    }
    return out;
}

}  // namespace

TEST_CASE("check run: the conclusion follows --max-risk, and pre-existing findings never fail it") {
    Report report;
    report.files.push_back(analyze_one("db/001.sql", k_migration));
    CHECK(annotate::plan_check_run(report, options_with(Risk::Medium)).conclusion == "failure");
    CHECK(annotate::plan_check_run(report, options_with(Risk::Critical)).conclusion == "neutral");
    for (auto& f : report.files[0].findings) f.pre_existing = true;
    CHECK(annotate::plan_check_run(report, options_with(Risk::Low)).conclusion == "neutral");

    Report clean;
    clean.files.push_back(analyze_one("db/002.sql", "SET lock_timeout = '2s';\nSELECT 1;\n"));
    REQUIRE(clean.files[0].findings.empty());
    annotate::CheckRunPlan plan = annotate::plan_check_run(clean, options_with(Risk::Medium));
    CHECK(plan.conclusion == "success");
    CHECK(plan.create["output"]["title"] == "No risky statements");
    CHECK(plan.create["output"]["annotations"].empty());
    CHECK(plan.updates.empty());
}

TEST_CASE("check run: the create body, with annotations spanning the statement") {
    Report report;
    report.files.push_back(analyze_one("db/001.sql", k_migration));
    annotate::CheckRunOptions options = options_with(Risk::Medium);
    options.details_url = "https://example.com/runs/1";
    annotate::CheckRunPlan plan = annotate::plan_check_run(report, options);
    const json& body = plan.create;
    CHECK(body["name"] == "pgfence");
    CHECK(body["head_sha"] == options.head_sha);
    CHECK(body["status"] == "completed");
    CHECK(body["conclusion"] == "failure");
    CHECK(body["details_url"] == "https://example.com/runs/1");
    std::string summary = body["output"]["summary"];
    // The summary is the comment's digest: the verdict, then each HIGH finding with its fix.
    CHECK(summary.rfind("## pgfence: 🔴 HIGH", 0) == 0);
    CHECK(summary.find("**Fix before merging:**") != std::string::npos);
    CHECK(summary.find("**[create-index-without-concurrently]** — use CREATE INDEX CONCURRENTLY") != std::string::npos);
    CHECK(summary.find("The check fails on findings above **MEDIUM**") != std::string::npos);
    // The text is the detail, without the digest.
    std::string text = body["output"]["text"];
    CHECK(text.find("**[create-index-without-concurrently]**:") != std::string::npos);
    CHECK(text.find("Fix before merging") == std::string::npos);
    CHECK(request_errors({body}, "checks.create") == "");

    const auto& findings = report.files[0].findings;
    const json& annotations = body["output"]["annotations"];
    REQUIRE(annotations.size() == findings.size());
    std::set<std::string> levels;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const Finding& f = findings[i];
        const json& a = annotations[i];
        INFO(f.rule);
        const StatementFacts& s = report.files[0].statements[f.statement];
        CHECK(a["path"] == "db/001.sql");
        CHECK(a["start_line"] == s.span.start.line);
        CHECK(a["end_line"] == s.span.stop.line);
        if (s.span.start.line == s.span.stop.line) {
            CHECK(a["start_column"] == s.span.start.column);
            CHECK(a["end_column"] == s.span.stop.column);
        } else {
            CHECK_FALSE(a.contains("start_column"));  // the API rejects columns across lines
            CHECK_FALSE(a.contains("end_column"));
        }
        std::string level = a["annotation_level"];
        levels.insert(level);
        CHECK(level == (f.risk >= Risk::High ? "failure" : f.risk == Risk::Medium ? "warning" : "notice"));
        CHECK(a["title"] == f.rule + " (" + std::string(risk_name(f.risk)) + ")");
        CHECK(a["message"].get<std::string>().find(f.message) == 0);
        if (!f.fix.empty()) CHECK(a["message"].get<std::string>().find(f.fix) != std::string::npos);
        CHECK(a.contains("raw_details") == f.recipe.has_value());
        if (a.contains("raw_details")) CHECK(a["raw_details"].get<std::string>().size() <= 4096);
    }
    CHECK(levels == std::set<std::string>{"failure", "warning", "notice"});
}

TEST_CASE("check run: 120 findings go out as 50 + 50 + 20, titles and summary repeated") {
    std::string sql = "SET lock_timeout = '2s';\n";
    for (int i = 0; i < 120; ++i) {
        sql += "CREATE INDEX idx_" + std::to_string(i) + " ON accounts (c" + std::to_string(i) + ");\n";
    }
    Report report;
    report.files.push_back(analyze_one("db/big.sql", sql, only_rule("create-index-without-concurrently")));
    REQUIRE(report.files[0].findings.size() == 120);
    annotate::CheckRunPlan plan = annotate::plan_check_run(report, options_with(Risk::Medium));
    CHECK(plan.create["output"]["annotations"].size() == 50);
    REQUIRE(plan.updates.size() == 2);
    CHECK(plan.updates[0]["output"]["annotations"].size() == 50);
    CHECK(plan.updates[1]["output"]["annotations"].size() == 20);
    for (const auto& u : plan.updates) {
        CHECK(u["output"]["title"] == plan.create["output"]["title"]);
        CHECK(u["output"]["summary"] == plan.create["output"]["summary"]);
        CHECK_FALSE(u.contains("head_sha"));
    }
    // Every finding annotated exactly once, in order: line 2 .. 121.
    std::vector<json> all = all_annotations(plan);
    REQUIRE(all.size() == 120);
    for (int i = 0; i < 120; ++i) CHECK(all[i]["start_line"] == i + 2);
    CHECK(plan.annotations == 120);
    CHECK(request_errors({plan.create}, "checks.create") == "");
    CHECK(request_errors(plan.updates, "checks.update") == "");

    // Over max_annotations: the rest is counted in the summary, not sent.
    annotate::CheckRunOptions capped = options_with(Risk::Medium);
    capped.max_annotations = 70;
    annotate::CheckRunPlan small = annotate::plan_check_run(report, capped);
    CHECK(all_annotations(small).size() == 70);
    CHECK(small.annotations_left_out == 50);
    CHECK(small.create["output"]["summary"].get<std::string>().find("50 further findings are not annotated") != std::string::npos);
}

TEST_CASE("check run: summary and text stay within 65535 bytes on a huge report") {
    // 400 files, each with a long multi-byte name and risky statements: far over the limit.
    Report report;
    std::string name(180, 'x');
    for (int i = 0; i < 400; ++i) {
        std::string text = "CREATE INDEX i ON accounts_é (c);\nALTER TABLE accounts_é ALTER COLUMN c TYPE bigint;\n"
                           "UPDATE accounts_é SET c = 1;\n";
        report.files.push_back(analyze_one("db/ünïcode_" + name + std::to_string(i) + ".sql", text));
    }
    annotate::CheckRunPlan plan = annotate::plan_check_run(report, options_with(Risk::Medium));
    std::string summary = plan.create["output"]["summary"], text = plan.create["output"]["text"];
    CHECK(summary.size() <= 65535);
    CHECK(text.size() <= 65535);
    CHECK(text.size() > 60000);  // cut near the limit, not far below it
    // The digest names the first 25 rules and files and counts the rest.
    CHECK(summary.find("more findings in ") != std::string::npos);
    CHECK(text.find("Shortened to fit GitHub's size limit") != std::string::npos);
    // Still valid UTF-8 after the cut (dump throws otherwise), and valid requests.
    CHECK_NOTHROW(plan.create.dump());
    CHECK(request_errors({plan.create}, "checks.create") == "");
    CHECK(plan.updates.size() == (plan.annotations + 49) / 50 - 1);
}
