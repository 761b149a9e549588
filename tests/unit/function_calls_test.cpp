// Calls of functions the migrations create are analysed as their bodies (function_calls.hpp);
// calls of functions whose body is not known are unknown, never safe (issue #32 item 1).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/model/function_calls.hpp"
#include "analyze/history.hpp"
#include "analyze/parse/source_text.hpp"

using namespace pgfence::analyze;

namespace {

FileReport run(const std::string& sql, const AnalyzeOptions& options = {}) {
    return analyze_text("m.sql", sql, options);
}

const StatementFacts& last(const FileReport& report) {
    REQUIRE_FALSE(report.statements.empty());
    return report.statements.back();
}

const LockFact* lock_on(const StatementFacts& statement, const std::string& relation) {
    for (const auto& lock : statement.locks) {
        if (lock.relation == relation) return &lock;
    }
    return nullptr;
}

int count_rule(const FileReport& report, const std::string& rule) {
    return static_cast<int>(std::count_if(report.findings.begin(), report.findings.end(),
                                          [&](const Finding& f) { return f.rule == rule; }));
}

const Finding* finding(const FileReport& report, const std::string& rule) {
    for (const auto& f : report.findings) {
        if (f.rule == rule) return &f;
    }
    return nullptr;
}

int unknown_statements(const FileReport& report) {
    return static_cast<int>(std::count_if(report.statements.begin(), report.statements.end(),
                                          [](const StatementFacts& s) { return s.status == StatementStatus::Unknown; }));
}

}  // namespace

TEST_CASE("a LANGUAGE sql function's string body runs where it is called", "[function_calls]") {
    FileReport report = run("CREATE TABLE scratch (id int);\n"
                            "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'DROP TABLE users; SELECT 1';\n"
                            "SELECT f();\n");
    const StatementFacts& call = last(report);
    REQUIRE(lock_on(call, "users") != nullptr);
    CHECK(lock_on(call, "users")->mode == LockMode::AccessExclusive);
    CHECK(std::none_of(call.notes.begin(), call.notes.end(), [](const std::string& n) {
        return n.find("locks taken inside functions are not visible") != std::string::npos;
    }));
    const Finding* drop = finding(report, "drop-table");
    REQUIRE(drop != nullptr);
    CHECK(drop->statement == 2);
    CHECK(drop->start.line == 3);
    CHECK(drop->message.rfind("inside f(): ", 0) == 0);
    CHECK(unknown_statements(report) == 0);
}

TEST_CASE("the issue's example: a table the migration did not create, dropped inside f()", "[function_calls]") {
    FileReport report = run("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'DROP TABLE users; SELECT 1';\nSELECT f();\n");
    CHECK(count_rule(report, "drop-table") == 1);
    CHECK(lock_on(last(report), "users") != nullptr);
}

TEST_CASE("a BEGIN ATOMIC body runs where it is called", "[function_calls]") {
    FileReport report = run("CREATE FUNCTION f() RETURNS int LANGUAGE sql\n"
                            "BEGIN ATOMIC\n  DELETE FROM orders;\n  SELECT 1;\nEND;\n"
                            "SELECT f();\n");
    const StatementFacts& call = last(report);
    REQUIRE(lock_on(call, "orders") != nullptr);
    CHECK(lock_on(call, "orders")->mode == LockMode::RowExclusive);
    const Finding* del = finding(report, "delete-without-where");
    REQUIRE(del != nullptr);
    CHECK(del->start.line == 6);
    CHECK(del->message.find("inside f()") != std::string::npos);
}

TEST_CASE("a PL/pgSQL function's statements run where it is called, also through CALL", "[function_calls]") {
    FileReport report = run("CREATE PROCEDURE p() LANGUAGE plpgsql AS $$\n"
                            "BEGIN\n  IF true THEN\n    DROP TABLE users;\n  END IF;\nEND\n$$;\n"
                            "CALL p();\n");
    const StatementFacts& call = last(report);
    CHECK(call.status == StatementStatus::Analyzed);
    REQUIRE(lock_on(call, "users") != nullptr);
    CHECK(lock_on(call, "users")->mode == LockMode::AccessExclusive);
    CHECK(count_rule(report, "drop-table") == 1);
    CHECK(count_rule(report, "unknown-statement") == 0);
}

TEST_CASE("calls inside expressions of INSERT and UPDATE, and nested calls, are followed", "[function_calls]") {
    FileReport report = run("CREATE FUNCTION g() RETURNS int LANGUAGE sql AS $$ TRUNCATE audit; SELECT 1 $$;\n"
                            "CREATE FUNCTION f(x int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM g(); RETURN x; END $$;\n"
                            "INSERT INTO t (a) VALUES (f(1));\n"
                            "UPDATE t SET a = 1 WHERE a = f(2);\n");
    for (std::size_t i : {2u, 3u}) {
        const StatementFacts& s = report.statements[i];
        REQUIRE(lock_on(s, "audit") != nullptr);
        CHECK(lock_on(s, "audit")->mode == LockMode::AccessExclusive);
    }
    const Finding* truncate = finding(report, "truncate");
    REQUIRE(truncate != nullptr);
    CHECK(truncate->message.find("inside f() -> g()") != std::string::npos);
}

TEST_CASE("a function from the replayed history runs where it is called", "[function_calls]") {
    AnalyzeOptions options;
    Replay replay(options);
    replay.replay_text("db/001_functions.sql",
                       "CREATE FUNCTION cleanup() RETURNS void LANGUAGE sql AS 'ALTER TABLE users DROP COLUMN email';\n");
    options.history = replay.snapshot();
    FileReport report = run("SELECT cleanup();\n", options);
    const StatementFacts& call = last(report);
    REQUIRE(lock_on(call, "users") != nullptr);
    CHECK(lock_on(call, "users")->mode == LockMode::AccessExclusive);
    CHECK(count_rule(report, "drop-column") == 1);
    bool noted = std::any_of(call.notes.begin(), call.notes.end(),
                             [](const std::string& n) { return n.find("db/001_functions.sql") != std::string::npos; });
    CHECK(noted);
}

TEST_CASE("a call of a function whose body is not known is unknown", "[function_calls]") {
    FileReport report = run("SELECT app.rebuild_everything();\n"
                            "SELECT now(), count(*), gen_random_uuid(), nextval('s'), set_config('a.b', 'c', true) FROM t;\n"
                            "SELECT pg_advisory_lock(1), pg_catalog.lower('A'), extract(year from now());\n"
                            "SELECT dblink_exec('dbname=app', 'DROP TABLE users');\n");
    CHECK(report.statements[0].status == StatementStatus::Unknown);
    CHECK(report.statements[1].status == StatementStatus::Analyzed);
    CHECK(report.statements[2].status == StatementStatus::Analyzed);
    CHECK(report.statements[3].status == StatementStatus::Unknown);
    CHECK(count_rule(report, "unknown-statement") == 2);
    CHECK(unknown_statements(report) == 2);
}

TEST_CASE("a function in another language, or dropped before the call, is unknown", "[function_calls]") {
    FileReport report = run("CREATE FUNCTION c_fn() RETURNS int LANGUAGE c AS 'lib', 'c_fn';\n"
                            "SELECT c_fn();\n"
                            "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';\n"
                            "DROP FUNCTION f();\n"
                            "SELECT f();\n");
    CHECK(report.statements[1].status == StatementStatus::Unknown);
    CHECK(report.statements[4].status == StatementStatus::Unknown);
}

TEST_CASE("recursive and mutually recursive functions terminate", "[function_calls]") {
    FileReport report = run("CREATE FUNCTION f(n int) RETURNS int LANGUAGE sql AS 'SELECT g(n - 1)';\n"
                            "CREATE FUNCTION g(n int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN DELETE FROM jobs; RETURN f(n); END $$;\n"
                            "CREATE FUNCTION self(n int) RETURNS int LANGUAGE sql AS 'SELECT self(n - 1)';\n"
                            "SELECT f(10), self(3);\n");
    const StatementFacts& call = last(report);
    CHECK(call.status == StatementStatus::Analyzed);
    REQUIRE(lock_on(call, "jobs") != nullptr);
    CHECK(count_rule(report, "delete-without-where") == 1);
}

TEST_CASE("calls nested deeper than the limit are not followed and are unknown", "[function_calls]") {
    std::string sql;
    const int depth = CallFollower::k_max_depth + 4;
    for (int i = 0; i < depth; ++i) {
        sql += "CREATE FUNCTION f" + std::to_string(i) + "() RETURNS int LANGUAGE sql AS 'SELECT f" +
               std::to_string(i + 1) + "()';\n";
    }
    sql += "CREATE FUNCTION f" + std::to_string(depth) + "() RETURNS int LANGUAGE sql AS 'SELECT 1';\nSELECT f0();\n";
    FileReport report = run(sql);
    CHECK(last(report).status == StatementStatus::Unknown);
}

TEST_CASE("a call in a DO block is followed", "[function_calls]") {
    FileReport report = run("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'DROP TABLE users; SELECT 1';\n"
                            "DO $$ BEGIN PERFORM f(); END $$;\n"
                            "DO $$ DECLARE x int; BEGIN x := unknown_fn(); END $$;\n");
    REQUIRE(lock_on(report.statements[1], "users") != nullptr);
    CHECK(count_rule(report, "drop-table") == 1);
    CHECK(report.statements[2].status == StatementStatus::Unknown);
}

TEST_CASE("a column DEFAULT or a view only stores the call", "[function_calls]") {
    FileReport report = run("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'DROP TABLE users; SELECT 1';\n"
                            "CREATE TABLE t (id int DEFAULT f());\n"
                            "CREATE VIEW v AS SELECT f();\n");
    CHECK(lock_on(report.statements[1], "users") == nullptr);
    CHECK(lock_on(report.statements[2], "users") == nullptr);
    CHECK(unknown_statements(report) == 0);
    // A function whose body is not known is unknown where it is attached (function_attach_test.cpp).
    report = run("CREATE TABLE t (id int DEFAULT my_next_id());\nCREATE VIEW v AS SELECT my_next_id();\n");
    CHECK(unknown_statements(report) == 2);
}

TEST_CASE("the catalog keeps functions by signature and forgets dropped ones", "[function_calls]") {
    Catalog catalog;
    catalog.add_function(FunctionInfo{"f", "", "int4", "sql", "CREATE FUNCTION f(int) ...", ""});
    catalog.add_function(FunctionInfo{"f", "", "text", "sql", "CREATE FUNCTION f(text) ...", ""});
    catalog.add_function(FunctionInfo{"f", "", "int4", "plpgsql", "CREATE OR REPLACE FUNCTION f(int) ...", ""});
    REQUIRE(catalog.functions("f") != nullptr);
    CHECK(catalog.functions("f")->size() == 2);
    catalog.begin_trial();
    catalog.remove_function("f", "", std::nullopt);
    CHECK(catalog.functions("f") == nullptr);
    catalog.undo_trial();
    REQUIRE(catalog.functions("f") != nullptr);
    catalog.remove_function("f", "", std::string("text"));
    REQUIRE(catalog.functions("f")->size() == 1);
    CHECK(catalog.functions("f")->front()->language == "plpgsql");
}

TEST_CASE("known functions come from PostgreSQL's pg_proc", "[function_calls]") {
    CHECK(is_known_function("now"));
    CHECK(is_known_function("gen_random_uuid"));
    CHECK(is_known_function("uuid_generate_v4"));  // uuid-ossp
    CHECK_FALSE(is_known_function("rebuild_everything"));
}

TEST_CASE("positions on a long line are exact", "[source_text]") {
    std::string text = "SELECT 1;\n";
    for (int i = 0; i < 5000; ++i) text += (i % 7 == 0) ? "\xC3\xA9" : "x";  // é is two bytes, one column
    text += ";\nSELECT 2;";
    LineIndex lines(text);
    int column = 1;
    for (std::size_t offset = 10; offset < text.size(); ++offset) {
        if (text[offset] == '\n') break;
        if ((static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) continue;
        Position p = lines.position(offset);
        REQUIRE(p.line == 2);
        REQUIRE(p.column == column);
        ++column;
    }
    CHECK(lines.position(text.size() - 1).line == 3);
    CHECK(lines.position(text.size() - 1).column == 9);
}
