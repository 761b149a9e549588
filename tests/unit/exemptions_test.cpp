// Exemptions (pgfence-ignore comments with a reason, an owner or an expiry that hid findings) in
// every output: the JSON report's suppressed entries, SARIF's result.suppressions, the review
// comment's Exemptions table and the terminal; repository text in them stays inert in each.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "analyze/analyzer.hpp"
#include "annotate/json_report.hpp"
#include "annotate/markdown.hpp"
#include "annotate/sarif.hpp"
#include "annotate/terminal.hpp"
#include "tests/unit/schema_check.hpp"

using namespace pgfence;
using namespace pgfence::analyze;
using nlohmann::json;
using pgfence::test::schema_errors;

namespace {

const std::string k_index = "CREATE INDEX users_email_idx ON users (email);\n";

// Reason and owner a hostile pull request might write: Markdown, HTML, mentions, references,
// a workflow command, a carriage return, an ANSI escape and a table cell's bar.
const std::string k_hostile_reason =
    "<img src=x onerror=alert(1)> **bold** [x](https://evil.example) @everyone #1 | cell ::error::pwned \x1b[31mred\r\n";

std::string migration() {
    return "SET lock_timeout = '2s';\n"
           "-- pgfence-ignore: create-index-without-concurrently -- reason=\"users has 40 rows\" owner=@acme/db-team until=2026-12-01\n" +
           k_index +
           "-- pgfence-ignore: create-index-without-concurrently\n"
           "CREATE INDEX users_name_idx ON users (name);\n"
           "-- pgfence-ignore: create-index-without-concurrently -- reason=\"" + k_hostile_reason.substr(0, k_hostile_reason.size() - 2) +
           "\\\" end\" owner=@everyone\nCREATE INDEX users_age_idx ON users (age);\n";
}

Report report_of(const std::string& text) {
    AnalyzeOptions options;
    options.rules.today = CivilDate{2026, 6, 1};
    Report report;
    report.files.push_back(analyze_text("db/001.sql", text, options));
    return report;
}

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

}  // namespace

TEST_CASE("exemptions: the hostile comment is read as one reason and one owner") {
    Report report = report_of(migration());
    REQUIRE(report.files[0].suppressed.size() == 3);
    const Finding& hostile = report.files[0].suppressed[2];
    REQUIRE(hostile.suppressed_by);
    CHECK(hostile.suppressed_by->owner == "@everyone");
    CHECK(contains(hostile.suppressed_by->reason, "::error::pwned"));
    CHECK(contains(hostile.suppressed_by->reason, "\x1b[31m"));
    CHECK(contains(hostile.suppressed_by->reason, "\" end"));
}

TEST_CASE("exemptions: JSON suppressed entries carry suppression_line, reason, owner, until and validate") {
    Report report = report_of(migration());
    std::ostringstream out;
    annotate::write_json_report(report, out);
    json doc = json::parse(out.str());
    const json& suppressed = doc["files"][0]["suppressed"];
    REQUIRE(suppressed.size() == 3);
    CHECK(suppressed[0]["suppression_line"] == 2);
    CHECK(suppressed[0]["reason"] == "users has 40 rows");
    CHECK(suppressed[0]["owner"] == "@acme/db-team");
    CHECK(suppressed[0]["until"] == "2026-12-01");
    CHECK(suppressed[1]["suppression_line"] == 4);
    CHECK(suppressed[1]["reason"].is_null());
    CHECK(suppressed[1]["owner"].is_null());
    CHECK(suppressed[1]["until"].is_null());
    // Findings that are not suppressed carry none of them.
    for (const auto& f : doc["files"][0]["findings"]) {
        CHECK_FALSE(f.contains("owner"));
        CHECK_FALSE(f.contains("suppression_line"));
    }
    CHECK(schema_errors(doc, std::string(PGFENCE_SOURCE_DIR) + "/docs/pgfence-report.schema.json") == "");
    // The schema refuses what the writer never writes: an owner that is not @login.
    json bad = doc;
    bad["files"][0]["suppressed"][0]["owner"] = "alice";
    CHECK(schema_errors(bad, std::string(PGFENCE_SOURCE_DIR) + "/docs/pgfence-report.schema.json") != "");
}

TEST_CASE("exemptions: SARIF results with inSource suppressions, valid SARIF 2.1.0") {
    Report report = report_of(migration());
    json sarif = annotate::report_to_sarif(report);
    CHECK(schema_errors(sarif, std::string(PGFENCE_SOURCE_DIR) + "/../shared/schemas/sarif-schema-2.1.0.json") == "");
    const json& results = sarif["runs"][0]["results"];
    std::vector<json> suppressed;
    for (const auto& r : results) {
        if (r.contains("suppressions")) suppressed.push_back(r);
    }
    // The bare pgfence-ignore is no exemption: two of the three suppressed findings are listed.
    REQUIRE(suppressed.size() == 2);
    const json& s = suppressed[0]["suppressions"][0];
    CHECK(s["kind"] == "inSource");
    CHECK(s["status"] == "accepted");
    CHECK(s["justification"] == "users has 40 rows");
    CHECK(s["properties"]["owner"] == "@acme/db-team");
    CHECK(s["properties"]["until"] == "2026-12-01");
    CHECK(s["properties"]["line"] == 2);
    CHECK(suppressed[0]["ruleId"] == "create-index-without-concurrently");
    const json& rules = sarif["runs"][0]["tool"]["driver"]["rules"];
    CHECK(rules[suppressed[0]["ruleIndex"].get<int>()]["id"] == "create-index-without-concurrently");
    // No line of the file is a workflow command (a log that prints it must not run it): the
    // carriage return stays escaped inside the string, so "::error::" stays mid-line.
    std::ostringstream text;
    annotate::render_sarif(report, text);
    CHECK(contains(text.str(), "cell ::error::pwned"));
    std::istringstream lines(text.str());
    for (std::string line; std::getline(lines, line);) {
        INFO(line);
        std::size_t start = line.find_first_not_of(' ');
        bool command = start != std::string::npos && line.compare(start, 2, "::") == 0;
        CHECK_FALSE(command);
        CHECK(line.find('\r') == std::string::npos);
    }
    CHECK_FALSE(contains(text.str(), "\x1b"));
}

TEST_CASE("exemptions: the review comment lists them, every repository string inert") {
    Report report = report_of(migration());
    annotate::MarkdownOptions options;
    options.links.server = "https://github.com";
    options.links.repository = "octo/app";
    options.links.sha = std::string(40, 'a');
    std::ostringstream out;
    annotate::render_markdown(report, out, options);
    std::string body = out.str();
    INFO(body);
    CHECK(contains(body, "**Exemptions** (2 by `pgfence-ignore` comments):"));
    CHECK(contains(body, "- **[create-index-without-concurrently]** at [`db/001.sql:2`][L"));
    CHECK(contains(body, "] — owner @\xE2\x80\x8B" "acme/db-team · until 2026-12-01 · reason: users has 40 rows\n"));
    // The bare pgfence-ignore (line 4) is not an exemption.
    CHECK_FALSE(contains(body, "db/001.sql:4"));
    // The hostile row: no HTML, link, mention, reference, bar, workflow command or ESC.
    CHECK_FALSE(contains(body, "<img"));
    CHECK(contains(body, "&lt;img src=x onerror=alert(1)&gt;"));
    CHECK_FALSE(contains(body, "**bold**"));
    CHECK_FALSE(contains(body, "[x](https://evil.example)"));
    CHECK_FALSE(contains(body, "@everyone"));
    CHECK_FALSE(contains(body, "#1 "));
    CHECK(contains(body, "\\| cell"));
    CHECK_FALSE(contains(body, "\x1b"));
    CHECK_FALSE(contains(body, "\r"));
    // One item per line: the carriage return did not end it.
    auto row = body.find("owner @\xE2\x80\x8B" "everyone · reason: ");
    REQUIRE(row != std::string::npos);
    CHECK(body.find('\n', row) > body.find("\" end", row));

    // Everything suppressed: the "nothing risky" comment still lists them, with its links.
    Report quiet = report_of("SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n"
                             "-- pgfence-ignore: create-index-without-concurrently -- reason=\"tiny\" owner=@alice\n" + k_index);
    REQUIRE(quiet.files[0].findings.empty());
    std::ostringstream q;
    annotate::render_markdown(quiet, q, options);
    INFO(q.str());
    CHECK(contains(q.str(), "nothing risky"));
    CHECK(contains(q.str(), "- **[create-index-without-concurrently]** at [`db/001.sql:3`][L1] — owner @\xE2\x80\x8B" "alice · reason: tiny\n"));
    CHECK(contains(q.str(), "\n[L1]: https://github.com/octo/app/blob/" + std::string(40, 'a') + "/db/001.sql#L3\n"));
    CHECK(contains(q.str(), "\n[create-index-without-concurrently]: "));
}

TEST_CASE("exemptions: the terminal shows one line each, cleaned, and counts bare suppressions") {
    Report report = report_of(migration());
    std::ostringstream out;
    annotate::render_terminal(report, out, annotate::TerminalOptions{false});
    std::string text = out.str();
    INFO(text);
    CHECK(contains(text, "  exempt: create-index-without-concurrently (line 2) owner @acme/db-team until 2026-12-01: users has 40 rows\n"));
    CHECK(contains(text, "  exempt: create-index-without-concurrently (line 6) owner @everyone: "));
    CHECK(contains(text, "  (1 suppressed by pgfence-ignore)\n"));
    CHECK_FALSE(contains(text, "\x1b"));
    CHECK_FALSE(contains(text, "\r"));
}
