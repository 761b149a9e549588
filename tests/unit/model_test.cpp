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
        "    EXECUTE format('ALTER TABLE %I ADD COLUMN y int', 'x');\n  END IF;\nEND $$;");
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
