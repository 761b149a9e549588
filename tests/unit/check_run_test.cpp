// The `pgfence` check run's request bodies: conclusion from --max-risk, annotations spanning
// the statement (or its clause), a file's session settings folded into one, batches of 50,
// GitHub's byte limits, and the Checks API request schemas.
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

// A multi-clause ALTER TABLE on line 1 without lock_timeout or statement_timeout, and a
// CREATE INDEX on line 6 after the transaction whose SET LOCAL lock_timeout covered line 4.
const char* k_settings_migration =
    "ALTER TABLE accounts ADD CONSTRAINT a_check CHECK (x > 0), ADD CONSTRAINT a_fk FOREIGN KEY (y) REFERENCES users (id);\n"
    "BEGIN;\n"
    "SET LOCAL lock_timeout = '2s';\n"
    "CREATE INDEX accounts_z ON accounts (z);\n"
    "COMMIT;\n"
    "CREATE INDEX accounts_w ON accounts (w);\n";

TEST_CASE("check run: a file's session-setting findings fold into one annotation; the rest in source order") {
    Report report;
    AnalyzeOptions strict;
    strict.rules.strict = true;  // missing-if-not-exists among the annotations it orders
    report.files.push_back(analyze_one("db/001.sql", k_settings_migration, strict));
    report.files.push_back(analyze_one("db/002.sql", "SET lock_timeout = '2s';\nALTER TABLE accounts ALTER COLUMN c TYPE bigint;\n"));
    const auto& findings = report.files[0].findings;
    std::size_t settings = 0;
    for (const auto& f : findings) settings += f.rule.find("timeout") != std::string::npos;
    REQUIRE(settings == 3);  // lock-timeout-missing on lines 1 and 6, statement-timeout-missing on line 1

    annotate::CheckRunPlan plan = annotate::plan_check_run(report, options_with(Risk::Medium));
    std::vector<json> all = all_annotations(plan);
    CHECK(request_errors({plan.create}, "checks.create") == "");
    std::vector<json> first, second;
    for (const auto& a : all) (a["path"] == "db/001.sql" ? first : second).push_back(a);
    REQUIRE(first.size() == findings.size() - 2);
    CHECK(plan.annotations == all.size());

    // The fold: at the first of them, the whole line, the highest level, every line listed.
    const json& fold = first.front();
    CHECK(fold["start_line"] == 1);
    CHECK(fold["end_line"] == 1);
    CHECK_FALSE(fold.contains("start_column"));
    CHECK(fold["annotation_level"] == "warning");
    CHECK(fold["title"] == "session settings: lock-timeout-missing, statement-timeout-missing (MEDIUM)");
    std::string message = fold["message"];
    CHECK(message.rfind("lock-timeout-missing on lines 1 and 6; statement-timeout-missing on line 1.\n\n", 0) == 0);
    for (const auto& f : findings) {
        if (f.rule.find("timeout") == std::string::npos) continue;
        INFO(f.rule);
        CHECK(message.find("Line " + std::to_string(f.start.line) + ", " + f.rule + " (" + std::string(risk_name(f.risk)) +
                           "): " + f.message + "\nFix: " + f.fix) != std::string::npos);
    }
    CHECK_FALSE(fold.contains("raw_details"));

    // The rest: one each, top to bottom, each clause of line 1 at its own columns.
    for (std::size_t i = 1; i < first.size(); ++i) {
        CHECK(first[i]["title"].get<std::string>().find("timeout") == std::string::npos);
        CHECK(std::make_pair(first[i - 1]["start_line"].get<int>(), first[i - 1].value("start_column", 0)) <=
              std::make_pair(first[i]["start_line"].get<int>(), first[i].value("start_column", 0)));
    }
    CHECK(first[1]["title"] == "add-check-without-not-valid (HIGH)");
    CHECK(first[1]["start_column"] == 22);
    CHECK(first[1]["end_column"] == 57);
    CHECK(first[3]["title"] == "add-foreign-key-without-not-valid (HIGH)");
    CHECK(first[3]["start_column"] == 60);

    // A file with one such finding keeps it as it is, on its statement.
    REQUIRE(second.size() == report.files[1].findings.size());
    REQUIRE(second.size() == 2);
    CHECK(second[1]["title"] == "statement-timeout-missing (LOW)");
    CHECK(second[1]["start_column"] == 1);

    // Pre-existing ones alone: a notice, said in the title and after the list.
    for (auto& f : report.files[0].findings) f.pre_existing = true;
    json quiet = all_annotations(annotate::plan_check_run(report, options_with(Risk::Medium))).front();
    CHECK(quiet["annotation_level"] == "notice");
    CHECK(quiet["title"] == "session settings: lock-timeout-missing, statement-timeout-missing (MEDIUM, pre-existing)");
    CHECK(quiet["message"].get<std::string>().find("\n\nPre-existing: ") != std::string::npos);
}

TEST_CASE("check run: over max_annotations the most important are kept, sent in source order") {
    Report report;
    report.files.push_back(analyze_one("db/001.sql", k_settings_migration));
    std::size_t findings = report.files[0].findings.size();
    annotate::CheckRunOptions capped = options_with(Risk::Medium);
    capped.max_annotations = 4;  // the four HIGH findings
    annotate::CheckRunPlan plan = annotate::plan_check_run(report, capped);
    std::vector<json> all = all_annotations(plan);
    REQUIRE(all.size() == 4);
    for (const auto& a : all) CHECK(a["annotation_level"] == "failure");
    CHECK(all[0]["start_line"] == 1);
    CHECK(all[1]["start_line"] == 1);
    CHECK(all[0]["start_column"] < all[1]["start_column"]);
    CHECK(all[2]["start_line"] == 4);
    CHECK(all[3]["start_line"] == 6);
    CHECK(plan.annotations == 4);
    CHECK(plan.annotations_left_out == findings - 4);  // findings, the fold's three among them
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

TEST_CASE("check run: a statement pgfence could not see fails it whatever its risk, unless unknown = warn") {
    // One MEDIUM unknown-statement finding (issue #53): below --max-risk medium.
    Report report;
    report.files.push_back(analyze_one("db/001.sql", "SET lock_timeout = '2s';\nSELECT app.rebuild_everything();\n",
                                       only_rule("unknown-statement")));
    REQUIRE(report.files[0].findings.size() == 1);
    REQUIRE(report.files[0].findings[0].risk == Risk::Medium);
    CHECK(annotate::check_conclusion(report, Risk::Medium) == "failure");
    CHECK(annotate::check_conclusion(report, Risk::Medium, false) == "neutral");

    annotate::CheckRunPlan plan = annotate::plan_check_run(report, options_with(Risk::Medium));
    CHECK(plan.conclusion == "failure");
    CHECK(plan.create["output"]["title"] == "1 finding above MEDIUM or not seen (1 statement pgfence could not see)");
    std::string summary = plan.create["output"]["summary"];
    CHECK(summary.find("pgfence could not see what these statements do") != std::string::npos);
    CHECK(summary.find("and on statements pgfence could not see") != std::string::npos);
    CHECK(request_errors({plan.create}, "checks.create") == "");

    annotate::CheckRunOptions relaxed = options_with(Risk::Medium);
    relaxed.unknown_fails = false;
    annotate::CheckRunPlan warned = annotate::plan_check_run(report, relaxed);
    CHECK(warned.conclusion == "neutral");
    CHECK(warned.create["output"]["title"] == "1 finding, none above MEDIUM");

    // Pre-existing, it is a notice like any other.
    report.files[0].findings[0].pre_existing = true;
    CHECK(annotate::check_conclusion(report, Risk::Medium) == "neutral");
}
