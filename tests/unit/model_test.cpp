// Facts that depend on the target version or on knowledge a single server run cannot vary:
// the conformance suite proves PostgreSQL 15; these pin the documented version differences.
#include <catch2/catch.hpp>

#include <algorithm>

#include "analyze/analyzer.hpp"
#include "analyze/model/types.hpp"

using namespace pgfence::analyze;

namespace {

StatementFacts last_statement(const std::string& sql, int pg_version = 15) {
    AnalyzeOptions options;
    options.pg_version = pg_version;
    FileReport report = analyze_text("migration.sql", sql, options);
    REQUIRE_FALSE(report.statements.empty());
    return report.statements.back();
}

std::optional<LockMode> mode_of(const StatementFacts& s, const std::string& relation) {
    for (const auto& l : s.locks) {
        if (l.relation == relation) return l.mode;
    }
    return std::nullopt;
}

bool rewrites(const StatementFacts& s, const std::string& relation) {
    return std::any_of(s.rewrites.begin(), s.rewrites.end(), [&](const TableEffect& e) { return e.relation == relation; });
}

}  // namespace

TEST_CASE("ADD COLUMN with a constant default rewrites only before PostgreSQL 11") {
    const std::string sql = "ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true";
    // --pg-version takes 11 to 18; the model itself knows the PostgreSQL 10 behaviour.
    CHECK(rewrites(last_statement(sql, 10), "users"));
    CHECK_FALSE(rewrites(last_statement(sql, 11), "users"));
    CHECK_FALSE(rewrites(last_statement(sql, 17), "users"));
}

TEST_CASE("stable defaults do not rewrite, volatile ones do") {
    CHECK_FALSE(rewrites(last_statement("ALTER TABLE t ADD COLUMN at timestamptz DEFAULT now()"), "t"));
    CHECK_FALSE(rewrites(last_statement("ALTER TABLE t ADD COLUMN at timestamptz DEFAULT CURRENT_TIMESTAMP"), "t"));
    CHECK(rewrites(last_statement("ALTER TABLE t ADD COLUMN r float8 DEFAULT random()"), "t"));
    CHECK(rewrites(last_statement("ALTER TABLE t ADD COLUMN u uuid DEFAULT gen_random_uuid()"), "t"));
    CHECK(rewrites(last_statement("ALTER TABLE t ADD COLUMN id bigserial"), "t"));
    CHECK(rewrites(last_statement("ALTER TABLE t ADD COLUMN id int GENERATED ALWAYS AS IDENTITY"), "t"));
    CHECK(rewrites(last_statement("ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (a * 2) STORED"), "t"));
    // A user function's volatility is unknown: a rewrite is reported, but not as certain.
    auto s = last_statement("ALTER TABLE t ADD COLUMN x int DEFAULT my_func()");
    REQUIRE(s.rewrites.size() == 1);
    CHECK_FALSE(s.rewrites[0].certain);
}

TEST_CASE("version-dependent lock levels") {
    CHECK(mode_of(last_statement("ALTER TABLE p ATTACH PARTITION p1 FOR VALUES IN (1)", 11), "p") == LockMode::AccessExclusive);
    CHECK(mode_of(last_statement("ALTER TABLE p ATTACH PARTITION p1 FOR VALUES IN (1)", 12), "p") == LockMode::ShareUpdateExclusive);
    CHECK(mode_of(last_statement("ALTER INDEX i RENAME TO j", 11), "i") == LockMode::AccessExclusive);
    CHECK(mode_of(last_statement("ALTER INDEX i RENAME TO j", 12), "i") == LockMode::ShareUpdateExclusive);
}

TEST_CASE("statements that cannot run inside a transaction block, by version") {
    CHECK(last_statement("ALTER TYPE mood ADD VALUE 'meh'", 11).no_transaction_block);
    CHECK_FALSE(last_statement("ALTER TYPE mood ADD VALUE 'meh'", 12).no_transaction_block);
    CHECK(last_statement("CREATE INDEX CONCURRENTLY i ON t (a)").no_transaction_block);
    CHECK(last_statement("REINDEX INDEX CONCURRENTLY i").no_transaction_block);
    CHECK(last_statement("ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY").no_transaction_block);
    CHECK(last_statement("VACUUM t").no_transaction_block);
    CHECK_FALSE(last_statement("ANALYZE t").no_transaction_block);
    auto old = last_statement("REINDEX INDEX CONCURRENTLY i", 11);
    CHECK(std::any_of(old.notes.begin(), old.notes.end(), [](const std::string& n) { return n.find("12") != std::string::npos; }));
}

TEST_CASE("SET NOT NULL skips its scan when a validated CHECK proves it (PostgreSQL 12+)") {
    const std::string sql =
        "CREATE TABLE t (a int);\n"
        "ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;\n"
        "ALTER TABLE t VALIDATE CONSTRAINT a_nn;\n"
        "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n";
    CHECK(last_statement(sql, 12).scans.empty());
    CHECK_FALSE(last_statement(sql, 11).scans.empty());
    // Without the VALIDATE the constraint proves nothing.
    const std::string unvalidated =
        "CREATE TABLE t (a int);\n"
        "ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;\n"
        "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n";
    CHECK_FALSE(last_statement(unvalidated, 15).scans.empty());
}

TEST_CASE("type changes: binary-coercible ones do not rewrite") {
    using model::TypeChange;
    std::string why;
    CHECK(model::classify_type_change("varchar(20)", "varchar(40)", false, 15, why) == TypeChange::NoRewrite);
    CHECK(model::classify_type_change("varchar(40)", "varchar(20)", false, 15, why) == TypeChange::Rewrite);
    CHECK(model::classify_type_change("varchar(20)", "text", false, 15, why) == TypeChange::NoRewrite);
    CHECK(model::classify_type_change("text", "varchar(20)", false, 15, why) == TypeChange::Rewrite);
    CHECK(model::classify_type_change("numeric(10,2)", "numeric(12,2)", false, 15, why) == TypeChange::NoRewrite);
    CHECK(model::classify_type_change("numeric(10,2)", "numeric(12,3)", false, 15, why) == TypeChange::Rewrite);
    CHECK(model::classify_type_change("int4", "int8", false, 15, why) == TypeChange::Rewrite);
    CHECK(model::classify_type_change("varchar(20)", "varchar(40)", true, 15, why) == TypeChange::Rewrite);
    CHECK(model::classify_type_change("timestamp", "timestamptz", false, 15, why) == TypeChange::DependsOnTimeZone);
    CHECK(model::classify_type_change("timestamp", "timestamptz", false, 11, why) == TypeChange::Rewrite);
}

TEST_CASE("a type change on a column of unknown type is reported as an uncertain rewrite") {
    auto s = last_statement("ALTER TABLE t ALTER COLUMN c TYPE text");
    REQUIRE(s.rewrites.size() == 1);
    CHECK_FALSE(s.rewrites[0].certain);
    auto known = last_statement("CREATE TABLE t (c varchar(10));\nALTER TABLE t ALTER COLUMN c TYPE text;");
    CHECK(known.rewrites.empty());
}

TEST_CASE("DO blocks: static SQL inside is analysed, dynamic SQL is not visible") {
    auto s = last_statement(
        "DO $$ BEGIN\n"
        "  ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n"
        "EXCEPTION WHEN duplicate_object THEN null;\n"
        "END $$;");
    CHECK(s.status == StatementStatus::Analyzed);
    CHECK(mode_of(s, "orders") == LockMode::ShareRowExclusive);
    CHECK(mode_of(s, "users") == LockMode::ShareRowExclusive);

    auto dynamic = last_statement(
        "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'x') THEN\n"
        "    EXECUTE format('ALTER TABLE %I.x ADD COLUMN y int', current_schema());\n  END IF;\nEND $$;");
    CHECK(dynamic.status == StatementStatus::Unknown);
    CHECK(dynamic.locks.empty());  // the catalog look-up is not a user table
    bool names_line = std::any_of(dynamic.notes.begin(), dynamic.notes.end(),
                                  [](const std::string& n) { return n.find("(line 4)") != std::string::npos; });
    CHECK(names_line);

    auto literal = last_statement("DO $$ BEGIN EXECUTE 'CREATE INDEX i ON t (a)'; END $$;");
    CHECK(literal.status == StatementStatus::Analyzed);
    CHECK(mode_of(literal, "t") == LockMode::Share);
}

TEST_CASE("unknown statements are never reported as safe") {
    auto s = last_statement("CALL do_the_migration()");
    CHECK(s.status == StatementStatus::Unknown);
    CHECK(s.runs_user_code);
}

TEST_CASE("COMMIT AND CHAIN keeps the next statements in a transaction") {
    AnalyzeOptions options;
    FileReport report = analyze_text("chain.sql",
                                     "BEGIN;\nALTER TABLE t ADD COLUMN a int;\nCOMMIT AND CHAIN;\n"
                                     "ALTER TABLE t ADD COLUMN b int;\nCOMMIT;\nALTER TABLE t ADD COLUMN c int;\n",
                                     options);
    REQUIRE(report.statements.size() == 6);
    CHECK(report.statements[3].transaction == Transaction::Explicit);
    CHECK(report.statements[5].transaction == Transaction::None);
}

TEST_CASE("a CTE name hides a table only inside the statement that defines it") {
    // The CTE is read, not the table of the same name.
    auto own = last_statement("WITH events AS (SELECT 1 AS id) SELECT * FROM events;");
    CHECK_FALSE(mode_of(own, "events"));
    // The outer FROM names the real table; only the subquery's reference is its own CTE.
    auto sibling = last_statement("SELECT * FROM events, (WITH events AS (SELECT 1 AS id) SELECT * FROM events) s;");
    CHECK(mode_of(sibling, "events") == LockMode::AccessShare);
    // A schema-qualified name is never a CTE.
    auto qualified = last_statement("WITH events AS (SELECT 1) SELECT * FROM public.events;");
    CHECK(mode_of(qualified, "public.events") == LockMode::AccessShare);
    // CTEs of DML statements scope the same way: the INSERT reads the CTE, writes the table.
    auto dml = last_statement("WITH src AS (SELECT 1 AS id) INSERT INTO events SELECT id FROM src;");
    CHECK(mode_of(dml, "events") == LockMode::RowExclusive);
    CHECK_FALSE(mode_of(dml, "src"));
}

TEST_CASE("a view's query reads its tables, not its CTEs") {
    auto view = last_statement("CREATE VIEW v AS WITH recent AS (SELECT * FROM orders) SELECT * FROM recent;");
    CHECK(mode_of(view, "orders") == LockMode::AccessShare);
    CHECK_FALSE(mode_of(view, "recent"));
}

TEST_CASE("a query's relations are found wherever the grammar puts them") {
    // Each place of PostgreSQL's raw parse tree that can hold a sub-query or a relation
    // (nodeFuncs.c's raw_expression_tree_walker visits the same): all are opened ACCESS SHARE.
    const std::vector<std::pair<std::string, std::string>> k_cases = {
        {"SELECT * FROM a1 JOIN LATERAL (SELECT * FROM a2) s ON true", "a2"},
        {"SELECT (SELECT max(x) FROM b1) FROM b2", "b1"},
        {"SELECT * FROM generate_series(1, (SELECT count(*) FROM c1))", "c1"},
        {"SELECT CASE WHEN EXISTS (SELECT 1 FROM d1) THEN 1 END", "d1"},
        {"SELECT coalesce(NULL, (SELECT 1 FROM e1), 2)", "e1"},
        {"SELECT * FROM JSON_TABLE((SELECT j FROM f1 LIMIT 1), '$[*]' COLUMNS (x int PATH '$.x')) jt", "f1"},
        {"SELECT * FROM g1 TABLESAMPLE SYSTEM ((SELECT 10 FROM g2 LIMIT 1))", "g2"},
        {"SELECT x FROM h1 GROUP BY GROUPING SETS ((x), ()) HAVING x IN (SELECT y FROM h2)", "h2"},
        {"SELECT sum(x) OVER (PARTITION BY (SELECT 1 FROM i1 LIMIT 1)) FROM i2", "i1"},
        {"SELECT * FROM j1 ORDER BY (SELECT 1 FROM j2 LIMIT 1)", "j2"},
        {"SELECT ARRAY[(SELECT 1 FROM k1)], ROW((SELECT 1 FROM k2))", "k2"},
        {"SELECT ((SELECT ARRAY[1] FROM l1))[1] IS NOT NULL", "l1"},
        {"SELECT (SELECT true FROM m1) IS TRUE, greatest(1, (SELECT 2 FROM m2))", "m2"},
        {"VALUES ((SELECT 1 FROM n1))", "n1"},
        {"UPDATE o1 SET v = 1 FROM o2 WHERE o1.id = o2.id RETURNING (SELECT 1 FROM o3)", "o3"},
        {"DELETE FROM p1 USING p2 WHERE p1.id = p2.id", "p2"},
        {"INSERT INTO q1 SELECT * FROM q2 ON CONFLICT (id) DO UPDATE SET v = (SELECT v FROM q3 LIMIT 1)", "q3"},
        {"MERGE INTO r1 USING r2 ON r1.id = r2.id WHEN MATCHED AND EXISTS (SELECT 1 FROM r3) THEN UPDATE SET v = 1",
         "r3"},
        {"MERGE INTO s1 USING s2 ON s1.id = s2.id WHEN NOT MATCHED THEN INSERT VALUES ((SELECT 1 FROM s3))", "s3"},
        {"SELECT * FROM XMLTABLE('/r' PASSING (SELECT x FROM t1) COLUMNS a int)", "t1"},
    };
    for (const auto& [sql, relation] : k_cases) {
        INFO(sql);
        CHECK(mode_of(last_statement(sql), relation) == LockMode::AccessShare);
    }
    auto merge = last_statement("MERGE INTO r1 USING r2 ON r1.id = r2.id WHEN MATCHED THEN DELETE");
    CHECK(mode_of(merge, "r1") == LockMode::RowExclusive);
    CHECK(mode_of(merge, "r2") == LockMode::AccessShare);
}

TEST_CASE("FOR UPDATE locks the rows of FROM's tables, through joins and sub-selects") {
    auto all = last_statement("SELECT * FROM a JOIN (SELECT * FROM b) s ON true WHERE EXISTS (SELECT 1 FROM c) FOR UPDATE");
    CHECK(mode_of(all, "a") == LockMode::RowShare);
    CHECK(mode_of(all, "b") == LockMode::RowShare);
    CHECK(mode_of(all, "c") == LockMode::AccessShare);  // WHERE's sub-query is only read
    auto named = last_statement("SELECT * FROM a x JOIN b ON true FOR UPDATE OF x");
    CHECK(mode_of(named, "a") == LockMode::RowShare);
    CHECK(mode_of(named, "b") == LockMode::AccessShare);
}

TEST_CASE("a set operation's arm scopes its own CTEs") {
    auto s = last_statement("(WITH w AS (SELECT 1) SELECT * FROM w) UNION ALL SELECT * FROM z");
    CHECK_FALSE(mode_of(s, "w"));
    CHECK(mode_of(s, "z") == LockMode::AccessShare);
}

TEST_CASE("a SELECT without FROM that calls a function of unknown volatility runs user code") {
    auto s = last_statement("SELECT CASE WHEN true THEN audit_ping(1) END");
    CHECK(s.runs_user_code);
    // The function's body is not known (function_calls.hpp): the statement is unknown, and says why.
    CHECK(s.status == StatementStatus::Unknown);
    CHECK(std::any_of(s.notes.begin(), s.notes.end(), [](const std::string& n) {
        return n.starts_with("not visible to static analysis: calls audit_ping()");
    }));
    CHECK_FALSE(last_statement("SELECT lower('A')").runs_user_code);
}

TEST_CASE("CREATE SCHEMA's elements are created in the new schema") {
    auto s = last_statement("CREATE SCHEMA billing CREATE TABLE invoices (id int) CREATE VIEW open AS SELECT * FROM invoices");
    CHECK(mode_of(s, "billing.invoices") == LockMode::AccessExclusive);
    CHECK(mode_of(s, "billing.open") == LockMode::AccessExclusive);
}

TEST_CASE("a boolean option written as 0 or off or false is off") {
    // defGetBoolean (commands/define.c) takes 0/1 and false/off/no as well as true/false.
    for (const char* value : {"0", "off", "false"}) {
        auto s = last_statement(std::string("VACUUM (FULL ") + value + ") events");
        INFO(value);
        CHECK(s.tag == "VACUUM");
        CHECK(mode_of(s, "events") == LockMode::ShareUpdateExclusive);
    }
    CHECK(mode_of(last_statement("VACUUM (FULL 1) events"), "events") == LockMode::AccessExclusive);
}
