// A CREATE the parser rejects still creates its relation on the server: the name read from the
// text goes into the catalog as new, so later statements on it are read as on a new relation.
#include <catch2/catch.hpp>

#include <string>

#include "analyze/analyzer.hpp"

using namespace pgfence::analyze;

namespace {

FileReport run(const std::string& text) {
    AnalyzeOptions options;
    options.run_rules = false;
    return analyze_text("db/migrate/20240605101500_create_reports.sql", text, options);
}

// Whether the last statement's lock on `relation` is on a relation this migration created.
bool last_lock_is_new(const FileReport& report, const std::string& relation) {
    for (const auto& lock : report.statements.back().locks) {
        if (lock.relation == relation) return lock.is_new;
    }
    FAIL("no lock on " << relation);
    return false;
}

}  // namespace

TEST_CASE("unparsed create: the table's name is read through IF NOT EXISTS, schema and quotes") {
    auto report = run(
        "CREATE TABLE IF NOT EXISTS \"reporting\".\"Monthly Reports\" (id bigint) TABLESPACE :report_space;\n"
        "ALTER TABLE reporting.\"Monthly Reports\" ADD COLUMN total numeric;\n");
    REQUIRE(report.statements.size() == 2);
    CHECK(report.statements[0].status == StatementStatus::Unparsable);
    CHECK(last_lock_is_new(report, "reporting.\"Monthly Reports\""));
}

TEST_CASE("unparsed create: CREATE UNIQUE INDEX name ON table registers the index on its table") {
    auto report = run(
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS report_rows_key ON ONLY report_rows (id) WITH (fillfactor = :ff);\n"
        "DROP INDEX report_rows_key;\n");
    CHECK(report.statements[0].status == StatementStatus::Unparsable);
    CHECK(last_lock_is_new(report, "report_rows_key"));
}

TEST_CASE("unparsed create: views and materialized views, OR REPLACE and TEMP") {
    auto view = run("CREATE OR REPLACE TEMP VIEW open_orders AS SELECT * FROM orders WHERE placed_at > :since;\n"
                    "ALTER VIEW open_orders RENAME TO pending_orders;\n");
    CHECK(last_lock_is_new(view, "open_orders"));
    auto matview = run("CREATE MATERIALIZED VIEW sales_by_day AS SELECT 1 FROM :source;\n"
                       "REFRESH MATERIALIZED VIEW sales_by_day;\n");
    CHECK(last_lock_is_new(matview, "sales_by_day"));
}

TEST_CASE("unparsed create: nothing is registered when the name cannot be read") {
    // An index without a name (PostgreSQL chooses it), or a name that is a psql variable.
    auto unnamed = run("CREATE INDEX ON orders (placed_at) WHERE :cond;\nCREATE INDEX orders_x ON orders (x);\n");
    CHECK_FALSE(last_lock_is_new(unnamed, "orders"));
    auto variable = run("CREATE TABLE :tbl (id int);\nALTER TABLE tbl ADD COLUMN a int;\n");
    CHECK_FALSE(last_lock_is_new(variable, "tbl"));
    // Another statement that does not parse creates nothing.
    auto other = run("ALTER TABLE invoices ADD COLUMN due date DEFAULT :due;\nALTER TABLE invoices ADD COLUMN paid bool;\n");
    CHECK_FALSE(last_lock_is_new(other, "invoices"));
}
