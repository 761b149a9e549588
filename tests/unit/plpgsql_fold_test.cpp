// Constant folding of PL/pgSQL EXECUTE (issue #53): text built only of constants is read as the
// statement it is, at its line; anything else stays unknown, never clean.
#include <catch2/catch.hpp>

#include <algorithm>

#include "analyze/analyzer.hpp"
#include "analyze/model/plpgsql/plpgsql_fold.hpp"

using namespace pgfence::analyze;

namespace {

FileReport analysed(const std::string& sql) {
    AnalyzeOptions options;
    options.pg_version = 15;
    return analyze_text("migration.sql", sql, options);
}

const Finding* finding(const FileReport& r, const std::string& rule) {
    auto it = std::find_if(r.findings.begin(), r.findings.end(), [&](const Finding& f) { return f.rule == rule; });
    return it == r.findings.end() ? nullptr : &*it;
}

std::optional<std::string> fold(std::string_view expr, const FoldedVariables& vars = {}) {
    FoldBudget budget{1 << 20};
    return fold_text(expr, vars, budget, nullptr);
}

}  // namespace

TEST_CASE("fold: ||, concat, format and quoting as PostgreSQL's functions do") {
    CHECK(fold("'DROP TABLE ' || 'users CASCADE'") == "DROP TABLE users CASCADE");
    CHECK(fold("concat('DROP TABLE ', 'users', NULL, ' CASCADE')") == "DROP TABLE users CASCADE");
    CHECK(fold("concat_ws(' ', 'DROP', 'TABLE', NULL, 'users')") == "DROP TABLE users");
    CHECK(fold("format('DROP TABLE %I CASCADE', 'users')") == "DROP TABLE users CASCADE");
    CHECK(fold("format('DROP TABLE %I', 'Users')") == "DROP TABLE \"Users\"");
    CHECK(fold("format('DROP TABLE %I', 'user')") == "DROP TABLE \"user\"");  // a reserved word is quoted
    CHECK(fold("format('UPDATE t SET a = %L WHERE b = %L', 'it''s', NULL)") == "UPDATE t SET a = 'it''s' WHERE b = NULL");
    CHECK(fold("format('%s%% %2$s %1$s', 'a', 'b')") == "a% b a");
    CHECK(fold("format('SET x = %s', 5)") == "SET x = 5");
    CHECK(fold("quote_ident('my table') || quote_literal('a\\b')") == "\"my table\"E'a\\\\b'");
    CHECK(fold("'DROP TABLE '::text || tbl", {{"tbl", "users"}}) == "DROP TABLE users");

    // What PostgreSQL would not run, or pgfence cannot know, does not fold.
    CHECK_FALSE(fold("'DROP TABLE ' || tbl"));                // a variable not known to hold a constant
    CHECK_FALSE(fold("'DROP TABLE ' || NULL"));               // NULL: EXECUTE fails
    CHECK_FALSE(fold("format('DROP TABLE %I', NULL)"));       // "null values cannot be formatted as an SQL identifier"
    CHECK_FALSE(fold("format('DROP TABLE %I %I', 'a')"));     // too few arguments
    CHECK_FALSE(fold("format('DROP TABLE %10s', 'a')"));      // a width: not folded
    CHECK_FALSE(fold("format('DROP TABLE %x', 'a')"));        // no such conversion
    CHECK_FALSE(fold("'DROP TABLE ' || current_user"));
    CHECK_FALSE(fold("(SELECT 'DROP TABLE users')"));
    CHECK_FALSE(fold("upper('drop table users')"));
}

TEST_CASE("fold: past its budget nothing folds (t := t || t cannot grow without bound)") {
    FoldBudget budget{100};
    CHECK(fold_text("'" + std::string(60, 'a') + "'", {}, budget, nullptr));
    CHECK_FALSE(fold_text("'" + std::string(60, 'a') + "'", {}, budget, nullptr));

    std::string body = "DO $$\nDECLARE t text := 'x';\nBEGIN\n";
    for (int i = 0; i < 200; ++i) body += "  t := t || t;\n";
    body += "  EXECUTE 'DROP TABLE ' || t;\nEND $$;\n";
    FileReport r = analysed(body);  // 2^200 bytes if folded blindly
    REQUIRE(r.statements.size() == 1);
    CHECK(r.statements[0].status == StatementStatus::Unknown);
    CHECK(finding(r, "unknown-statement") != nullptr);
}

TEST_CASE("DO block: EXECUTE of constant text is the statement it builds, at its line") {
    FileReport r = analysed("SET lock_timeout = '2s';\nDO $$\nBEGIN\n  EXECUTE 'DROP TABLE ' || 'users CASCADE';\nEND $$;\n");
    REQUIRE(r.statements.size() == 2);
    CHECK(r.statements[1].status == StatementStatus::Analyzed);
    CHECK(finding(r, "unknown-statement") == nullptr);
    const Finding* drop = finding(r, "drop-table");
    REQUIRE(drop != nullptr);
    CHECK(drop->risk >= Risk::High);
    CHECK(drop->start.line == 4);

    FileReport formatted = analysed("DO $$\nBEGIN\n  EXECUTE format('DROP TABLE %I CASCADE', 'users');\nEND $$;\n");
    REQUIRE(finding(formatted, "drop-table") != nullptr);
    CHECK(finding(formatted, "drop-table")->start.line == 3);
    CHECK(finding(formatted, "unknown-statement") == nullptr);
}

TEST_CASE("DO block: variables and constants assigned a constant before use are folded") {
    FileReport r = analysed(
        "DO $$\n"
        "DECLARE\n"
        "  tbl CONSTANT text := 'users';\n"
        "  verb text;\n"
        "BEGIN\n"
        "  verb := 'DROP ' || 'TABLE';\n"
        "  EXECUTE format('%s %I CASCADE', verb, tbl);\n"
        "END $$;\n");
    CHECK(finding(r, "unknown-statement") == nullptr);
    REQUIRE(finding(r, "drop-table") != nullptr);
    CHECK(finding(r, "drop-table")->start.line == 7);

    // The value a later assignment gives is the one a later EXECUTE runs.
    FileReport reassigned = analysed(
        "DO $$\nDECLARE t text := 'audit_old';\nBEGIN\n  t := 'users';\n  EXECUTE 'DROP TABLE ' || t;\nEND $$;\n");
    REQUIRE(finding(reassigned, "drop-table") != nullptr);
    CHECK(finding(reassigned, "drop-table")->message.find("users") != std::string::npos);
}

TEST_CASE("DO block: what does not fold stays unknown") {
    // From a query, a loop, a branch, INTO, a CALL's INOUT argument, a shadowing block: not constants.
    const char* cases[] = {
        "DO $$\nDECLARE tbl text;\nBEGIN\n  SELECT relname INTO tbl FROM pg_class LIMIT 1;\n  EXECUTE 'DROP TABLE ' || tbl;\nEND $$;\n",
        "DO $$\nDECLARE tbl text := 'users';\nBEGIN\n  SELECT relname INTO tbl FROM pg_class LIMIT 1;\n  EXECUTE 'DROP TABLE ' || tbl;\nEND $$;\n",
        "DO $$\nDECLARE tbl text := 'a';\nBEGIN\n  FOR i IN 1..2 LOOP\n    EXECUTE 'DROP TABLE ' || tbl;\n    tbl := 'b';\n  END LOOP;\nEND $$;\n",
        "DO $$\nDECLARE tbl text := 'a';\nBEGIN\n  IF random() > 0.5 THEN tbl := 'b'; END IF;\n  EXECUTE 'DROP TABLE ' || tbl;\nEND $$;\n",
        "DO $$\nDECLARE r record;\nBEGIN\n  FOR r IN SELECT relname FROM pg_class LOOP\n    EXECUTE 'DROP TABLE ' || r.relname;\n  END LOOP;\nEND $$;\n",
        "DO $$\nDECLARE tbl text := 'a';\nBEGIN\n  CALL pick(tbl);\n  EXECUTE 'DROP TABLE ' || tbl;\nEND $$;\n",
        "DO $$\nDECLARE tbl text := 'a';\nBEGIN\n  DECLARE tbl text := current_user;\n  BEGIN\n    EXECUTE 'DROP TABLE ' || tbl;\n  END;\nEND $$;\n",
        "DO $$\nDECLARE tbl text := 'a';\nBEGIN\n  tbl := upper(tbl);\n  EXECUTE 'DROP TABLE ' || tbl;\nEND $$;\n",
    };
    for (const char* sql : cases) {
        INFO(sql);
        FileReport r = analysed(sql);
        REQUIRE_FALSE(r.statements.empty());
        CHECK(r.statements.back().status == StatementStatus::Unknown);
        CHECK(finding(r, "unknown-statement") != nullptr);
        CHECK(finding(r, "drop-table") == nullptr);
    }
}

TEST_CASE("functions: EXECUTE of constant text in a body is read too") {
    FileReport r = analysed(
        "CREATE FUNCTION cleanup() RETURNS void LANGUAGE plpgsql AS $$\n"
        "DECLARE t text := 'users';\nBEGIN\n  EXECUTE format('DROP TABLE %I', t);\nEND $$;\n"
        "SELECT cleanup();\n");
    CHECK(finding(r, "unknown-statement") == nullptr);
    CHECK(finding(r, "drop-table") != nullptr);
}
