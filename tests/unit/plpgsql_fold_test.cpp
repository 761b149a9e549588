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
    return fold_text(expr, vars, budget, nullptr, nullptr);
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

TEST_CASE("fold: a number only as PostgreSQL prints it (red team r70 F13)") {
    // Checked on PostgreSQL 15.20: SELECT 'x' || <constant>.
    CHECK(fold("'DROP TABLE t' || 5") == "DROP TABLE t5");
    CHECK(fold("'x' || -5") == "x-5");
    CHECK(fold("'x' || 1.50") == "x1.50");  // numeric keeps its scale
    CHECK(fold("'x' || 0.0") == "x0.0");
    CHECK(fold("'x' || -1.5") == "x-1.5");
    CHECK(fold("'x' || 2147483648") == "x2147483648");
    CHECK(fold("'x' || -2147483648") == "x-2147483648");
    CHECK(fold("'x' || 99999999999999999999999") == "x99999999999999999999999");
    CHECK(fold("format('SET x = %s', 5::text)") == "SET x = 5");
    // Printed otherwise: 2024, 100, 0.5, 5, 1.5, 7, 0.5, 0.0 (and 0x10, 1_000, 0o17, 0b1 are
    // PostgreSQL 16's; 15 rejects them, 11 to 14 read `0` and a column alias).
    for (const char* n : {"2024e0", "1e2", ".5", "5.", "1.5e0", "007", "00.5", "-0.0", "-0", "- 5", "0x10", "1_000", "0o17",
                          "0b1", "0x100000000"}) {
        INFO(n);
        CHECK_FALSE(fold(std::string("'DROP TABLE events_' || ") + n));
        CHECK_FALSE(fold(std::string("concat('DROP TABLE events_', ") + n + ")"));
        CHECK_FALSE(fold(std::string("format('DROP TABLE events_%s', ") + n + ")"));
        CHECK_FALSE(fold(std::string("'DROP TABLE events_' || ") + n + "::text"));
    }
}

TEST_CASE("fold: only pg_catalog's types, || and functions (red team r70 F1)") {
    CHECK(fold("'DROP TABLE t'::pg_catalog.text") == "DROP TABLE t");
    CHECK(fold("'DROP TABLE t'::varchar") == "DROP TABLE t");
    CHECK(fold("CAST('DROP TABLE t' AS character varying)") == "DROP TABLE t");
    CHECK(fold("'DROP TABLE ' OPERATOR(pg_catalog.||) 't'") == "DROP TABLE t");
    CHECK(fold("pg_catalog.format('DROP TABLE %I', 't')") == "DROP TABLE t");
    CHECK_FALSE(fold("'DROP TABLE users_archive'::app.text"));  // a domain over varchar(16) cuts it
    CHECK_FALSE(fold("'DROP TABLE users_archive'::app.varchar"));
    CHECK_FALSE(fold("'DROP TABLE users_archive'::\"PG_CATALOG\".text"));
    CHECK_FALSE(fold("'SELECT 1' OPERATOR(app.||) ''"));
    CHECK_FALSE(fold("app.format('SELECT %s', 1)"));
    CHECK_FALSE(fold("app.concat('SELECT ', 1)"));

    // What the migrations (here: the file) made of those names: search_path may pick it.
    const char* made[] = {
        "CREATE SCHEMA app;\nCREATE DOMAIN app.text AS varchar(16);\n"
        "DO $$ BEGIN EXECUTE 'DROP TABLE users_archive'::text; END $$;\n",
        "CREATE SCHEMA app;\nCREATE DOMAIN app.\"varchar\" AS varchar(16);\n"
        "DO $$ BEGIN EXECUTE 'DROP TABLE users_archive'::\"varchar\"; END $$;\n",
        "CREATE FUNCTION app.cat(a text, b text) RETURNS text LANGUAGE sql AS $f$ SELECT 'DROP TABLE users' $f$;\n"
        "CREATE OPERATOR app.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = app.cat);\n"
        "DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'users_archive'; END $$;\n",
        "CREATE FUNCTION public.format(f text, n int) RETURNS text LANGUAGE sql AS $f$ SELECT 'DROP TABLE users' $f$;\n"
        "DO $$ BEGIN EXECUTE format('DROP TABLE users_archive_%s', 1); END $$;\n",
        "CREATE FUNCTION public.quote_ident(t text) RETURNS text LANGUAGE sql AS $f$ SELECT 'users' $f$;\n"
        "DO $$ DECLARE t text := 'DROP TABLE ' || quote_ident('users_archive'); BEGIN EXECUTE t; END $$;\n",
        // An aggregate of the name: PostgreSQL 15 runs its state function for format('...%s', 1).
        "CREATE FUNCTION sf(s text, f text, n int) RETURNS text LANGUAGE sql AS $f$ SELECT 'DROP TABLE users' $f$;\n"
        "CREATE AGGREGATE public.format(text, int) (SFUNC = sf, STYPE = text);\n"
        "DO $$ BEGIN EXECUTE format('DROP TABLE users_archive%s', 1); END $$;\n",
        "CREATE FUNCTION sf(s text, f text, n int) RETURNS text LANGUAGE sql AS $f$ SELECT 'DROP TABLE users' $f$;\n"
        "CREATE AGGREGATE agg(text, int) (SFUNC = sf, STYPE = text);\nALTER AGGREGATE agg(text, int) RENAME TO format;\n"
        "DO $$ BEGIN EXECUTE format('DROP TABLE users_archive%s', 1); END $$;\n",
        // A cast the migrations made from integer to text: `'t' || 5` runs it (anytextcat casts).
        "CREATE FUNCTION i2t(i int) RETURNS text LANGUAGE sql AS $f$ SELECT 'users' $f$;\n"
        "CREATE CAST (integer AS text) WITH FUNCTION i2t(int);\n"
        "DO $$ BEGIN EXECUTE 'DROP TABLE users_archive' || 5; END $$;\n",
        // A base or shell type of the name (CREATE TYPE app.text (INPUT = ..., OUTPUT = ...)).
        "CREATE SCHEMA app;\nCREATE TYPE app.text;\nDO $$ BEGIN EXECUTE 'DROP TABLE users_archive'::text; END $$;\n",
        // A search_path that puts another schema before pg_catalog: whatever app holds (made by
        // something pgfence did not read) is found first for an unqualified name.
        "SET search_path = app, pg_catalog, public;\nDO $$ BEGIN EXECUTE 'DROP TABLE users_archive'::text; END $$;\n",
        "SET search_path = app, pg_catalog, public;\nDO $$ BEGIN EXECUTE 'DROP TABLE ' || 'users_archive'; END $$;\n",
        "SET search_path = app, pg_catalog, public;\nDO $$ BEGIN EXECUTE format('DROP TABLE %s', 'users_archive'); END $$;\n",
        "ALTER ROLE CURRENT_USER SET search_path = app, pg_catalog;\nDO $$ BEGIN EXECUTE 'DROP TABLE users_archive'::text; END $$;\n",
    };
    for (const char* sql : made) {
        INFO(sql);
        FileReport r = analysed(sql);
        REQUIRE_FALSE(r.statements.empty());
        CHECK(r.statements.back().status == StatementStatus::Unknown);
        CHECK(finding(r, "unknown-statement") != nullptr);
        CHECK(finding(r, "drop-table") == nullptr);
    }
    // pg_catalog first (not named, or named first): folded, the DROP TABLE seen.
    for (const char* path : {"app, public", "pg_catalog, app"}) {
        INFO(path);
        FileReport r = analysed(std::string("ALTER ROLE CURRENT_USER SET search_path = ") + path + ";\nSET search_path = " + path +
                                ";\nDO $$ BEGIN EXECUTE 'DROP TABLE ' || 'users_archive'::text; END $$;\n");
        CHECK(finding(r, "unknown-statement") == nullptr);
        CHECK(finding(r, "drop-table") != nullptr);
    }
}

TEST_CASE("fold: past its budget nothing folds (t := t || t cannot grow without bound)") {
    FoldBudget budget{100};
    CHECK(fold_text("'" + std::string(60, 'a') + "'", {}, budget, nullptr, nullptr));
    CHECK_FALSE(fold_text("'" + std::string(60, 'a') + "'", {}, budget, nullptr, nullptr));

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
