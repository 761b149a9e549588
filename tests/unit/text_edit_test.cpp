// The one-click edits of findings (Finding::edit, analyze/rules/edits.hpp): each applied to its
// file, the result compared with the text a person would have written. The golden cases under
// tests/rules/ show every edit too; these are the shapes that are easy to get wrong (several
// lines, comments, subcommands, indentation, CRLF) and the places where no edit is offered.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/history.hpp"
#include "analyze/model/text_edit.hpp"

using namespace pgfence::analyze;

namespace {

// The findings of `rule` in `text`.
std::vector<Finding> findings_of(std::string_view text, std::string_view rule, const AnalyzeOptions& options = {},
                                 const std::string& path = "db/migrations/001_m.sql") {
    AnalyzeOptions with_rule = options;
    with_rule.rules.enabled.insert(std::string(rule));  // a strict-profile rule is on when asked for
    FileReport report = analyze_text(path, text, with_rule);
    std::vector<Finding> out;
    for (const auto& f : report.findings) {
        if (f.rule == rule) out.push_back(f);
    }
    return out;
}

// The file as the edit of the `nth` finding of `rule` leaves it; "" when that finding has none.
std::string edited(std::string_view text, std::string_view rule, const AnalyzeOptions& options = {},
                   std::size_t nth = 0, const std::string& path = "db/migrations/001_m.sql") {
    std::vector<Finding> found = findings_of(text, rule, options, path);
    REQUIRE(found.size() > nth);
    const Finding& f = found[nth];
    return f.edit ? apply_edit(text, *f.edit) : std::string();
}

// Options whose history has `schema` (its tables exist before the file).
AnalyzeOptions with_history(std::string_view schema, int pg_version = 15) {
    AnalyzeOptions options;
    options.pg_version = pg_version;
    Replay replay(options);
    replay.replay_text("000_schema.sql", schema);
    options.history = replay.snapshot();
    return options;
}

}  // namespace

TEST_CASE("edited_lines: the whole lines an edit touches, before and after", "[edit]") {
    std::string text = "SELECT 1;\nCREATE INDEX i ON t (x);\nSELECT 2;";
    EditedLines lines = edited_lines(text, TextEdit{22, 22, " CONCURRENTLY", "add"});
    CHECK(lines.first == 2);
    CHECK(lines.last == 2);
    CHECK(lines.original == "CREATE INDEX i ON t (x);");
    CHECK(lines.replacement == "CREATE INDEX CONCURRENTLY i ON t (x);");

    // A line inserted above the second line: that line becomes two.
    lines = edited_lines(text, TextEdit{10, 10, "SET lock_timeout = '2s';\n", "add"});
    CHECK(lines.first == 2);
    CHECK(lines.last == 2);
    CHECK(lines.replacement == "SET lock_timeout = '2s';\nCREATE INDEX i ON t (x);");

    // The last line without a line break, and a replacement across a line break.
    lines = edited_lines(text, TextEdit{text.size(), text.size(), " -- done", "add"});
    CHECK(lines.first == 3);
    CHECK(lines.replacement == "SELECT 2; -- done");
    lines = edited_lines(text, TextEdit{8, 11, "; C", "join"});
    CHECK(lines.first == 1);
    CHECK(lines.last == 2);
    CHECK(lines.original == "SELECT 1;\nCREATE INDEX i ON t (x);");
    CHECK(lines.replacement == "SELECT 1; CREATE INDEX i ON t (x);");
    CHECK(apply_edit("abc", TextEdit{1, 2, "XY", ""}) == "aXYc");
}

TEST_CASE("create-index-without-concurrently: CONCURRENTLY after INDEX, wherever INDEX stands", "[edit]") {
    CHECK(edited("CREATE INDEX users_email ON users (email);\n", "create-index-without-concurrently") ==
          "CREATE INDEX CONCURRENTLY users_email ON users (email);\n");
    CHECK(edited("create unique index\n  users_email on users (email);\n", "create-index-without-concurrently") ==
          "create unique index CONCURRENTLY\n  users_email on users (email);\n");
    CHECK(edited("CREATE INDEX /* by email */ ON users (email);\n", "create-index-without-concurrently") ==
          "CREATE INDEX CONCURRENTLY /* by email */ ON users (email);\n");
    // The author's IF NOT EXISTS goes: after a failed concurrent build it would keep the INVALID
    // index on the retry (the DBA review dba70, reproduced on PostgreSQL 15).
    CHECK(edited("-- the index\n  CREATE INDEX IF NOT EXISTS e ON users (email);", "create-index-without-concurrently") ==
          "-- the index\n  CREATE INDEX CONCURRENTLY e ON users (email);");
    CHECK(edited("create unique index /* x */ if not exists e on users (email);", "create-index-without-concurrently") ==
          "create unique index CONCURRENTLY e on users (email);");
    // Inside a transaction the edit is still the fix's first half: `pgfence pr` proves it
    // before offering it, and there it raises concurrently-in-transaction.
    CHECK(edited("BEGIN;\nCREATE INDEX e ON users (email);\nCOMMIT;\n", "create-index-without-concurrently") ==
          "BEGIN;\nCREATE INDEX CONCURRENTLY e ON users (email);\nCOMMIT;\n");
    // A partitioned table's index is built per partition: no edit says that.
    AnalyzeOptions partitioned = with_history("CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);\n");
    CHECK(edited("CREATE INDEX events_at ON events (at);\n", "create-index-without-concurrently", partitioned).empty());
}

TEST_CASE("drop-index-without-concurrently: CONCURRENTLY IF EXISTS, for one index without CASCADE", "[edit]") {
    AnalyzeOptions options = with_history("CREATE TABLE users (id int, email text);\nCREATE INDEX a ON users (email);\n"
                                          "CREATE INDEX b ON users (id);\n");
    CHECK(edited("DROP INDEX a;\n", "drop-index-without-concurrently", options) == "DROP INDEX CONCURRENTLY IF EXISTS a;\n");
    CHECK(edited("DROP INDEX IF EXISTS a;\n", "drop-index-without-concurrently", options) ==
          "DROP INDEX CONCURRENTLY IF EXISTS a;\n");
    CHECK(edited("DROP INDEX a CASCADE;\n", "drop-index-without-concurrently", options).empty());
    CHECK(edited("DROP INDEX a, b;\n", "drop-index-without-concurrently", options).empty());
}

TEST_CASE("add-foreign-key-without-not-valid: NOT VALID at the end of its own clause", "[edit]") {
    CHECK(edited("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);\n",
                 "add-foreign-key-without-not-valid") ==
          "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n");
    // Among other subcommands, with comments and parentheses holding commas.
    std::string multi = "ALTER TABLE ONLY public.orders\n"
                        "  ADD COLUMN total numeric(10, 2) DEFAULT 0,\n"
                        "  ADD CONSTRAINT fk FOREIGN KEY (user_id, shop_id) REFERENCES users (id, shop_id) -- who\n"
                        "    ON DELETE CASCADE, /* then */\n"
                        "  ADD FOREIGN KEY (shop_id) REFERENCES shops (id);\n";
    // The two keys are one finding (one statement, one lock, one fix): its edit makes both NOT VALID.
    CHECK(edited(multi, "add-foreign-key-without-not-valid") ==
          "ALTER TABLE ONLY public.orders\n"
          "  ADD COLUMN total numeric(10, 2) DEFAULT 0,\n"
          "  ADD CONSTRAINT fk FOREIGN KEY (user_id, shop_id) REFERENCES users (id, shop_id) -- who\n"
          "    ON DELETE CASCADE NOT VALID, /* then */\n"
          "  ADD FOREIGN KEY (shop_id) REFERENCES shops (id) NOT VALID;\n");
    // PostgreSQL before 18 refuses NOT VALID on a partitioned table's foreign key.
    const char* schema = "CREATE TABLE users (id int PRIMARY KEY);\n"
                         "CREATE TABLE events (id int, user_id int) PARTITION BY RANGE (id);\n";
    const char* fk = "ALTER TABLE events ADD FOREIGN KEY (user_id) REFERENCES users (id);\n";
    CHECK(edited(fk, "add-foreign-key-without-not-valid", with_history(schema, 17)).empty());
    CHECK(edited(fk, "add-foreign-key-without-not-valid", with_history(schema, 18)) ==
          "ALTER TABLE events ADD FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n");
}

TEST_CASE("add-check-without-not-valid: NOT VALID after the CHECK, none for a column's own CHECK", "[edit]") {
    CHECK(edited("ALTER TABLE users ADD CONSTRAINT age CHECK (age > 0 AND age < 200), ALTER COLUMN x SET DEFAULT ARRAY[1, 2];",
                 "add-check-without-not-valid") ==
          "ALTER TABLE users ADD CONSTRAINT age CHECK (age > 0 AND age < 200) NOT VALID, ALTER COLUMN x SET DEFAULT ARRAY[1, 2];");
    CHECK(edited("ALTER TABLE users ADD COLUMN age int CHECK (age > 0);", "add-check-without-not-valid").empty());
}

TEST_CASE("lock-timeout-missing: the SET line above the statement, indented as it is", "[edit]") {
    CHECK(edited("ALTER TABLE users ADD COLUMN bio text;\n", "lock-timeout-missing") ==
          "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN bio text;\n");
    CHECK(edited("-- +goose Up\n-- add it\n    ALTER TABLE users\n      ADD COLUMN bio text;\n", "lock-timeout-missing",
                 {}, 0, "db/migrations/00001_bio.sql") ==
          "-- +goose Up\n-- add it\n    SET lock_timeout = '2s';\n    ALTER TABLE users\n      ADD COLUMN bio text;\n");
    CHECK(edited("\tALTER TABLE users ADD COLUMN bio text;\r\nSELECT 1;\r\n", "lock-timeout-missing") ==
          "\tSET lock_timeout = '2s';\r\n\tALTER TABLE users ADD COLUMN bio text;\r\nSELECT 1;\r\n");
    // Another statement before it on its line: no line of its own to put the SET on.
    CHECK(edited("SELECT 1; ALTER TABLE users ADD COLUMN bio text;\n", "lock-timeout-missing").empty());
}

TEST_CASE("missing-if-not-exists: the clause after the object's keyword, in each kind of statement", "[edit]") {
    const char* rule = "missing-if-not-exists";
    std::string two = "CREATE TABLE t (id int);\nALTER TABLE users ADD nickname text, DROP legacy;\n";
    CHECK(edited(two, rule) == "CREATE TABLE IF NOT EXISTS t (id int);\nALTER TABLE users ADD nickname text, DROP legacy;\n");
    CHECK(edited(two, rule, {}, 1) == "CREATE TABLE t (id int);\nALTER TABLE users ADD IF NOT EXISTS nickname text, DROP legacy;\n");
    CHECK(edited(two, rule, {}, 2) == "CREATE TABLE t (id int);\nALTER TABLE users ADD nickname text, DROP IF EXISTS legacy;\n");
    CHECK(edited("DROP INDEX CONCURRENTLY e;", rule) == "DROP INDEX CONCURRENTLY IF EXISTS e;");
    std::string schema = "CREATE SCHEMA s CREATE TABLE t (id int);\nSELECT 1;\n";
    CHECK(edited(schema, rule).empty());  // IF NOT EXISTS refuses schema elements
    CHECK(edited("CREATE TEMP TABLE copy AS SELECT 1 AS a;\nSELECT 1;\n", rule) ==
          "CREATE TEMP TABLE IF NOT EXISTS copy AS SELECT 1 AS a;\nSELECT 1;\n");
}

TEST_CASE("no edit for an ORM script's SQL, which sits in a string literal", "[edit]") {
    std::string script = "exports.up = (knex) => knex.raw('CREATE INDEX users_email ON users (email)');\n";
    std::vector<Finding> found =
        findings_of(script, "create-index-without-concurrently", {}, "migrations/20240101_add_index.js");
    REQUIRE(found.size() == 1);
    CHECK_FALSE(found[0].edit);
}
