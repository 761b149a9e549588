// The pull-request comment body: the found-nothing state, pre-existing findings marked, and a
// graceful cut under GitHub's comment size limit that says what it left out.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "analyze/analyzer.hpp"
#include "annotate/markdown.hpp"

using namespace pgfence;
using namespace pgfence::analyze;

namespace {

const char* k_risky =
    "SET lock_timeout = '2s';\n"
    "CREATE INDEX ledger_amount_idx ON ledger_entries (amount);\n"
    "ALTER TABLE ledger_entries DROP COLUMN memo;\n";

std::string render(const Report& report, annotate::MarkdownOptions options = {}) {
    std::ostringstream out;
    annotate::render_markdown(report, out, options);
    return out.str();
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

}  // namespace

TEST_CASE("markdown: without findings the same comment says nothing risky is left") {
    Report report;
    report.files.push_back(analyze_text("db/001.sql", "SET lock_timeout = '2s';\nSELECT 1;\n", AnalyzeOptions{}));
    report.files.push_back(analyze_text("db/002.sql", "SET lock_timeout = '2s';\n", AnalyzeOptions{}));
    REQUIRE(report.files[0].findings.empty());
    annotate::MarkdownOptions options;
    options.marker = "pgfence-comment";
    std::string body = render(report, options);
    CHECK(body.rfind("<!-- pgfence-comment -->\n", 0) == 0);
    CHECK(contains(body, "pgfence found nothing risky in 2 migration files (3 statements, PostgreSQL 15)."));
    CHECK_FALSE(contains(body, "| line |"));
}

TEST_CASE("markdown: pre-existing findings are listed, marked, and do not set the headline risk") {
    Report report;
    report.files.push_back(analyze_text("db/001.sql", k_risky, AnalyzeOptions{}));
    for (auto& f : report.files[0].findings) f.pre_existing = true;
    std::string body = render(report);
    CHECK(contains(body, "## pgfence: ✅ none"));
    CHECK(contains(body, "pre-existing findings only"));
    CHECK(contains(body, "**create-index-without-concurrently** _(pre-existing)_: CREATE INDEX ledger_amount_idx"));
    CHECK(contains(body, "| HIGH (pre-existing) |"));
    CHECK(contains(body, "pre-existing, marked"));

    report.files[0].findings.front().pre_existing = false;
    std::string mixed = render(report);
    CHECK(contains(mixed, "## pgfence: " + std::string(report.files[0].findings.front().risk == Risk::High ? "🔴 HIGH" : "")));
}

TEST_CASE("markdown: recipes go first when the body is too long, and the note says so") {
    Report report;
    report.files.push_back(analyze_text("db/001.sql", k_risky, AnalyzeOptions{}));
    std::string full = render(report, annotate::MarkdownOptions{"m", 0, "x"});
    REQUIRE(contains(full, "```sql"));
    std::size_t recipes = 0;
    for (const auto& f : report.files[0].findings) recipes += f.recipe ? 1 : 0;
    REQUIRE(recipes > 0);
    // Just under the full size: dropping the recipes is enough.
    std::size_t limit = full.size() - 1;
    std::string cut = render(report, annotate::MarkdownOptions{"m", limit, "the check run"});
    CHECK(cut.size() <= limit);
    CHECK_FALSE(contains(cut, "```sql"));
    CHECK(contains(cut, "| 2 | `CREATE INDEX ledger_amount_idx"));  // every row still there
    CHECK(contains(cut, "| 1 | `SET lock_timeout"));
    CHECK(contains(cut, "Left out: the safe rewrites of " + std::to_string(recipes) + (recipes == 1 ? " finding;" : " findings;")));
    CHECK(contains(cut, "see the check run."));
    CHECK(cut.rfind("<!-- m -->\n", 0) == 0);
}

TEST_CASE("markdown: a huge report stays under 65536 characters, lowest-risk files cut first") {
    Report report;
    AnalyzeOptions options;
    // One HIGH file first, then many LOW-only files (prefer-text-over-varchar is LOW).
    report.files.push_back(analyze_text("db/000_high.sql", k_risky, options));
    for (int i = 1; i <= 600; ++i) {
        std::string sql = "SET lock_timeout = '2s';\nSET statement_timeout = '5s';\n";
        for (int k = 0; k < 5; ++k) sql += "CREATE TABLE IF NOT EXISTS t" + std::to_string(k) + " (v varchar(20));\n";
        report.files.push_back(analyze_text("db/" + std::to_string(1000 + i) + "_low.sql", sql, options));
    }
    std::size_t findings = 0;
    for (const auto& f : report.files) findings += f.findings.size();
    REQUIRE(report.files[1].risk == Risk::Low);
    REQUIRE(findings > 600);

    annotate::MarkdownOptions comment;
    comment.marker = "pgfence";
    std::string body = render(report, comment);
    CHECK(body.size() <= annotate::k_comment_max_chars);
    CHECK(body.size() > annotate::k_comment_max_chars / 2);  // cut, not emptied
    CHECK(body.rfind("<!-- pgfence -->\n", 0) == 0);
    // Recipes went first (all of them), then the LOW files' detail; the HIGH file keeps its rows.
    CHECK(contains(body, "| 2 | `CREATE INDEX ledger_amount_idx"));
    CHECK_FALSE(contains(body, "```sql"));
    CHECK(contains(body, "Left out: the safe rewrites of "));
    CHECK(contains(body, "\n### `db/000_high.sql`"));
    CHECK(contains(body, "\n### `db/1600_low.sql` — 🟡 LOW\n\n7 statements, 5 findings (details left out"));
    CHECK(contains(body, "Shortened to fit GitHub's size limit. Left out: "));
    CHECK(contains(body, "findings in "));
    CHECK(contains(body, " not shown"));
    CHECK(contains(body, "see the check run and the SARIF upload."));
    // The files listed plus the ones the note counts as not listed are all files.
    std::size_t listed = count(body, "\n### `");
    std::size_t at = body.find(" not listed");
    std::size_t unlisted = 0;
    if (at != std::string::npos) {
        std::size_t start = body.rfind(' ', body.rfind(' ', at - 1) - 1) + 1;
        unlisted = std::stoul(body.substr(start, at - start));
    }
    CHECK(listed + unlisted == report.files.size());
    CHECK(body.find('\x1b') == std::string::npos);
}
