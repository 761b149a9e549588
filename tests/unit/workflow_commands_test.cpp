// `--format github`: workflow commands the Actions runner turns into annotations, with
// GitHub's escaping so no message or path can end a command early or forge another.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "annotate/workflow_commands.hpp"

using namespace pgfence;
using namespace pgfence::analyze;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

}  // namespace

TEST_CASE("workflow commands: data and property escaping") {
    CHECK(annotate::escape_command_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b");
    CHECK(annotate::escape_command_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A");
    CHECK(annotate::escape_command_data("%0A") == "%250A");  // an encoded newline stays text
}

TEST_CASE("workflow commands: one command per finding, level by risk, statement lines") {
    const char* sql =
        "SET lock_timeout = '2s';\n"
        "CREATE INDEX ledger_amount_idx ON ledger_entries (amount);\n"
        "ALTER TABLE ledger_entries\n"
        "  ADD CONSTRAINT ledger_account_fk FOREIGN KEY (account_id) REFERENCES ledger_accounts (id);\n"
        "ALTER TABLE ledger_entries DROP COLUMN memo;\n";
    Report report;
    report.files.push_back(analyze_text("db/migrate/001,a:b.sql", sql, AnalyzeOptions{}));
    auto& findings = report.files[0].findings;
    REQUIRE(findings.size() >= 3);
    findings.back().pre_existing = true;
    Risk last_risk = findings.back().risk;

    std::ostringstream out;
    annotate::render_workflow_commands(report, out);
    std::vector<std::string> lines = lines_of(out.str());
    REQUIRE(lines.size() == findings.size());  // messages with line breaks stay on one line
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const Finding& f = findings[i];
        const std::string& line = lines[i];
        INFO(line);
        std::string command = f.pre_existing ? "notice" : f.risk >= Risk::High ? "error" : f.risk == Risk::Medium ? "warning" : "notice";
        CHECK(line.rfind("::" + command + " file=db/migrate/001%2Ca%3Ab.sql,line=" + std::to_string(f.start.line) +
                             ",endLine=" + std::to_string(f.stop.line),
                         0) == 0);
        bool one_line = f.start.line == f.stop.line;
        CHECK((line.find(",col=" + std::to_string(f.start.column) + ",endColumn=" + std::to_string(f.stop.column) + ",") !=
               std::string::npos) == one_line);
        std::string title = f.rule + " (" + std::string(risk_name(f.risk)) + (f.pre_existing ? "%2C pre-existing" : "") + ")";
        CHECK(line.find(",title=" + title + "::" + f.message) != std::string::npos);
        if (!f.fix.empty()) CHECK(line.find("%0AFix: ") != std::string::npos);
    }
    CHECK(lines.back().rfind("::notice ", 0) == 0);
    CHECK(last_risk >= Risk::Low);
    CHECK(out.str().find("::error file=") != std::string::npos);
    CHECK(out.str().find("line=3,endLine=4,title=add-foreign-key-without-not-valid") != std::string::npos);
}

TEST_CASE("workflow commands: a file's session-setting findings are one command, the rest one each in source order") {
    const char* sql =
        "ALTER TABLE accounts\n"
        "  ADD CONSTRAINT a_check CHECK (x > 0),\n"
        "  ADD CONSTRAINT a_fk FOREIGN KEY (y) REFERENCES users (id);\n"
        "BEGIN;\n"
        "SET LOCAL lock_timeout = '2s';\n"
        "CREATE INDEX accounts_z ON accounts (z);\n"
        "COMMIT;\n"
        "CREATE INDEX accounts_w ON accounts (w);\n";
    Report report;
    report.files.push_back(analyze_text("db/001.sql", sql, AnalyzeOptions{}));
    const auto& findings = report.files[0].findings;
    std::size_t settings = 0;
    for (const auto& f : findings) settings += f.rule.find("timeout") != std::string::npos;
    REQUIRE(settings == 3);

    std::ostringstream out;
    annotate::render_workflow_commands(report, out);
    std::vector<std::string> lines = lines_of(out.str());
    REQUIRE(lines.size() == findings.size() - 2);
    CHECK(lines[0].rfind("::warning file=db/001.sql,line=1,endLine=1,title=session settings%3A lock-timeout-missing%2C "
                         "statement-timeout-missing (MEDIUM)::lock-timeout-missing on lines 1 and 8; "
                         "statement-timeout-missing on line 1.%0A%0ALine 1, lock-timeout-missing (MEDIUM): ",
                         0) == 0);
    CHECK(lines[0].find("%0AFix: add `SET lock_timeout = '2s';` on a line before line 8") != std::string::npos);
    // Each clause of the ALTER TABLE on its own line, then the indexes.
    CHECK(lines[1].rfind("::error file=db/001.sql,line=2,endLine=2,col=3,endColumn=38,title=add-check-without-not-valid (HIGH)::", 0) == 0);
    std::vector<int> starts;
    for (const auto& line : lines) {
        INFO(line);
        CHECK((line.find("timeout-missing (") == std::string::npos || &line == &lines[0]));
        auto at = line.find(",line=") + 6;
        starts.push_back(std::stoi(line.substr(at)));
    }
    CHECK(std::is_sorted(starts.begin(), starts.end()));
    CHECK(starts[1] == 2);
    CHECK(std::count(starts.begin(), starts.end(), 3) >= 1);  // the foreign key's clause
}

TEST_CASE("workflow commands: an unreadable file is an error, control bytes never reach the log") {
    Report report;
    FileReport missing;
    missing.path = "db/missing.sql";
    missing.error = Error{"cannot open: No such file", "db/missing.sql", std::nullopt};
    report.files.push_back(missing);
    report.files.push_back(analyze_text("db/x.sql", "DROP TABLE \"evil\x1b[31m\";\n", AnalyzeOptions{}));
    std::ostringstream out;
    annotate::render_workflow_commands(report, out);
    CHECK(out.str().rfind("::error file=db/missing.sql,title=pgfence::cannot open: No such file\n", 0) == 0);
    CHECK(out.str().find('\x1b') == std::string::npos);
}
