// Session and transaction state the analyzer carries from statement to statement:
// BEGIN/COMMIT/ROLLBACK/SAVEPOINT, SET/SET LOCAL/RESET of the timeouts, tool-wrapped files.
// Where PostgreSQL's behaviour is subtle, the expected value was checked against a
// PostgreSQL 15 server (SHOW lock_timeout after the same statements).
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "analyze/analyzer.hpp"
#include "tests/unit/statement_lookup.hpp"

using namespace pgfence::analyze;
using pgfence::analyze::testing::find;

namespace {

FileReport run(const std::string& text, const std::string& path = "session.sql") {
    AnalyzeOptions options;
    options.run_rules = false;  // facts only: the rules have tests of their own
    return analyze_text(path, text, options);
}

// A setting as a printable value, so a failure shows what the analyzer thought.
std::string shown(const std::optional<std::string>& value) { return value.value_or("(unset)"); }

std::string lock_timeout(const FileReport& report, const std::string& sql) {
    return shown(find(report, sql).settings->lock_timeout);
}

}  // namespace

TEST_CASE("session: BEGIN ... COMMIT marks the statements between as explicit") {
    auto report = run(
        "CREATE TABLE before_tx (id int);\n"
        "BEGIN;\n"
        "ALTER TABLE t ADD COLUMN c int;\n"
        "COMMIT;\n"
        "CREATE TABLE after_tx (id int);\n");
    REQUIRE(report.statements.size() == 5);
    CHECK(report.statements[0].transaction == Transaction::None);
    CHECK(report.statements[1].transaction == Transaction::Explicit);  // state after BEGIN
    CHECK(report.statements[2].transaction == Transaction::Explicit);
    CHECK(report.statements[3].transaction == Transaction::None);  // state after COMMIT
    CHECK(report.statements[4].transaction == Transaction::None);
}

TEST_CASE("session: START TRANSACTION and ROLLBACK, END and ABORT") {
    auto report = run(
        "START TRANSACTION ISOLATION LEVEL SERIALIZABLE;\n"
        "ALTER TABLE t ADD COLUMN a int;\n"
        "ROLLBACK;\n"
        "ALTER TABLE t ADD COLUMN b int;\n"
        "BEGIN WORK;\n"
        "ALTER TABLE t ADD COLUMN c int;\n"
        "END;\n"
        "ALTER TABLE t ADD COLUMN d int;\n");
    CHECK(find(report, "ALTER TABLE t ADD COLUMN a int").transaction == Transaction::Explicit);
    CHECK(find(report, "ALTER TABLE t ADD COLUMN b int").transaction == Transaction::None);
    CHECK(find(report, "ALTER TABLE t ADD COLUMN c int").transaction == Transaction::Explicit);
    CHECK(find(report, "ALTER TABLE t ADD COLUMN d int").transaction == Transaction::None);
}

TEST_CASE("session: savepoints count their depth") {
    auto report = run(
        "BEGIN;\n"
        "SAVEPOINT a;\n"
        "ALTER TABLE t ADD COLUMN x int;\n"
        "SAVEPOINT b;\n"
        "ALTER TABLE t ADD COLUMN y int;\n"
        "ROLLBACK TO SAVEPOINT b;\n"
        "ALTER TABLE t ADD COLUMN z int;\n"
        "RELEASE SAVEPOINT b;\n"
        "ALTER TABLE t ADD COLUMN w int;\n"
        "COMMIT;\n"
        "ALTER TABLE t ADD COLUMN v int;\n");
    CHECK(find(report, "ALTER TABLE t ADD COLUMN x int").savepoint_depth == 1);
    CHECK(find(report, "ALTER TABLE t ADD COLUMN y int").savepoint_depth == 2);
    // ROLLBACK TO keeps the savepoint it returns to.
    CHECK(find(report, "ALTER TABLE t ADD COLUMN z int").savepoint_depth == 2);
    CHECK(find(report, "ALTER TABLE t ADD COLUMN w int").savepoint_depth == 1);
    CHECK(find(report, "ALTER TABLE t ADD COLUMN v int").savepoint_depth == 0);
    CHECK(find(report, "ALTER TABLE t ADD COLUMN v int").transaction == Transaction::None);
}

TEST_CASE("session: RELEASE and ROLLBACK TO an outer savepoint end the ones opened after it") {
    // PostgreSQL's docs: RELEASE SAVEPOINT "also destroys all savepoints that were established
    // after the named savepoint"; ROLLBACK TO SAVEPOINT destroys them too but keeps the named one.
    auto report = run(
        "BEGIN;\n"
        "SAVEPOINT a;\n"
        "SAVEPOINT b;\n"
        "RELEASE SAVEPOINT a;\n"
        "ALTER TABLE t ADD COLUMN x int;\n"
        "SAVEPOINT c;\n"
        "SAVEPOINT d;\n"
        "SAVEPOINT e;\n"
        "ROLLBACK TO SAVEPOINT c;\n"
        "ALTER TABLE t ADD COLUMN y int;\n"
        "COMMIT;\n");
    CHECK(find(report, "ALTER TABLE t ADD COLUMN x int").savepoint_depth == 0);
    CHECK(find(report, "ALTER TABLE t ADD COLUMN y int").savepoint_depth == 1);
}

TEST_CASE("session: SET applies to the statements after it, RESET clears it") {
    auto report = run(
        "SET lock_timeout = '2s';\n"
        "SET statement_timeout TO 5000;\n"
        "SET idle_in_transaction_session_timeout = '1min';\n"
        "SET application_name = 'migrator';\n"
        "ALTER TABLE t ADD COLUMN a int;\n"
        "RESET lock_timeout;\n"
        "ALTER TABLE t ADD COLUMN b int;\n"
        "SET statement_timeout TO DEFAULT;\n"
        "ALTER TABLE t ADD COLUMN c int;\n"
        "RESET ALL;\n"
        "ALTER TABLE t ADD COLUMN d int;\n");
    // A SET does not apply to itself.
    CHECK(shown(report.statements[0].settings->lock_timeout) == "(unset)");
    CHECK(shown(report.statements[1].settings->lock_timeout) == "2s");

    const auto& a = *find(report, "ALTER TABLE t ADD COLUMN a int").settings;
    CHECK(shown(a.lock_timeout) == "2s");
    CHECK(shown(a.statement_timeout) == "5000");
    CHECK(shown(a.idle_in_transaction_session_timeout) == "1min");
    CHECK(shown(a.application_name) == "migrator");

    const auto& b = *find(report, "ALTER TABLE t ADD COLUMN b int").settings;
    CHECK(shown(b.lock_timeout) == "(unset)");
    CHECK(shown(b.statement_timeout) == "5000");

    const auto& c = *find(report, "ALTER TABLE t ADD COLUMN c int").settings;
    CHECK(shown(c.statement_timeout) == "(unset)");
    CHECK(shown(c.application_name) == "migrator");

    const auto& d = *find(report, "ALTER TABLE t ADD COLUMN d int").settings;
    CHECK(shown(d.idle_in_transaction_session_timeout) == "(unset)");
    CHECK(shown(d.application_name) == "(unset)");
}

TEST_CASE("session: SET LOCAL lasts until the end of the transaction") {
    auto report = run(
        "SET lock_timeout = '5s';\n"
        "BEGIN;\n"
        "SET LOCAL lock_timeout = '1s';\n"
        "ALTER TABLE t ADD COLUMN a int;\n"
        "COMMIT;\n"
        "ALTER TABLE t ADD COLUMN b int;\n");
    CHECK(lock_timeout(report, "ALTER TABLE t ADD COLUMN a int") == "1s");
    CHECK(lock_timeout(report, "ALTER TABLE t ADD COLUMN b int") == "5s");
}

TEST_CASE("session: SET LOCAL outside a transaction has no effect") {
    auto report = run(
        "SET LOCAL lock_timeout = '1s';\n"
        "ALTER TABLE t ADD COLUMN a int;\n");
    CHECK(lock_timeout(report, "ALTER TABLE t ADD COLUMN a int") == "(unset)");
    bool noted = false;
    for (const auto& n : report.statements[0].notes) noted = noted || n.find("no effect") != std::string::npos;
    CHECK(noted);
}

TEST_CASE("session: in a file the tool wraps, SET LOCAL holds for the rest of the file") {
    auto report = run(
        "-- +goose Up\n"
        "SET LOCAL lock_timeout = '3s';\n"
        "ALTER TABLE t ADD COLUMN a int;\n"
        "ALTER TABLE t ADD COLUMN b int;\n");
    CHECK(report.wrapped_in_transaction);
    CHECK(find(report, "ALTER TABLE t ADD COLUMN a int").transaction == Transaction::Implicit);
    CHECK(lock_timeout(report, "ALTER TABLE t ADD COLUMN b int") == "3s");
}

TEST_CASE("session: BEGIN inside a wrapped file is explicit, and COMMIT returns to the tool's transaction") {
    auto report = run(
        "-- +goose Up\n"
        "ALTER TABLE t ADD COLUMN a int;\n"
        "BEGIN;\n"
        "ALTER TABLE t ADD COLUMN b int;\n"
        "COMMIT;\n"
        "ALTER TABLE t ADD COLUMN c int;\n");
    CHECK(find(report, "ALTER TABLE t ADD COLUMN a int").transaction == Transaction::Implicit);
    CHECK(find(report, "ALTER TABLE t ADD COLUMN b int").transaction == Transaction::Explicit);
    CHECK(find(report, "ALTER TABLE t ADD COLUMN c int").transaction == Transaction::Implicit);
}

TEST_CASE("session: a plain SET after SET LOCAL in the same transaction wins") {
    // PostgreSQL 15: BEGIN; SET LOCAL lock_timeout='1s'; SET lock_timeout='5s'; SHOW -> 5s.
    auto report = run(
        "BEGIN;\n"
        "SET LOCAL lock_timeout = '1s';\n"
        "SET lock_timeout = '5s';\n"
        "ALTER TABLE t ADD COLUMN a int;\n"
        "COMMIT;\n"
        "ALTER TABLE t ADD COLUMN b int;\n");
    CHECK(lock_timeout(report, "ALTER TABLE t ADD COLUMN a int") == "5s");
    CHECK(lock_timeout(report, "ALTER TABLE t ADD COLUMN b int") == "5s");
}

TEST_CASE("session: SET LOCAL ... TO DEFAULT overrides the session value for the transaction") {
    // PostgreSQL 15: SET lock_timeout='3s'; BEGIN; SET LOCAL lock_timeout TO DEFAULT; SHOW -> 0.
    auto report = run(
        "SET lock_timeout = '3s';\n"
        "BEGIN;\n"
        "SET LOCAL lock_timeout TO DEFAULT;\n"
        "ALTER TABLE t ADD COLUMN a int;\n"
        "COMMIT;\n"
        "ALTER TABLE t ADD COLUMN b int;\n");
    CHECK(lock_timeout(report, "ALTER TABLE t ADD COLUMN a int") == "(unset)");
    CHECK(lock_timeout(report, "ALTER TABLE t ADD COLUMN b int") == "3s");
}

TEST_CASE("session: ROLLBACK undoes the SETs made in the transaction") {
    // PostgreSQL 15: SET '5s'; BEGIN; SET '7s'; ROLLBACK; SHOW -> 5s.
    auto report = run(
        "SET lock_timeout = '5s';\n"
        "BEGIN;\n"
        "SET lock_timeout = '7s';\n"
        "ROLLBACK;\n"
        "ALTER TABLE t ADD COLUMN a int;\n");
    CHECK(lock_timeout(report, "ALTER TABLE t ADD COLUMN a int") == "5s");
}

TEST_CASE("session: ROLLBACK TO SAVEPOINT undoes the SETs made after the savepoint") {
    // PostgreSQL 15: SET '3s'; BEGIN; SAVEPOINT a; SET '9s'; ROLLBACK TO SAVEPOINT a; SHOW -> 3s.
    auto report = run(
        "SET lock_timeout = '3s';\n"
        "BEGIN;\n"
        "SAVEPOINT a;\n"
        "SET lock_timeout = '9s';\n"
        "ROLLBACK TO SAVEPOINT a;\n"
        "ALTER TABLE t ADD COLUMN a int;\n"
        "COMMIT;\n");
    CHECK(lock_timeout(report, "ALTER TABLE t ADD COLUMN a int") == "3s");
}

TEST_CASE("analyzer: one broken statement does not hide the ones after it") {
    auto report = run(
        "ALTER TABLE a ADD COLUMN x int;\n"
        "ALTER TABLE b ADD COLUMN y int NOT NULL DEFAULT;\n"
        "SET lock_timeout = '1s';\n"
        "ALTER TABLE c ALTER COLUMN z TYPE bigint;\n");
    REQUIRE(report.statements.size() == 4);
    const auto& broken = report.statements[1];
    CHECK(broken.status == StatementStatus::Unparsable);
    REQUIRE(broken.parse_error);
    CHECK(broken.parse_error->file == "session.sql");
    REQUIRE(broken.parse_error->where);
    // "DEFAULT;" has nothing after it: the parser stops at the end of the statement.
    CHECK(broken.parse_error->where->line == 2);
    CHECK(broken.kind.empty());
    CHECK(broken.locks.empty());

    const auto& after = report.statements[3];
    CHECK(after.status == StatementStatus::Analyzed);
    CHECK(shown(after.settings->lock_timeout) == "1s");
    REQUIRE(after.locks.size() == 1);
    CHECK(after.locks[0].relation == "c");
    CHECK(after.locks[0].mode == LockMode::AccessExclusive);
    CHECK_FALSE(after.rewrites.empty());
}

TEST_CASE("analyzer: a parse error points at the offending token") {
    auto report = run("-- first\nSELECT 1;\n  SELECT * FROM WHERE x;\n");
    REQUIRE(report.statements.size() == 2);
    const auto& e = report.statements[1].parse_error;
    REQUIRE(e);
    REQUIRE(e->where);
    CHECK(e->where->line == 3);
    CHECK(e->where->column == 17);  // the W of WHERE
    CHECK(e->describe() == "session.sql:3:17: " + e->message);
}

TEST_CASE("analyzer: a parse error after non-ASCII text still points at the offending token") {
    // PostgreSQL reports the error position in characters, not bytes.
    auto report = run("SELECT 'ééééé' FROM WHERE;\n");
    REQUIRE(report.statements.size() == 1);
    const auto& e = report.statements[0].parse_error;
    REQUIRE(e);
    REQUIRE(e->where);
    CHECK(e->where->line == 1);
    CHECK(e->where->column == 21);  // the W of WHERE
}

TEST_CASE("findings: one finding for the subcommands one rewrite does, saying how many and where") {
    AnalyzeOptions options;
    // ev exists before the file (no history defines it).
    const std::string sql = "SELECT 1;\n"
                            "SELECT 2;\n"
                            "ALTER TABLE ev ADD COLUMN a text GENERATED ALWAYS AS (attrs->>'a') STORED,\n"
                            "  ADD COLUMN b text GENERATED ALWAYS AS (attrs->>'b') STORED,\n"
                            "  ADD COLUMN c text GENERATED ALWAYS AS (attrs->>'c') STORED;\n";
    FileReport report = analyze_text("0002_ev.sql", sql, options);
    int generated = 0;
    for (const auto& f : report.findings) {
        if (f.rule != "add-column-stored-generated") continue;
        ++generated;
        CHECK(f.start.line == 3);
        CHECK(f.message.find("the same rewrite does 2 more subcommands of this statement (at 4:3, 5:3)") != std::string::npos);
    }
    CHECK(generated == 1);
    // Two statements, two rewrites: two findings.
    FileReport two = analyze_text("0003_ev.sql",
                                  "ALTER TABLE ev ADD COLUMN a text GENERATED ALWAYS AS (attrs->>'a') STORED;\n"
                                  "ALTER TABLE ev ADD COLUMN b text GENERATED ALWAYS AS (attrs->>'b') STORED;\n",
                                  options);
    int separate = 0;
    for (const auto& f : two.findings) separate += f.rule == "add-column-stored-generated" ? 1 : 0;
    CHECK(separate == 2);
}
