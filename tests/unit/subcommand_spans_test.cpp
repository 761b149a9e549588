// Findings about one subcommand of a multi-clause ALTER TABLE point at that subcommand (its
// clause's span in the file), not at the statement; findings come out in source order.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "analyze/parse/alter_clauses.hpp"
#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_tree.hpp"

using namespace pgfence::analyze;

namespace {

// Each clause's text between its first and last token, as alter_clauses cuts `sql`.
std::vector<std::string> clause_texts(const std::string& sql) {
    ParsedStatement parsed = parse_statement(sql);
    REQUIRE_FALSE(parsed.failure);
    std::vector<std::string> out;
    for (const AlterClause& c : alter_clauses(sql, pg::as<AlterTableStmt>(parsed.stmt))) {
        CHECK(c.begin <= c.first);
        CHECK(c.last < c.end);
        out.push_back(sql.substr(c.first, c.last + 1 - c.first));
    }
    return out;
}

const Finding* finding(const FileReport& report, const std::string& rule) {
    for (const auto& f : report.findings) {
        if (f.rule == rule) return &f;
    }
    return nullptr;
}

std::string where(Position p) { return std::to_string(p.line) + ":" + std::to_string(p.column); }

// The table the migrations alter, so that its ALTER TABLEs lock an existing table.
const char* k_schema =
    "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
    "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total int, note varchar(20), legacy text);\n";

FileReport analyze_with_schema(const std::string& sql) {
    Catalog catalog;
    AnalyzeOptions options;
    options.rules.strict = true;  // prefer-timestamptz's span is among those checked
    (void)analyze_text("schema.sql", k_schema, options, {}, catalog);
    for (const auto& [name, rel] : catalog.relations()) {
        if (auto* r = catalog.find(name)) r->is_new = false;  // history: the tables hold data
    }
    return analyze_text("db/002.sql", sql, options, {}, catalog);
}

}  // namespace

TEST_CASE("alter_clauses cuts an ALTER TABLE at its top-level commas") {
    SECTION("parentheses, brackets, strings, comments and dollar quotes hold their commas") {
        CHECK(clause_texts("ALTER TABLE t ADD COLUMN a numeric(10,2) DEFAULT ARRAY[1,2]::numeric[] , "
                           "ADD CONSTRAINT c CHECK (a IN (1, 2)) /* x, (y */, "
                           "ALTER COLUMN b SET DEFAULT 'a, (b' -- c, d\n, "
                           "ALTER COLUMN e SET DEFAULT $$, )$$") ==
              std::vector<std::string>{"ADD COLUMN a numeric(10,2) DEFAULT ARRAY[1,2]::numeric[]",
                                       "ADD CONSTRAINT c CHECK (a IN (1, 2))",
                                       "ALTER COLUMN b SET DEFAULT 'a, (b'",
                                       "ALTER COLUMN e SET DEFAULT $$, )$$"});
    }
    SECTION("the head: a qualified, quoted name, ONLY, IF EXISTS, `name *`, comments") {
        CHECK(clause_texts("ALTER TABLE IF EXISTS ONLY \"App\" /* , */ . \"Order\" ADD a int, DROP b") ==
              std::vector<std::string>{"ADD a int", "DROP b"});
        CHECK(clause_texts("ALTER TABLE app.orders * ADD a int, DROP b") == std::vector<std::string>{"ADD a int", "DROP b"});
        CHECK(clause_texts("ALTER TABLE \"a,b\" ADD a int, DROP b") == std::vector<std::string>{"ADD a int", "DROP b"});
    }
    SECTION("a partition command is one clause, its bound's commas inside parentheses") {
        CHECK(clause_texts("ALTER TABLE p ATTACH PARTITION p1 FOR VALUES IN (1, 2, 3)") ==
              std::vector<std::string>{"ATTACH PARTITION p1 FOR VALUES IN (1, 2, 3)"});
        CHECK(clause_texts("ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY") ==
              std::vector<std::string>{"DETACH PARTITION p1 CONCURRENTLY"});
    }
    SECTION("a top-level ';' ends the statement") {
        CHECK(clause_texts("ALTER TABLE t ADD a int, DROP b;") == std::vector<std::string>{"ADD a int", "DROP b"});
    }
    SECTION("the last character's first byte, and not the comma's") {
        std::string sql = "ALTER TABLE t ADD \"é\" int, ADD \"ü\" text";
        CHECK(clause_texts(sql) == std::vector<std::string>{"ADD \"é\" int", "ADD \"ü\" text"});
    }
}

TEST_CASE("subcommand spans: a multi-line ALTER TABLE points each finding at its own clause") {
    const std::string sql =
        "SET lock_timeout = '2s';\n"
        "ALTER TABLE orders\n"
        "    ADD COLUMN placed_at timestamp,\n"
        "    -- the customer key, (checked later), see the ticket\n"
        "    ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id),\n"
        "    ADD CONSTRAINT orders_total_check CHECK (total >= 0 AND note <> 'a, (b'),\n"
        "    DROP COLUMN legacy;\n";
    // (A type change that rewrites would fold the clauses' scans into its own finding: the
    // rewrite's one lock is the cause; golden alter-column-type-rewrite/retype_with_new_primary_key.)
    FileReport report = analyze_with_schema(sql);
    REQUIRE(report.statements.size() == 2);
    const StatementFacts& alter = report.statements[1];
    REQUIRE(alter.subcommands.size() == 4);
    CHECK(where(alter.subcommands[0].start) == "3:5");
    CHECK(where(alter.subcommands[0].stop) == "3:34");
    CHECK(where(alter.subcommands[1].start) == "5:5");  // after the comment, which is not part of it
    CHECK(where(alter.subcommands[1].stop) == "5:89");
    CHECK(where(alter.subcommands[2].start) == "6:5");
    CHECK(where(alter.subcommands[2].stop) == "6:76");
    CHECK(where(alter.subcommands[3].start) == "7:5");
    CHECK(where(alter.subcommands[3].stop) == "7:22");

    const Finding* fk = finding(report, "add-foreign-key-without-not-valid");
    const Finding* fk_index = finding(report, "foreign-key-without-index");
    const Finding* check = finding(report, "add-check-without-not-valid");
    const Finding* type = finding(report, "drop-column");
    const Finding* timestamp = finding(report, "prefer-timestamptz");
    REQUIRE(fk != nullptr);
    REQUIRE(fk_index != nullptr);
    REQUIRE(check != nullptr);
    REQUIRE(type != nullptr);
    REQUIRE(timestamp != nullptr);
    CHECK(where(fk->start) == "5:5");
    CHECK(where(fk->stop) == "5:89");
    CHECK(where(fk_index->start) == "5:5");
    CHECK(fk_index->subcommand == 1);
    CHECK(where(check->start) == "6:5");
    CHECK(where(type->start) == "7:5");
    // A column's own finding keeps pointing at the column.
    CHECK(where(timestamp->start) == "3:16");
    // Everything keyed on the statement still is.
    for (const Finding* f : {fk, fk_index, check, type, timestamp}) CHECK(f->statement == 1);
}

TEST_CASE("subcommand spans: a one-line ALTER TABLE gives each clause its own columns") {
    FileReport report =
        analyze_with_schema("SET lock_timeout = '2s';\nALTER TABLE orders ADD CONSTRAINT a CHECK (total > 0), DROP COLUMN legacy;\n");
    const Finding* check = finding(report, "add-check-without-not-valid");
    const Finding* drop = finding(report, "drop-column");
    REQUIRE(check != nullptr);
    REQUIRE(drop != nullptr);
    CHECK(where(check->start) == "2:20");
    CHECK(where(check->stop) == "2:53");
    CHECK(where(drop->start) == "2:56");
    CHECK(where(drop->stop) == "2:73");
}

TEST_CASE("subcommand spans: a statement of one subcommand is its own span") {
    FileReport report = analyze_with_schema("SET lock_timeout = '2s';\nALTER TABLE orders\n  ADD CONSTRAINT a CHECK (total > 0);\n");
    CHECK(report.statements[1].subcommands.empty());
    const Finding* check = finding(report, "add-check-without-not-valid");
    REQUIRE(check != nullptr);
    CHECK(where(check->start) == "2:1");
    CHECK(where(check->stop) == "3:36");
}

TEST_CASE("findings come in source order: line, column, highest risk first, then rule id") {
    FileReport report = analyze_with_schema(
        "ALTER TABLE orders\n"
        "    ADD CONSTRAINT orders_total_check CHECK (total >= 0),\n"
        "    ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n"
        "CREATE INDEX orders_note ON orders (note);\n");
    REQUIRE(report.findings.size() >= 5);
    std::vector<std::string> rules;
    for (std::size_t i = 0; i < report.findings.size(); ++i) {
        const Finding& f = report.findings[i];
        rules.push_back(where(f.start) + " " + f.rule);
        if (i == 0) continue;
        const Finding& e = report.findings[i - 1];
        INFO(rules.back());
        CHECK(std::make_tuple(e.start.line, e.start.column, -static_cast<int>(e.risk), e.rule) <=
              std::make_tuple(f.start.line, f.start.column, -static_cast<int>(f.risk), f.rule));
    }
    // The statement's policy findings first, then its clauses top to bottom, then the index.
    CHECK(rules.front().rfind("1:1 ", 0) == 0);
    auto at = [&](const std::string& entry) { return std::find(rules.begin(), rules.end(), entry) - rules.begin(); };
    CHECK(at("2:5 add-check-without-not-valid") < at("3:5 add-foreign-key-without-not-valid"));
    CHECK(at("3:5 add-foreign-key-without-not-valid") < at("3:5 foreign-key-without-index"));  // HIGH before MEDIUM
    CHECK(at("3:5 foreign-key-without-index") < at("4:1 create-index-without-concurrently"));
}
