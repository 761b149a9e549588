// Functions run indirectly (function_attach.hpp, issue #32): a function attached to a table, view
// or other object is analysed where PostgreSQL runs it, as a direct call is.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/model/function_attach.hpp"
#include "analyze/history.hpp"

using namespace pgfence::analyze;

namespace {

const std::string k_dropper = "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'DROP TABLE users; SELECT 1';\n";

FileReport run(const std::string& sql, const AnalyzeOptions& options = {}) { return analyze_text("m.sql", sql, options); }

const LockFact* lock_on(const StatementFacts& statement, const std::string& relation) {
    for (const auto& lock : statement.locks) {
        if (lock.relation == relation) return &lock;
    }
    return nullptr;
}

// The drop-table findings' statements, in order.
std::vector<int> drop_statements(const FileReport& report) {
    std::vector<int> out;
    for (const auto& f : report.findings) {
        if (f.rule == "drop-table") out.push_back(f.statement);
    }
    return out;
}

bool has_finding(const FileReport& report, int statement, const std::string& rule, const std::string& words) {
    return std::any_of(report.findings.begin(), report.findings.end(), [&](const Finding& f) {
        return f.statement == statement && f.rule == rule && f.message.find(words) != std::string::npos;
    });
}

}  // namespace

TEST_CASE("a DEFAULT runs its function on INSERT, not where it is stored", "[function_attach]") {
    FileReport report = run(k_dropper + "CREATE TABLE t (x int DEFAULT f());\nINSERT INTO t DEFAULT VALUES;\n");
    CHECK(lock_on(report.statements[1], "users") == nullptr);
    REQUIRE(lock_on(report.statements[2], "users") != nullptr);
    CHECK(lock_on(report.statements[2], "users")->mode == LockMode::AccessExclusive);
    CHECK(drop_statements(report) == std::vector<int>{2});
    CHECK(has_finding(report, 2, "drop-table", "inside f() (DEFAULT of t.x): DROP TABLE users"));
}

TEST_CASE("the catalog keeps what each statement attaches, with the events that run it", "[function_attach]") {
    FileReport report = run(k_dropper +
                            "CREATE TABLE t (x int CHECK (f() > 0), y int GENERATED ALWAYS AS (f()) STORED);\n"
                            "CREATE TRIGGER trg AFTER DELETE OR TRUNCATE ON t EXECUTE FUNCTION f();\n"
                            "DELETE FROM t WHERE x = 1;\nTRUNCATE t;\nDROP TRIGGER trg ON t;\nTRUNCATE t;\n"
                            "INSERT INTO t (x) VALUES (1);\n");
    // DELETE and TRUNCATE fire the trigger; once dropped, TRUNCATE runs nothing; INSERT the CHECK
    // and the generated column (f once: each body once per statement).
    CHECK(drop_statements(report) == std::vector<int>{3, 4, 7});
    CHECK(lock_on(report.statements[6], "users") == nullptr);
    CHECK(has_finding(report, 7, "drop-table", "(CHECK on t.x)"));
}

TEST_CASE("an index expression runs over the rows when it is built and on writes", "[function_attach]") {
    FileReport report = run(k_dropper + "CREATE TABLE t (x int);\nCREATE INDEX t_x ON t ((x + f()));\n"
                                        "UPDATE t SET x = 1 WHERE x = 2;\nDELETE FROM t WHERE x = 1;\n"
                                        "DROP INDEX t_x;\nUPDATE t SET x = 1 WHERE x = 2;\n");
    CHECK(drop_statements(report) == std::vector<int>{2, 3});
    CHECK(has_finding(report, 2, "drop-table", "inside f() (index t_x on t)"));
}

TEST_CASE("a view's functions run where it is read, also through another view and a REFRESH", "[function_attach]") {
    FileReport report = run(k_dropper + "CREATE VIEW v AS SELECT f() AS a;\nCREATE VIEW w AS SELECT a FROM v;\n"
                                        "CREATE MATERIALIZED VIEW m AS SELECT a FROM w WITH NO DATA;\n"
                                        "SELECT * FROM w;\nREFRESH MATERIALIZED VIEW m;\n"
                                        "CREATE OR REPLACE VIEW v AS SELECT 1 AS a;\nSELECT * FROM v;\n");
    CHECK(drop_statements(report) == std::vector<int>{4, 5});
}

TEST_CASE("a trigger function that only reads, or sets NEW, adds nothing and is read once", "[function_attach]") {
    FileReport report = run("CREATE TABLE t (x int, updated_at timestamptz);\n"
                            "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN\n"
                            "  NEW.updated_at = now();\n  PERFORM 1 FROM t LIMIT 1;\n  RETURN NEW;\nEND $$;\n"
                            "CREATE TRIGGER t_touch BEFORE INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();\n"
                            "INSERT INTO t (x) VALUES (1);\nUPDATE t SET x = 2 WHERE x = 1;\n");
    for (std::size_t i = 3; i < report.statements.size(); ++i) {
        const StatementFacts& s = report.statements[i];
        CHECK(s.status == StatementStatus::Analyzed);
        CHECK(s.locks.size() == 1);
        CHECK(std::none_of(s.notes.begin(), s.notes.end(),
                           [](const std::string& n) { return n.find("touch()") != std::string::npos; }));
    }
    CHECK(std::none_of(report.findings.begin(), report.findings.end(),
                       [](const Finding& f) { return f.message.find("inside") != std::string::npos; }));
}

TEST_CASE("a trigger function that writes is followed, PL/pgSQL trigger bodies included", "[function_attach]") {
    FileReport report = run("CREATE TABLE t (x int);\nCREATE TABLE audit (x int);\n"
                            "CREATE FUNCTION log_it() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN\n"
                            "  INSERT INTO audit VALUES (NEW.x);\n  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;\n"
                            "  RETURN NEW;\nEND $$;\n"
                            "CREATE TRIGGER t_log AFTER INSERT ON t FOR EACH ROW EXECUTE PROCEDURE log_it();\n"
                            "INSERT INTO t VALUES (1);\n");
    const StatementFacts& insert = report.statements.back();
    CHECK(insert.status == StatementStatus::Analyzed);
    REQUIRE(lock_on(insert, "audit") != nullptr);
    CHECK(lock_on(insert, "audit")->mode == LockMode::RowExclusive);
}

TEST_CASE("a trigger whose function fires it again is unknown, not followed forever", "[function_attach]") {
    FileReport report = run("CREATE TABLE a (x int);\nCREATE TABLE b (x int);\n"
                            "CREATE FUNCTION to_b() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO b VALUES (1); RETURN NEW; END $$;\n"
                            "CREATE FUNCTION to_a() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO a VALUES (1); RETURN NEW; END $$;\n"
                            "CREATE TRIGGER ab AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION to_b();\n"
                            "CREATE TRIGGER ba AFTER INSERT ON b FOR EACH ROW EXECUTE FUNCTION to_a();\n"
                            "INSERT INTO a VALUES (1);\n");
    const StatementFacts& insert = report.statements.back();
    CHECK(insert.status == StatementStatus::Unknown);
    CHECK(std::any_of(insert.notes.begin(), insert.notes.end(), [](const std::string& n) {
        return n.find("the recursion is not followed") != std::string::npos;
    }));
}

TEST_CASE("operators, casts, aggregates, event triggers and policies report the body where they are created",
          "[function_attach]") {
    FileReport report = run(k_dropper +
                            "CREATE FUNCTION eq(a int, b int) RETURNS bool LANGUAGE sql AS 'DROP TABLE users; SELECT true';\n"
                            "CREATE OPERATOR public.=== (LEFTARG = int, RIGHTARG = int, PROCEDURE = public.eq);\n"
                            "CREATE AGGREGATE agg(int) (SFUNC = eq, STYPE = bool);\n"
                            "CREATE TABLE t (x int);\nCREATE POLICY p ON t FOR SELECT USING (f() > 0);\n");
    CHECK(drop_statements(report) == std::vector<int>{2, 3, 5});
    CHECK(has_finding(report, 5, "drop-table", "(policy p on t, which runs it on every read or write the policy applies to)"));
}

TEST_CASE("a function attached from the replayed history fires in the migration", "[function_attach]") {
    AnalyzeOptions options;
    Replay replay(options);
    replay.replay_text("db/001_base.sql", k_dropper + "CREATE TABLE t (x int);\n"
                                                      "CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();\n");
    options.history = replay.snapshot();
    FileReport report = run("INSERT INTO t VALUES (1);\n", options);
    CHECK(drop_statements(report) == std::vector<int>{0});
    CHECK(has_finding(report, 0, "drop-table", "inside f() (trigger trg on t)"));
}

TEST_CASE("an unknown function attached is unknown where it is attached; PostgreSQL's are not", "[function_attach]") {
    FileReport report = run("CREATE TABLE t (id uuid DEFAULT gen_random_uuid(), n int DEFAULT nextval('s'), x int);\n"
                            "ALTER TABLE t ALTER COLUMN x SET DEFAULT app.next_x();\n"
                            "CREATE DOMAIN d AS int CHECK (app.valid(VALUE));\n"
                            "INSERT INTO t DEFAULT VALUES;\n");
    CHECK(report.statements[0].status == StatementStatus::Analyzed);
    CHECK(report.statements[1].status == StatementStatus::Unknown);
    CHECK(report.statements[2].status == StatementStatus::Unknown);
    CHECK(report.statements[3].status == StatementStatus::Analyzed);  // reported once, where attached
}

TEST_CASE("past the limit of attachments per relation, the statements firing them are unknown", "[function_attach]") {
    std::string sql = k_dropper + "CREATE TABLE t (x int);\n";
    for (std::size_t i = 0; i <= k_max_attached; ++i) {
        sql += "CREATE TRIGGER t" + std::to_string(i) + " AFTER INSERT ON t EXECUTE FUNCTION f();\n";
    }
    sql += "INSERT INTO t VALUES (1);\n";
    FileReport report = run(sql);
    CHECK(report.statements.back().status == StatementStatus::Unknown);
}

TEST_CASE("a CHECK runs over the rows when it is validated or the table rewritten, not once dropped", "[function_attach]") {
    FileReport report = run(k_dropper + "CREATE TABLE t (x int);\n"
                                        "ALTER TABLE t ADD CONSTRAINT t_ok CHECK (f() > 0) NOT VALID;\n"
                                        "ALTER TABLE t VALIDATE CONSTRAINT t_ok;\n"
                                        "ALTER TABLE t ALTER COLUMN x TYPE bigint;\n"
                                        "ALTER TABLE t DROP CONSTRAINT t_ok;\nINSERT INTO t VALUES (1);\n");
    CHECK(drop_statements(report) == std::vector<int>{3, 4});
    CHECK(has_finding(report, 3, "drop-table", "inside f() (CHECK t_ok on t)"));
}

TEST_CASE("a domain's CHECK runs where a column of the domain is filled or checked", "[function_attach]") {
    FileReport report = run(k_dropper + "CREATE TABLE t (x int);\nCREATE DOMAIN d AS int CHECK (f() > 0);\n"
                                        "ALTER TABLE t ADD COLUMN y d;\n"
                                        "CREATE DOMAIN e AS int;\nCREATE TABLE u (z e);\n"
                                        "ALTER DOMAIN e ADD CONSTRAINT e_ok CHECK (f() > VALUE);\nUPDATE u SET z = 1 WHERE z = 2;\n");
    CHECK(drop_statements(report) == std::vector<int>{3, 6, 7});
    CHECK(has_finding(report, 7, "drop-table", "inside f() (domain e's CHECK on u)"));
}

TEST_CASE("COPY FROM, MERGE and INSERT ... ON CONFLICT DO UPDATE fire what they write", "[function_attach]") {
    FileReport report = run(k_dropper + "CREATE TABLE t (x int PRIMARY KEY, y int DEFAULT f());\n"
                                        "CREATE TABLE u (x int PRIMARY KEY);\n"
                                        "CREATE FUNCTION on_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DROP TABLE orders; RETURN NEW; END $$;\n"
                                        "CREATE TRIGGER u_up BEFORE UPDATE ON u FOR EACH ROW EXECUTE FUNCTION on_update();\n"
                                        "COPY t (x) FROM '/tmp/rows.csv';\n"
                                        "MERGE INTO t USING u ON t.x = u.x WHEN NOT MATCHED THEN INSERT (x) VALUES (u.x);\n"
                                        "INSERT INTO u VALUES (1);\n"
                                        "INSERT INTO u VALUES (1) ON CONFLICT (x) DO UPDATE SET x = 2;\n");
    CHECK(drop_statements(report) == std::vector<int>{5, 6, 8});
    CHECK(has_finding(report, 8, "drop-table", "inside on_update() (trigger u_up on u): DROP TABLE orders"));
}
