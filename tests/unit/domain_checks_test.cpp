// A domain's CHECK functions run wherever a value is converted to the domain, not only where a
// column of it is written (domain_checks.cpp; issue 53, red team R82b B7): each form here was seen
// to run the CHECK's function on PostgreSQL 15.20.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "analyze/analyzer.hpp"

using namespace pgfence::analyze;

namespace {

// g() drops a table; domain d's CHECK calls it.
const std::string k_checked = "CREATE FUNCTION g(int) RETURNS bool LANGUAGE plpgsql AS $f$ BEGIN DROP TABLE users; RETURN true; END $f$;\n"
                              "CREATE DOMAIN d AS int CHECK (g(VALUE));\n";

FileReport run(const std::string& sql) { return analyze_text("m.sql", sql, AnalyzeOptions{}); }

// The statements (0-based) with a drop-table finding whose message holds `words`.
std::vector<int> drops(const FileReport& report, const std::string& words = "g() (domain ") {
    std::vector<int> out;
    for (const auto& f : report.findings) {
        if (f.rule == "drop-table" && f.message.find(words) != std::string::npos &&
            std::find(out.begin(), out.end(), f.statement) == out.end()) {
            out.push_back(f.statement);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("a cast to a domain runs its CHECK's function", "[domain_checks]") {
    FileReport report = run(k_checked + "SELECT 1::d;\nSELECT CAST(1 AS d);\nSELECT d '1';\nSELECT ARRAY[1]::d[];\nSELECT '{1}'::d[], 2::d;\n");
    CHECK(drops(report) == std::vector<int>{2, 3, 4, 5, 6});
    CHECK(drops(report, "inside g() (domain d's CHECK on a value cast to it): DROP TABLE users") == std::vector<int>{2, 3, 4, 5, 6});
    // Once per statement, however many casts it holds.
    CHECK(std::count_if(report.findings.begin(), report.findings.end(), [](const Finding& f) { return f.statement == 6 && f.rule == "drop-table"; }) == 1);
}

TEST_CASE("a PL/pgSQL variable of a domain runs its CHECK at its DECLARE, with or without a value", "[domain_checks]") {
    FileReport report = run(k_checked + "DO $x$ DECLARE v d := 1; BEGIN END $x$;\nDO $x$ DECLARE w public.D; BEGIN END $x$;\n"
                                        "DO $x$ DECLARE n int := 1; BEGIN END $x$;\n");
    CHECK(drops(report) == std::vector<int>{2, 3});
    CHECK(drops(report, "domain d's CHECK on variable w") == std::vector<int>{3});
}

TEST_CASE("a function's argument, OUT parameter or result of a domain runs its CHECK", "[domain_checks]") {
    FileReport report = run(k_checked +
                            "CREATE FUNCTION takes(x d) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;\n"
                            "CREATE FUNCTION gives() RETURNS d LANGUAGE sql AS $$ SELECT 6 $$;\n"
                            "CREATE FUNCTION outs(OUT r d) LANGUAGE plpgsql AS $$ BEGIN r := 25; END $$;\n"
                            "CREATE PROCEDURE proc(x d) LANGUAGE sql AS $$ SELECT 1 $$;\n"
                            "SELECT takes(5);\nSELECT gives();\nSELECT outs();\nCALL proc(22);\nPREPARE p(d) AS SELECT $1;\n");
    CHECK(drops(report) == std::vector<int>{6, 7, 8, 9, 10});
    CHECK(drops(report, "domain d's CHECK on the value gives() returns") == std::vector<int>{7});
    CHECK(drops(report, "domain d's CHECK on a parameter of proc()") == std::vector<int>{9});
}

TEST_CASE("a domain over a checked domain, and a column converted to one, run its CHECK", "[domain_checks]") {
    FileReport report = run(k_checked + "CREATE DOMAIN dd AS d;\nSELECT 1::dd;\nCREATE TABLE t (x dd, y int);\nINSERT INTO t VALUES (1, 1);\n"
                                        "ALTER TABLE t ALTER COLUMN y TYPE d;\nUPDATE t SET y = 2;\n"
                                        "CREATE DOMAIN e AS int;\nCREATE DOMAIN ee AS e;\nCREATE TABLE u (z ee);\n"
                                        "ALTER DOMAIN e ADD CONSTRAINT e_ok CHECK (g(VALUE)) NOT VALID;\nINSERT INTO u VALUES (1);\n"
                                        "ALTER DOMAIN e VALIDATE CONSTRAINT e_ok;\n");
    CHECK(drops(report) == std::vector<int>{3, 5, 6, 7, 12, 13});
    CHECK(drops(report, "domain dd's CHECK on t.x").front() == 5);
}

TEST_CASE("a cast to a domain whose CHECK calls a function not known is unknown", "[domain_checks]") {
    FileReport report = run("CREATE DOMAIN d AS int CHECK (elsewhere(VALUE));\nSELECT 1::d;\nDO $x$ DECLARE v d; BEGIN END $x$;\n");
    REQUIRE(report.statements.size() == 3);
    CHECK(report.statements[1].status == StatementStatus::Unknown);
    CHECK(report.statements[2].status == StatementStatus::Unknown);
}

TEST_CASE("a domain whose CHECK is a plain expression stays clean where values are cast to it", "[domain_checks]") {
    FileReport report = run("CREATE DOMAIN d AS int CHECK (VALUE > 0 AND char_length(VALUE::text) < 9);\nSELECT 1::d;\n"
                            "DO $x$ DECLARE v d := 1; BEGIN END $x$;\nCREATE TABLE t (x int);\nALTER TABLE t ALTER COLUMN x TYPE d;\n");
    CHECK(report.findings.empty());
    for (const auto& s : report.statements) CHECK(s.status == StatementStatus::Analyzed);
}

TEST_CASE("a value converted to a composite or range type with a part of a checked domain runs its CHECK", "[domain_checks]") {
    // PostgreSQL 15.20 runs the attribute's or bound's domain CHECK for each of these.
    FileReport report = run(k_checked + "CREATE TYPE pair AS (a d, b int);\nCREATE TYPE r AS RANGE (subtype = d);\n"
                                        "SELECT ROW(1, 2)::pair;\nSELECT '(1,2)'::pair[];\nSELECT '[1,5)'::r;\n"
                                        "CREATE TABLE t (p pair);\nINSERT INTO t VALUES (ROW(1, 2));\n"
                                        "CREATE TYPE later AS (b int);\nSELECT ROW(1)::later;\nALTER TYPE later ADD ATTRIBUTE a d;\n"
                                        "SELECT ROW(1, 2)::later;\n");
    CHECK(drops(report, "g() (a domain CHECK inside type ") == std::vector<int>{4, 5, 6, 8, 12});
    CHECK(drops(report, "inside g() (a domain CHECK inside type pair on t.p)") == std::vector<int>{8});
}

TEST_CASE("a column of a composite type added without a value checks no part of it; with a DEFAULT it does", "[domain_checks]") {
    // A NULL of pair has no attribute to convert; ROW(1, 2) converts 1 to d on every existing row.
    FileReport report = run(k_checked + "CREATE TYPE pair AS (a d, b int);\nCREATE TABLE t (id int);\n"
                                        "ALTER TABLE t ADD COLUMN p pair;\nALTER TABLE t ADD COLUMN q pair DEFAULT ROW(1, 2);\n");
    CHECK(drops(report, "g() (a domain CHECK inside type ") == std::vector<int>{5});
}

TEST_CASE("a composite type nested past the walk's limit is unknown where a value is converted to it", "[domain_checks]") {
    std::string sql = k_checked + "CREATE TYPE t0 AS (a d);\n";
    for (int i = 1; i <= 1100; ++i) sql += "CREATE TYPE t" + std::to_string(i) + " AS (a t" + std::to_string(i - 1) + ");\n";
    sql += "SELECT NULL::t1100;\nSELECT NULL::t5;\n";
    FileReport report = run(sql);
    REQUIRE(report.statements.size() == 1105);
    CHECK(report.statements[1103].status == StatementStatus::Unknown);
    CHECK(drops(report, "a domain CHECK inside type t5") == std::vector<int>{1104});
}

TEST_CASE("a composite type whose parts are domains without function calls stays clean", "[domain_checks]") {
    FileReport report = run("CREATE DOMAIN d AS int CHECK (VALUE > 0);\nCREATE TYPE pair AS (a d, b int);\nSELECT ROW(1, 2)::pair;\n"
                            "CREATE TABLE t (p pair, q pair[]);\nINSERT INTO t VALUES (ROW(1, 2), NULL);\n");
    CHECK(report.findings.empty());
    for (const auto& s : report.statements) CHECK(s.status == StatementStatus::Analyzed);
}
