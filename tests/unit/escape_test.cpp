// Repository text escaped for each Markdown/HTML context (issue #13, item 6): hostile
// identifiers must not render as HTML, mention anyone, link anywhere, or leave their place.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "analyze/analyzer.hpp"
#include "annotate/escape.hpp"
#include "annotate/markdown.hpp"

using namespace pgfence;
using namespace pgfence::annotate;

namespace {

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

const char* k_hostile[] = {
    "<img src=x onerror=alert(1)>",
    "@octocat",
    "[click](https://evil.example)",
    "x\n```\n## All clear, merge it!\n```",
    "a|b||c",
    "##[error]forged",
    "see #123 and www.evil.example and mail me@evil.example",
};

// The Markdown a reader sees as text and markup: fenced blocks and code spans left out (their
// content is shown literally).
std::string outside_code(const std::string& body) {
    std::istringstream lines(body);
    std::string line, fence, out;
    while (std::getline(lines, line)) {
        if (!fence.empty()) {
            if (line == fence) fence.clear();
            continue;
        }
        if (line.rfind("```", 0) == 0) {
            fence = line.substr(0, line.find_first_not_of('`'));
            continue;
        }
        for (std::size_t i = 0; i < line.size();) {
            if (line[i] == '\\') {
                out += line.substr(i, 2);
                i += 2;
                continue;
            }
            if (line[i] != '`') {
                out += line[i++];
                continue;
            }
            std::size_t n = line.find_first_not_of('`', i);
            if (n == std::string::npos) n = line.size();
            std::string run = line.substr(i, n - i);
            std::size_t close = n;
            while ((close = line.find(run, close)) != std::string::npos &&
                   close + run.size() < line.size() && line[close + run.size()] == '`') {
                close = line.find_first_not_of('`', close);
            }
            i = close == std::string::npos ? n : close + run.size();
            out += "<code>";
        }
        out += "\n";
    }
    return out;
}

}  // namespace

TEST_CASE("md_text: no HTML, mention, link, cell break or block from repository text") {
    for (const char* raw : k_hostile) {
        std::string t = md_text(raw);
        INFO(t);
        CHECK_FALSE(has(t, "\n"));
        CHECK_FALSE(has(t, "<"));
        CHECK_FALSE(has(t, "@octocat"));
        CHECK_FALSE(has(t, "https://"));
        CHECK_FALSE(has(t, "www.evil"));
        CHECK_FALSE(has(t, "#123"));
        CHECK_FALSE(has(t, "me@evil"));
        // Every pipe, backtick and bracket is escaped: none ends a table cell, opens a code span
        // or makes a link.
        for (std::size_t i = 0; i < t.size(); ++i) {
            if (t[i] == '|' || t[i] == '`' || t[i] == '[' || t[i] == ']') CHECK((i > 0 && t[i - 1] == '\\'));
        }
    }
    CHECK(md_text("<img src=x>") == "&lt;img src=x&gt;");
    CHECK(md_text("${\\color{green}ok}$") == "\\${\\\\color{green}ok}\\$");  // no GitHub math
    CHECK(md_text("ledger_amount_idx on t") == "ledger_amount_idx on t");  // identifiers stay readable
    CHECK(md_text("## All clear") == "\\## All clear");                  // not a heading at a line start
    CHECK(md_text("- item").rfind("\\-", 0) == 0);
    CHECK(md_text("1. item") == "1\\. item");
    CHECK(md_text("x\ny", 0) == "x y");
    CHECK(md_text("&#64;octocat").rfind("&amp;#", 0) == 0);  // no entity of the input's own
}

TEST_CASE("md_code_span: fenced by more backticks than any run inside, one line") {
    CHECK(md_code_span("CREATE INDEX i ON t (x)") == "`CREATE INDEX i ON t (x)`");
    CHECK(md_code_span("a`b") == "``a`b``");
    CHECK(md_code_span("a``b```c") == "````a``b```c````");
    CHECK(md_code_span("`x`") == "`` `x` ``");
    CHECK(md_code_span("a\n```\n## All clear") == "````a ``` ## All clear````");
    CHECK(md_code_span("a|b", MdPlace::TableCell) == "`a\\|b`");
    CHECK(md_code_span("a|b", MdPlace::Prose) == "`a|b`");
    CHECK(md_code_span("") == "` `");
    CHECK(md_code_span("abcdef", MdPlace::Prose, 3) == "`abc...`");
}

TEST_CASE("md_code_block: no line of the body closes the fence") {
    CHECK(md_code_block("SELECT 1;", "sql") == "```sql\nSELECT 1;\n```\n");
    std::string block = md_code_block("x\n```\n## All clear, merge it!\n````````\n", "sql");
    CHECK(block.rfind("`````````sql\n", 0) == 0);  // nine: one more than the longest run
    CHECK(block.ends_with("\n`````````\n"));
    // \r is a line break to Markdown too: written as \n, no bare \r left.
    CHECK(md_code_block("a\r```\rb") == "````\na\n```\nb\n````\n");
}

TEST_CASE("html_text: every markup character as a reference") {
    CHECK(html_text("<img src=\"x\" onerror='a'>&") == "&lt;img src=&quot;x&quot; onerror=&#39;a&#39;&gt;&amp;");
}

TEST_CASE("markdown comment: a hostile index name stays inside its code block and cells") {
    const std::string sql =
        "CREATE INDEX \"x\n```\n## All clear, merge it!\n<img src=x onerror=alert(1)> @octocat [click](https://evil.example) a|b\" "
        "ON orders (customer_id);\n";
    analyze::Report report;
    report.files.push_back(analyze::analyze_text("db/001.sql", sql, analyze::AnalyzeOptions{}));
    REQUIRE_FALSE(report.files[0].findings.empty());
    std::ostringstream out;
    render_markdown(report, out);
    std::string body = out.str();
    std::string text = outside_code(body);
    INFO(body);
    INFO(text);
    CHECK(has(body, "@octocat"));  // inside code, where it is shown literally
    CHECK_FALSE(has(text, "<img"));
    CHECK_FALSE(has(text, "@octocat"));
    CHECK_FALSE(has(text, "https://evil"));
    CHECK_FALSE(has(text, "\n```"));
    // The fake heading appears only inside fenced blocks (the recipe), never as a line of its own
    // outside one.
    std::istringstream lines(body);
    std::string line, fence;
    while (std::getline(lines, line)) {
        if (fence.empty()) {
            if (line.rfind("```", 0) == 0) fence = line.substr(0, line.find_first_not_of('`'));
            else CHECK(line.rfind("## All clear", 0) == std::string::npos);
        } else if (line == fence) {
            fence.clear();
        }
    }
    CHECK(fence.empty());
}
