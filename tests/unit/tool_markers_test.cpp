// goose's and dbmate's markers read exactly as the tools read them (analyze/tool_markers.hpp):
// a line the tool does not take for a marker marks nothing, and a line that makes the tool refuse
// the file is an unknown statement at that line.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/migrations/conventions.hpp"

using namespace pgfence::analyze;

namespace {

FileReport run(const std::string& path, const std::string& text, Direction direction = Direction::Up) {
    AnalyzeOptions options;
    options.direction = direction;
    options.run_rules = false;
    return analyze_text(path, text, options);
}

using Sqls = std::vector<std::string>;

// The statements read, an unknown one (a refused marker) as "?<line>".
Sqls read(const FileReport& report) {
    Sqls out;
    for (const auto& s : report.statements) {
        out.push_back(s.status == StatementStatus::Unknown ? "?" + std::to_string(s.span.start.line) : s.sql);
    }
    return out;
}

const std::string k_goose = "db/00002_x.sql";
const std::string k_dbmate = "db/migrations/20240101000000_x.sql";

}  // namespace

TEST_CASE("goose markers: an annotation with leading white space is refused, not a Down") {
    auto r = run(k_goose, "-- +goose Up\nCREATE TABLE a (id int);\n -- +goose Down\nDROP TABLE users;\n");
    CHECK(r.tool == MigrationTool::Goose);
    CHECK(read(r) == Sqls{"CREATE TABLE a (id int)", "?3", "DROP TABLE users"});
    CHECK(r.statements.at(1).notes.at(0).find("leading white space") != std::string::npos);
    // A tab too; and a file whose only annotation is indented is still goose's, and refused.
    CHECK(read(run(k_goose, "-- +goose Up\n\t-- +goose Down\nDROP TABLE users;\n")) == Sqls{"?2", "DROP TABLE users"});
    CHECK(read(run(k_goose, "  -- +goose Up\nDROP TABLE users;\n")).front() == "?1");
}

TEST_CASE("goose markers: case, spacing and the annotations goose knows") {
    // extractAnnotation (v3.19 on) compares without case, and removes every "--" and the first
    // "+goose"; goose before v3.19 compared the exact spelling and read the rest as comments, so a
    // spelling only one of them takes is unknown, and marks nothing.
    CHECK(read(run(k_goose, "-- +goose up\nSELECT 1;\n-- +goose DOWN\nDROP TABLE users;\n")) ==
          Sqls{"?1", "?2", "SELECT 1", "?3", "DROP TABLE users"});
    // but "+goose" itself is found case-sensitively (strings.Contains): "+GOOSE" is a comment.
    CHECK(read(run(k_goose, "-- +goose Up\nSELECT 1;\n-- +GOOSE Down\nDROP TABLE users;\n")) == Sqls{"SELECT 1", "DROP TABLE users"});
    CHECK(read(run(k_goose, "--+goose Up\nSELECT 1;\n--+gooseDown\nDROP TABLE users;\n")) == Sqls{"SELECT 1", "?3", "DROP TABLE users"});
    CHECK(read(run(k_goose, "--+goose Up\nSELECT 1;\n--   +goose Down  \nDROP TABLE users;\n")) == Sqls{"SELECT 1"});
    CHECK(read(run(k_goose, "-- +goose Up\nSELECT 1;\n-- +goose Down\nDROP TABLE users;\n", Direction::Down)) ==
          Sqls{"DROP TABLE users"});
    // Unicode's simple folding: U+017F (long s) is an 's' to strings.EqualFold, not to goose
    // before v3.19: unknown.
    CHECK(read(run(k_goose, "-- +goose Up\n-- +goose \xC5\xBFtatementBegin\nSELECT 1; SELECT 2;\n-- +goose StatementEnd\n")) ==
          Sqls{"?2", "SELECT 1", "SELECT 2", "?4"});
    // Anything else after +goose is refused, and marks nothing.
    CHECK(read(run(k_goose, "-- +goose Up\nSELECT 1;\n-- +goose Down -- rollback\nDROP TABLE users;\n")) ==
          Sqls{"SELECT 1", "?3", "DROP TABLE users"});
    CHECK(read(run(k_goose, "-- +goose Up\nSELECT 1;\n-- +goose Down +goose Down\nDROP TABLE users;\n")) ==
          Sqls{"SELECT 1", "?3", "DROP TABLE users"});
    // A comment that mentions +goose is an annotation line to goose.
    CHECK(read(run(k_goose, "-- +goose Up\n-- see the +goose docs\nSELECT 1;\n")) == Sqls{"?2", "SELECT 1"});
    // NO TRANSACTION exactly (any case); anything longer is refused and changes nothing.
    auto no_tx = run(k_goose, "-- +goose Up\n-- +goose no transaction\nCREATE INDEX CONCURRENTLY i ON users (email);\n");
    CHECK_FALSE(no_tx.wrapped_in_transaction);
    auto longer = run(k_goose, "-- +goose Up\n-- +goose NO TRANSACTION please\nCREATE INDEX CONCURRENTLY i ON users (email);\n");
    CHECK(longer.wrapped_in_transaction);
    CHECK(read(longer).front() == "?2");
}

TEST_CASE("goose markers: what goose refuses in the file's structure") {
    // SQL before Up, a StatementEnd without its Begin, a Begin never ended, a statement without ';'.
    CHECK(read(run(k_goose, "DROP TABLE users;\n-- +goose Up\nSELECT 1;\n")) == Sqls{"?1", "DROP TABLE users", "SELECT 1"});
    CHECK(read(run(k_goose, "-- +goose Up\nSELECT 1;\n-- +goose StatementEnd\n")) == Sqls{"SELECT 1", "?3"});
    CHECK(read(run(k_goose, "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n")) == Sqls{"SELECT 1", "?3"});
    CHECK(read(run(k_goose, "-- +goose Up\nSELECT 1\n-- +goose Down\nSELECT 2;\n")) == Sqls{"SELECT 1", "?3"});
    // A file goose reads without complaint has no unknown.
    auto clean = run(k_goose,
                     "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n"
                     "-- +goose StatementEnd\n\n-- +goose Down\nDROP FUNCTION f();\n");
    CHECK(read(clean) == Sqls{"CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql"});
}

TEST_CASE("dbmate markers: column 1, lower case, then white space or the line's end") {
    auto upper = run(k_dbmate, "-- migrate:up\nSELECT 1;\n-- migrate:DOWN\nDROP TABLE users;\n-- migrate:down\nSELECT 2;\n");
    CHECK(upper.tool == MigrationTool::Dbmate);
    CHECK(read(upper) == Sqls{"SELECT 1", "DROP TABLE users"});
    CHECK(read(run(k_dbmate, "-- migrate:up\nSELECT 1;\n -- migrate:down\nDROP TABLE users;\n-- migrate:down\nSELECT 2;\n")) ==
          Sqls{"SELECT 1", "DROP TABLE users"});
    CHECK(read(run(k_dbmate, "-- migrate:up\nSELECT 1;\n-- migrate:downgrade\nDROP TABLE users;\n-- migrate:down\nSELECT 2;\n")) ==
          Sqls{"SELECT 1", "DROP TABLE users"});
    // "--" then any white space (RE2's \s) before "migrate:".
    CHECK(read(run(k_dbmate, "--migrate:up\nSELECT 1;\n--\tmigrate:down\nDROP TABLE users;\n")) == Sqls{"SELECT 1"});
    CHECK(read(run(k_dbmate, "-- migrate:up\nSELECT 1;\n-- migrate:down\nDROP TABLE users;\n", Direction::Down)) ==
          Sqls{"DROP TABLE users"});
}

TEST_CASE("dbmate markers: transaction:false exactly, and the sections dbmate refuses") {
    auto off = run(k_dbmate, "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON users (email);\n-- migrate:down\n");
    CHECK_FALSE(off.wrapped_in_transaction);
    // parseMigrationOptions: `transaction` must be exactly "false"; other case, or a key:value:x, is not.
    for (const char* option : {"transaction:FALSE", "Transaction:false", "transaction:false:x"}) {
        auto on = run(k_dbmate, std::string("-- migrate:up ") + option + "\nCREATE INDEX CONCURRENTLY i ON users (email);\n-- migrate:down\n");
        CHECK(on.wrapped_in_transaction);
    }
    // A section without a down directive, statements before the first up: dbmate refuses the file.
    CHECK(read(run(k_dbmate, "-- migrate:up\nSELECT 1;\n")) == Sqls{"SELECT 1", "?2"});
    CHECK(read(run(k_dbmate, "SELECT 0;\n-- migrate:up\nSELECT 1;\n-- migrate:down\n")) == Sqls{"?1", "SELECT 0", "SELECT 1"});
    CHECK(read(run(k_dbmate, "-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n-- migrate:down\nSELECT 3;\n", Direction::Both))
              .size() == 4);
}

TEST_CASE("node-pg-migrate markers: the first up and the first down only") {
    // getActions (src/sqlMigration.ts): the up SQL runs from the first up marker to the first down
    // marker after it, else to the end, so a down marker after the up part's is a comment in it.
    const std::string path = "migrations/1700000000000_x.sql";
    const std::string text = "-- Down Migration\nDROP TABLE a;\n-- Up Migration\nSELECT 1;\n-- Down Migration\nDROP TABLE users;\n";
    auto up = run(path, text);
    CHECK(up.tool == MigrationTool::NodePgMigrate);
    CHECK(read(up) == Sqls{"SELECT 1", "DROP TABLE users"});
    CHECK(read(run(path, text, Direction::Down)) == Sqls{"DROP TABLE a"});
    CHECK(read(run(path, "-- Up Migration\nSELECT 1;\n-- Down Migration\nSELECT 2;\n-- Up Migration\nDROP TABLE users;\n",
                   Direction::Both)) == Sqls{"SELECT 1", "SELECT 2", "DROP TABLE users"});
    CHECK(read(run(path, "-- Up Migration\nSELECT 1;\n-- Down Migration\nSELECT 2;\n-- Up Migration\nDROP TABLE users;\n")) ==
          Sqls{"SELECT 1"});
}

TEST_CASE("goose ENVSUB: lines rewritten as mfridman/interpolate does, expansions unknown") {
    // $$ and \$ are sent as $, \\ and $( stay, a $ at the line's end stays; off again after ENVSUB OFF.
    CHECK(read(run(k_goose, "-- +goose Up\n-- +goose ENVSUB ON\nSELECT '$$a', '\\$b', '\\\\', '$(c)', 5 AS \"x$\nwhere\";\n"
                            "-- +goose ENVSUB OFF\nSELECT '$$';\n")) ==
          Sqls{"SELECT '$a', '$b', '\\\\', '$(c)', 5 AS \"x$\nwhere\"", "SELECT '$$'"});
    // Any expansion is the deploy environment's value: its statement is unknown, at its line; the
    // others are read.
    CHECK(read(run(k_goose, "-- +goose Up\n-- +goose ENVSUB ON\nSELECT 1;\nDELETE FROM t WHERE id = ${ID:-0};\nSELECT $NAME;\n"
                            "SELECT '${A-${B}}';\n")) == Sqls{"SELECT 1", "?4", "?5", "?6"});
    // A $ interpolate cannot read fails goose: the file is refused at that line.
    auto refused = read(run(k_goose, "-- +goose Up\n-- +goose ENVSUB ON\nSELECT 1;\nSELECT $1;\n"));
    CHECK(std::find(refused.begin(), refused.end(), "?4") != refused.end());
    // Comment lines before a statement are not interpolated (goose drops them first).
    CHECK(read(run(k_goose, "-- +goose Up\n-- +goose ENVSUB ON\n-- costs $1\nSELECT 1;\n")) == Sqls{"SELECT 1"});
}
