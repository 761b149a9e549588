// Lines as each reader of a migration splits them (analyze/tool_lines.hpp), and the markers read
// on those lines: a lone CR ends a PostgreSQL comment but not a goose or dbmate line, and starts a
// line for node-pg-migrate's JavaScript regular expression; a marker's own line is sent with its
// part by dbmate, node-pg-migrate and Drizzle.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/parse/tokens.hpp"
#include "analyze/parse/tool_lines.hpp"
#include "analyze/migrations/tool_markers.hpp"

using namespace pgfence::analyze;

namespace {

std::vector<std::string> lines(std::string_view text, LineConvention c) {
    std::vector<std::string> out;
    for_each_line(text, c, [&](const ToolLine& l) {
        out.emplace_back(l.text);
        return true;
    });
    return out;
}

using Sqls = std::vector<std::string>;

Sqls read(const std::string& path, const std::string& text, Direction direction = Direction::Up) {
    AnalyzeOptions options;
    options.direction = direction;
    options.run_rules = false;
    Sqls out;
    for (const auto& s : analyze_text(path, text, options).statements) {
        out.push_back(s.status == StatementStatus::Unknown ? "?" + std::to_string(s.span.start.line) : s.sql);
    }
    return out;
}

}  // namespace

TEST_CASE("tool lines: each convention's line breaks") {
    const std::string text = "a\r\nb\rc\xE2\x80\xA8" "d\n";
    CHECK(lines(text, LineConvention::Postgres) == std::vector<std::string>{"a", "", "b", "c\xE2\x80\xA8" "d", ""});
    // bufio.ScanLines: LF only, one CR before it dropped.
    CHECK(lines(text, LineConvention::GoScanLines) == std::vector<std::string>{"a", "b\rc\xE2\x80\xA8" "d", ""});
    CHECK(lines(text, LineConvention::LineFeed) == std::vector<std::string>{"a\r", "b\rc\xE2\x80\xA8" "d", ""});
    CHECK(lines(text, LineConvention::JavaScript) == std::vector<std::string>{"a", "", "b", "c", "d", ""});
    CHECK(lines("x\r", LineConvention::GoScanLines) == std::vector<std::string>{"x"});  // dropCR at the end too
    CHECK(line_start("a\rb", 2, LineConvention::Postgres));
    CHECK_FALSE(line_start("a\rb", 2, LineConvention::LineFeed));
    CHECK(line_start("a\xE2\x80\xA9" "b", 4, LineConvention::JavaScript));
    // ECMAScript's \s: NBSP and BOM are, NEL (U+0085) is not.
    CHECK(js_space_at("\xC2\xA0", 0) == 2);
    CHECK(js_space_at("\xEF\xBB\xBF", 0) == 3);
    CHECK(js_space_at("\xC2\x85", 0) == 0);
}

TEST_CASE("tool lines: a PostgreSQL line comment ends at a lone CR") {
    Tokenizer tokens("-- a\rDROP");
    Token t;
    REQUIRE(tokens.next(t));
    CHECK(t.kind == TokenKind::LineComment);
    CHECK(t.end == 5);
    REQUIRE(tokens.next(t));
    CHECK(t.kind == TokenKind::Word);
    CHECK(read("x.sql", "SELECT 1; -- note\rDROP TABLE orders;\n") == Sqls{"SELECT 1", "DROP TABLE orders"});
}

TEST_CASE("tool lines: goose's lines are bufio.Scanner's") {
    const std::string goose = "db/00002_x.sql";
    // Red team E, GOOSECR: one line to goose, no annotation, sent on up.
    CHECK(read(goose, "-- +goose Up\nSELECT 1;\r-- +goose Down\rDROP TABLE orders;\n") ==
          Sqls{"SELECT 1", "DROP TABLE orders"});
    // A comment line goose drops (its buffer empty) is never sent, whatever follows a CR in it;
    // inside a statement it is sent.
    CHECK(read(goose, "-- +goose Up\n-- note\rDROP TABLE orders;\nSELECT 1;\n") == Sqls{"SELECT 1"});
    CHECK(read(goose, "-- +goose Up\nSELECT 1\n-- note\rFROM orders\n;\n") == Sqls{"SELECT 1\n-- note\rFROM orders"});
    // CRLF files read as LF ones.
    CHECK(read(goose, "-- +goose Up\r\nSELECT 1;\r\n-- +goose Down\r\nDROP TABLE orders;\r\n") == Sqls{"SELECT 1"});
    // An annotation with more after a CR names no annotation: goose refuses it.
    CHECK(read(goose, "-- +goose Up\nSELECT 1;\n-- +goose Down\rDROP TABLE orders;\n") == Sqls{"SELECT 1", "?3"});
}

TEST_CASE("tool lines: dbmate sends a section from its directive, found after an LF only") {
    const std::string dbmate = "db/migrations/20240101000000_x.sql";
    CHECK(read(dbmate, "-- migrate:up\rDROP TABLE orders;\n-- migrate:down\nSELECT 2;\n") == Sqls{"DROP TABLE orders"});
    // No directive after a CR: the file has no down section, which dbmate refuses.
    CHECK(read(dbmate, "-- migrate:up\nSELECT 1;\r-- migrate:down\rDROP TABLE orders;\n") ==
          Sqls{"SELECT 1", "DROP TABLE orders", "?2"});
    CHECK(read(dbmate, "-- migrate:up\r\nSELECT 1;\r\n-- migrate:down\r\nDROP TABLE orders;\r\n") == Sqls{"SELECT 1"});
    // The down directive's own line goes with the down section.
    CHECK(read(dbmate, "-- migrate:up\nSELECT 1;\n-- migrate:down\rDROP TABLE orders;\n", Direction::Down) ==
          Sqls{"DROP TABLE orders"});
}

TEST_CASE("tool lines: node-pg-migrate's markers are found as its JavaScript regular expression finds them") {
    const std::string path = "migrations/1700000000000_x.sql";
    // The marker's line is sent with the part it opens.
    CHECK(read(path, "-- Up Migration\rDROP TABLE orders;\n-- Down Migration\nSELECT 2;\n") == Sqls{"DROP TABLE orders"});
    // A CR, U+2028 or U+2029 starts a line: the first up marker is the one after it.
    CHECK(read(path, "-- Down Migration\nSELECT 1;\r-- Up Migration\rDROP TABLE orders;\n-- Up Migration\nSELECT 2;\n") ==
          Sqls{"DROP TABLE orders", "SELECT 2"});
    CHECK(node_pg_migrate_marker("SELECT 1;\xE2\x80\xA8-- up migration", "up") == 12);
    // ECMAScript's \s before "--" and inside; NEL is no white space to it.
    CHECK(node_pg_migrate_marker("\xC2\xA0-- - UP\xE3\x80\x80MIGRATION", "up") == 0);
    CHECK(node_pg_migrate_marker("\xC2\x85-- up migration", "up") == std::string::npos);
    CHECK(node_pg_migrate_marker("-- up\nmigration", "up") == 0);
    CHECK(node_pg_migrate_marker("-- upmigration\n-- up  migration", "up") == 15);
    CHECK(node_pg_migrate_marker("x -- up migration", "up") == std::string::npos);
    // CRLF files keep their down part apart.
    CHECK(read(path, "-- Up Migration\r\nSELECT 1;\r\n-- Down Migration\r\nDROP TABLE orders;\r\n") == Sqls{"SELECT 1"});
}

TEST_CASE("tool lines: node-pg-migrate's marker search stays linear") {
    // Many line starts inside one run of white space or dashes: each run is walked once.
    std::string dashes;
    for (int i = 0; i < 300000; ++i) dashes += "--\n";
    std::string spaces(1000000, '\r');
    std::string ups;
    for (int i = 0; i < 200000; ++i) ups += "--up\n";
    CHECK(node_pg_migrate_marker(dashes, "up") == std::string::npos);
    CHECK(node_pg_migrate_marker(spaces + "-- up migration", "up") == 0);
    CHECK(node_pg_migrate_marker(spaces + "x", "up") == std::string::npos);
    CHECK(node_pg_migrate_marker(ups, "up") == std::string::npos);
}

TEST_CASE("tool lines: Drizzle splits on the marker's text, not on lines") {
    CHECK(read("drizzle/0001_x.sql", "SELECT 1;\n--> statement-breakpoint DROP TABLE orders;\nSELECT 2;\n") ==
          Sqls{"SELECT 1", "DROP TABLE orders", "SELECT 2"});
}
