// Migration tools' file conventions, seen through the analyzer: which statements are read,
// where they split, and whether the tool wraps the file in a transaction.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/migrations/conventions.hpp"
#include "analyze/migrations/flyway_settings.hpp"

using namespace pgfence::analyze;

namespace {

FileReport run(const std::string& path, const std::string& text, Direction direction = Direction::Up,
               const std::string& metadata = {}) {
    AnalyzeOptions options;
    options.direction = direction;
    options.run_rules = false;  // facts only: the rules have tests of their own
    return analyze_text(path, text, options, metadata);
}

std::vector<std::string> sqls(const FileReport& report) {
    std::vector<std::string> out;
    for (const auto& s : report.statements) out.push_back(s.sql);
    return out;
}

bool has_note(const FileReport& report, const std::string& fragment) {
    for (const auto& s : report.statements) {
        for (const auto& n : s.notes) {
            if (n.find(fragment) != std::string::npos) return true;
        }
    }
    return false;
}

bool all_in(const FileReport& report, Transaction t) {
    return std::all_of(report.statements.begin(), report.statements.end(),
                       [&](const StatementFacts& s) { return s.transaction == t; });
}

using Sqls = std::vector<std::string>;

const std::string k_goose =
    "-- +goose Up\n"
    "CREATE TABLE users (id int);\n"
    "-- +goose StatementBegin\n"
    "CREATE FUNCTION touch() RETURNS trigger AS $$\n"
    "BEGIN\n"
    "  NEW.updated_at = now();\n"
    "  RETURN NEW;\n"
    "END;\n"
    "$$ LANGUAGE plpgsql;\n"
    "-- +goose StatementEnd\n"
    "ALTER TABLE accounts ADD COLUMN note text;\n"
    "\n"
    "-- +goose Down\n"
    "DROP FUNCTION touch();\n"
    "DROP TABLE users;\n";

}  // namespace

TEST_CASE("conventions: goose Up and Down halves") {
    auto up = run("db/20240101_init.sql", k_goose);
    CHECK(up.tool == MigrationTool::Goose);
    CHECK(up.wrapped_in_transaction);
    REQUIRE(up.statements.size() == 3);
    CHECK(up.statements[0].sql == "CREATE TABLE users (id int)");
    CHECK(up.statements[2].sql == "ALTER TABLE accounts ADD COLUMN note text");
    CHECK(all_in(up, Transaction::Implicit));

    auto down = run("db/20240101_init.sql", k_goose, Direction::Down);
    CHECK(sqls(down) == Sqls{"DROP FUNCTION touch()", "DROP TABLE users"});
    CHECK(down.statements[0].span.start.line == 14);

    auto both = run("db/20240101_init.sql", k_goose, Direction::Both);
    CHECK(both.statements.size() == 5);
}

TEST_CASE("conventions: goose StatementBegin/End bounds a statement") {
    auto up = run("db/20240101_init.sql", k_goose);
    REQUIRE(up.statements.size() == 3);
    const auto& fn = up.statements[1];
    CHECK(fn.kind == "CreateFunctionStmt");
    CHECK(fn.span.start.line == 4);
    CHECK(fn.span.stop.line == 9);
    // The block's final ';' and the marker comments are not part of the statement.
    CHECK(fn.sql.starts_with("CREATE FUNCTION touch()"));
    CHECK(fn.sql.ends_with("$$ LANGUAGE plpgsql"));

    // The block ends the statement even without a ';': the next one is separate and parses.
    std::string text =
        "-- +goose Up\n"
        "-- +goose StatementBegin\n"
        "CREATE TABLE a (id int)\n"
        "-- +goose StatementEnd\n"
        "CREATE TABLE b (id int);\n";
    auto report = run("x.sql", text);
    CHECK(sqls(report) == Sqls{"CREATE TABLE a (id int)", "CREATE TABLE b (id int)"});
    for (const auto& s : report.statements) CHECK(s.status == StatementStatus::Analyzed);
    // What goose's blocks are for: a statement whose ';' are not all inside quotes.
    std::string rule =
        "-- +goose Up\n"
        "-- +goose StatementBegin\n"
        "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));\n"
        "-- +goose StatementEnd\n";
    auto rule_report = run("x.sql", rule);
    REQUIRE(rule_report.statements.size() == 1);
    CHECK(rule_report.statements[0].kind == "RuleStmt");
}

TEST_CASE("conventions: every statement of a goose StatementBegin/End block is analysed") {
    // goose sends the block as one query string and PostgreSQL runs all of it, so a second
    // statement in the block takes its locks too and must not be hidden behind the first.
    std::string text =
        "-- +goose Up\n"
        "-- +goose StatementBegin\n"
        "CREATE TABLE a (id int);\n"
        "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();\n"
        "-- +goose StatementEnd\n";
    auto report = run("x.sql", text);
    REQUIRE(report.statements.size() == 2);
    const auto& alter = report.statements[1];
    CHECK(alter.kind == "AlterTableStmt");
    CHECK(alter.span.start.line == 4);
    REQUIRE(alter.locks.size() == 1);
    CHECK(alter.locks[0].relation == "users");
    CHECK(alter.locks[0].mode == LockMode::AccessExclusive);
    CHECK(alter.rewrites.size() == 1);
}

TEST_CASE("conventions: goose NO TRANSACTION runs statements in autocommit") {
    std::string text =
        "-- +goose NO TRANSACTION\n"
        "-- +goose Up\n"
        "CREATE INDEX CONCURRENTLY users_email ON users (email);\n";
    auto report = run("x.sql", text);
    CHECK(report.tool == MigrationTool::Goose);
    CHECK_FALSE(report.wrapped_in_transaction);
    REQUIRE(report.statements.size() == 1);
    CHECK(report.statements[0].transaction == Transaction::None);
    CHECK(report.statements[0].no_transaction_block);
    CHECK(has_note(report, "NO TRANSACTION"));

    // Without the annotation goose wraps the file, and the same index is inside a transaction.
    auto wrapped = run("x.sql", "-- +goose Up\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n");
    CHECK(wrapped.wrapped_in_transaction);
    CHECK(wrapped.statements.at(0).transaction == Transaction::Implicit);
}

TEST_CASE("conventions: dbmate up/down and transaction:false") {
    std::string text =
        "-- migrate:up\n"
        "CREATE TABLE a (id int);\n"
        "ALTER TABLE b ADD COLUMN c int;\n"
        "\n"
        "-- migrate:down\n"
        "DROP TABLE a;\n";
    auto up = run("db/migrations/20240101_a.sql", text);
    CHECK(up.tool == MigrationTool::Dbmate);
    CHECK(up.wrapped_in_transaction);
    CHECK(sqls(up) == Sqls{"CREATE TABLE a (id int)", "ALTER TABLE b ADD COLUMN c int"});
    CHECK(all_in(up, Transaction::Implicit));

    auto down = run("db/migrations/20240101_a.sql", text, Direction::Down);
    CHECK(sqls(down) == Sqls{"DROP TABLE a"});

    std::string no_tx =
        "-- migrate:up transaction:false\n"
        "CREATE INDEX CONCURRENTLY b_c ON b (c);\n"
        "-- migrate:down\n"
        "DROP INDEX b_c;\n";
    auto autocommit = run("db/migrations/20240102_b.sql", no_tx);
    CHECK_FALSE(autocommit.wrapped_in_transaction);
    CHECK(sqls(autocommit) == Sqls{"CREATE INDEX CONCURRENTLY b_c ON b (c)"});
    CHECK(all_in(autocommit, Transaction::None));
    CHECK(has_note(autocommit, "transaction:false"));
    CHECK_FALSE(has_note(autocommit, "multi-statement"));

    // dbmate sends the section in one Exec all the same: several statements run in
    // PostgreSQL's implicit transaction, where CONCURRENTLY fails.
    std::string no_tx_two =
        "-- migrate:up transaction:false\n"
        "CREATE INDEX CONCURRENTLY b_c ON b (c);\n"
        "CREATE INDEX CONCURRENTLY b_d ON b (d);\n"
        "-- migrate:down\n"
        "DROP INDEX b_c;\n"
        "DROP INDEX b_d;\n";
    auto batch = run("db/migrations/20240103_b.sql", no_tx_two);
    CHECK(batch.one_query);
    CHECK(batch.wrapped_in_transaction);
    CHECK(all_in(batch, Transaction::Implicit));
    CHECK(has_note(batch, "multi-statement"));

    // Each section is a query of its own: a single up statement stays outside any transaction
    // however many statements the down section holds.
    auto both = run("db/migrations/20240102_b.sql", no_tx + "DROP INDEX b_d;\n", Direction::Both);
    REQUIRE(both.statements.size() == 3);
    CHECK(both.statements[0].transaction == Transaction::None);
    CHECK(both.statements[1].transaction == Transaction::Implicit);
    CHECK(both.statements[2].transaction == Transaction::Implicit);

    // Read alone, the down section goes by its own options.
    std::string down_no_tx =
        "-- migrate:up\n"
        "CREATE INDEX b_c ON b (c);\n"
        "-- migrate:down transaction:false\n"
        "DROP INDEX CONCURRENTLY b_c;\n";
    auto rollback = run("db/migrations/20240104_b.sql", down_no_tx, Direction::Down);
    CHECK(sqls(rollback) == Sqls{"DROP INDEX CONCURRENTLY b_c"});
    CHECK(all_in(rollback, Transaction::None));
    CHECK(all_in(run("db/migrations/20240104_b.sql", down_no_tx), Transaction::Implicit));
}

TEST_CASE("conventions: drizzle statement breakpoints split statements") {
    // Without the breakpoints these three would be one unparsable statement.
    std::string text =
        "CREATE TABLE \"a\" (\"id\" integer PRIMARY KEY)\n"
        "--> statement-breakpoint\n"
        "CREATE TABLE \"b\" (\"id\" integer)--> statement-breakpoint\n"
        "ALTER TABLE \"b\" ADD CONSTRAINT \"b_a_fk\" FOREIGN KEY (\"id\") REFERENCES \"a\"(\"id\")";
    auto report = run("0000_init.sql", text);
    CHECK(report.tool == MigrationTool::Drizzle);
    CHECK(report.wrapped_in_transaction);
    REQUIRE(report.statements.size() == 3);
    CHECK(report.statements[1].sql == "CREATE TABLE \"b\" (\"id\" integer)");
    for (const auto& s : report.statements) CHECK(s.status == StatementStatus::Analyzed);
    CHECK(report.statements[2].span.start.line == 4);

    // A file in a drizzle folder is drizzle's even before its first breakpoint.
    CHECK(run("drizzle/0001_more.sql", "CREATE TABLE c (id int);").tool == MigrationTool::Drizzle);
}

TEST_CASE("conventions: flyway placeholders parse and are shown as ${name}") {
    std::string text =
        "ALTER TABLE ${schema}.users ADD COLUMN email text;\n"
        "CREATE INDEX users_email ON ${schema}.users (email);\n";
    auto prepared = prepare_source("db/migration/V2__add_email.sql", text, Direction::Up);
    CHECK(prepared.tool == MigrationTool::Flyway);
    CHECK(prepared.text.size() == text.size());  // offsets stay those of the original
    CHECK(prepared.text.find("${") == std::string::npos);

    auto report = run("db/migration/V2__add_email.sql", text);
    CHECK(report.tool == MigrationTool::Flyway);
    CHECK(report.wrapped_in_transaction);
    REQUIRE(report.statements.size() == 2);
    // No settings file gives ${schema} a value: Flyway puts in text pgfence does not know
    // (issue #53), so the statements are unknown, their locks still shown with the stand-in.
    for (const auto& s : report.statements) CHECK(s.status == StatementStatus::Unknown);
    CHECK(report.statements[0].sql == "ALTER TABLE ${schema}.users ADD COLUMN email text");
    REQUIRE_FALSE(report.statements[0].locks.empty());
    CHECK(report.statements[0].locks[0].relation == "${schema}.users");
    CHECK(report.statements[1].locks.at(0).relation == "${schema}.users");
    CHECK(report.statements[1].span.start.column == 1);

    CHECK(restore_placeholder("$schema") == "${schema}");
    CHECK(restore_placeholder("users") == "users");
}

TEST_CASE("conventions: flyway versioned, repeatable and undo file names") {
    CHECK(run("V1__init.sql", "SELECT 1").tool == MigrationTool::Flyway);
    CHECK(run("R__views.sql", "SELECT 1").tool == MigrationTool::Flyway);
    auto undo = run("U1__init.sql", "DROP TABLE t");
    CHECK(undo.skipped);
    CHECK(undo.statements.empty());
    CHECK_FALSE(run("U1__init.sql", "DROP TABLE t", Direction::Down).skipped);
    CHECK(run("0001_init.sql", "SELECT 1").tool == MigrationTool::Plain);
    CHECK(run("V1_2.3__add_users.sql", "SELECT 1").tool == MigrationTool::Flyway);
    CHECK(run("v20240101__x.sql", "SELECT 1").tool == MigrationTool::Flyway);
    CHECK(run("V1__.sql", "SELECT 1").tool == MigrationTool::Flyway);
    CHECK(run("V1_init.sql", "SELECT 1").tool == MigrationTool::Plain);       // one underscore
    CHECK(run("V1a__init.sql", "SELECT 1").tool == MigrationTool::Plain);     // a letter in the version
    CHECK(run("V1__init.sql.bak", "SELECT 1").tool == MigrationTool::Plain);
    CHECK(run("views__all.sql", "SELECT 1").tool == MigrationTool::Plain);
}

TEST_CASE("conventions: diesel down.sql is skipped by default; metadata.toml can turn the transaction off") {
    std::string dir = "migrations/2024-01-01-000000_add_email/";
    auto up = run(dir + "up.sql", "ALTER TABLE users ADD COLUMN email text;");
    CHECK(up.tool == MigrationTool::Diesel);
    CHECK(up.wrapped_in_transaction);
    CHECK(all_in(up, Transaction::Implicit));

    auto down = run(dir + "down.sql", "ALTER TABLE users DROP COLUMN email;");
    CHECK(down.tool == MigrationTool::Diesel);
    CHECK(down.skipped);
    CHECK_FALSE(down.skip_reason.empty());
    CHECK(down.statements.empty());
    CHECK(run(dir + "down.sql", "ALTER TABLE users DROP COLUMN email;", Direction::Down).statements.size() == 1);
    CHECK(run(dir + "up.sql", "SELECT 1", Direction::Down).skipped);

    auto no_tx = run(dir + "up.sql", "CREATE INDEX CONCURRENTLY e ON users (email);", Direction::Up,
                     "# diesel\nrun_in_transaction = false\n");
    CHECK_FALSE(no_tx.wrapped_in_transaction);
    CHECK(all_in(no_tx, Transaction::None));
    CHECK(has_note(no_tx, "run_in_transaction"));
    CHECK_FALSE(has_note(no_tx, "multi-statement"));

    // diesel sends the file as one query: several statements run in PostgreSQL's implicit
    // transaction all the same, where CONCURRENTLY fails.
    auto no_tx_two = run(dir + "up.sql",
                         "CREATE INDEX CONCURRENTLY e ON users (email);\nCREATE INDEX CONCURRENTLY n ON users (name);",
                         Direction::Up, "run_in_transaction = false\n");
    CHECK(no_tx_two.wrapped_in_transaction);
    CHECK(no_tx_two.one_query);
    CHECK(all_in(no_tx_two, Transaction::Implicit));
    CHECK(has_note(no_tx_two, "run_in_transaction = false"));

    auto explicit_true = run(dir + "up.sql", "SELECT 1", Direction::Up, "run_in_transaction = true\n");
    CHECK(explicit_true.wrapped_in_transaction);
}

TEST_CASE("conventions: prisma's migration.sql runs as one implicit transaction") {
    auto report = run("prisma/migrations/20240101000000_init/migration.sql",
                      "-- CreateTable\nCREATE TABLE \"User\" (\"id\" SERIAL NOT NULL);\n\n"
                      "-- CreateIndex\nCREATE UNIQUE INDEX \"User_id_key\" ON \"User\"(\"id\");\n");
    CHECK(report.tool == MigrationTool::Prisma);
    CHECK(report.wrapped_in_transaction);
    REQUIRE(report.statements.size() == 2);
    CHECK(all_in(report, Transaction::Implicit));
    CHECK(report.statements[1].span.start.line == 5);
    CHECK(has_note(report, "prisma"));
}

TEST_CASE("conventions: a plain SQL file is not wrapped") {
    auto report = run("sql/001_init.sql", "CREATE TABLE t (id int); CREATE INDEX CONCURRENTLY i ON t (id);");
    CHECK(report.tool == MigrationTool::Plain);
    CHECK_FALSE(report.wrapped_in_transaction);
    CHECK(all_in(report, Transaction::None));
    CHECK(tool_name(MigrationTool::Plain) == "sql");
}

// Flyway decides by itself whether a script runs in a transaction (flyway-core
// PostgreSQLParser.detectCanExecuteInTransaction, ParserSqlScript.parse/executeInTransaction):
// marquez's V47, one CREATE INDEX CONCURRENTLY and no .conf, runs without one (the DBA review
// dba70; pgfence took it for wrapped and reported the migration failing).
TEST_CASE("conventions: flyway runs a script of only non-transactional statements without a transaction") {
    const std::string path = "api/src/main/resources/marquez/db/migration/V47__add_lineage_event_indexes.sql";
    auto only = run(path,
                    "-- comment\ncreate index concurrently if not exists lineage_events_event_time\n"
                    "    on lineage_events(event_time DESC);\nDROP /* x */ UNIQUE INDEX CONCURRENTLY IF EXISTS old_idx;\n"
                    "VACUUM lineage_events;\n");
    CHECK(only.tool == MigrationTool::Flyway);
    CHECK_FALSE(only.wrapped_in_transaction);
    CHECK(all_in(only, Transaction::None));
    CHECK_FALSE(has_note(only, "refuses"));
    CHECK(has_note(only, "runs the script without one"));

    // Both kinds, flyway.mixed not set: Flyway refuses the script, naming the statement where
    // the second kind appears (line 2).
    auto mixed = run(path, "ALTER TABLE t ADD COLUMN a int;\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n");
    CHECK(mixed.wrapped_in_transaction);
    CHECK(has_note(mixed, "Flyway refuses this migration"));
    CHECK(has_note(mixed, "the statement at line 2 "));

    // flyway.mixed=true: every statement on its own.
    auto allowed = run(path, "ALTER TABLE t ADD COLUMN a int;\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n", Direction::Up,
                       tools::pack_flyway_files({{"flyway.conf", "flyway.mixed=true\n"}}));
    CHECK_FALSE(allowed.wrapped_in_transaction);
    CHECK(all_in(allowed, Transaction::None));
    CHECK_FALSE(has_note(allowed, "refuses"));

    // flyway.executeInTransaction=false in the settings: no script runs in a transaction.
    auto global = run(path, "ALTER TABLE t ADD COLUMN a int;\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n", Direction::Up,
                      tools::pack_flyway_files({{"flyway.conf", "flyway.executeInTransaction=false\n"}}));
    CHECK_FALSE(global.wrapped_in_transaction);
    CHECK(all_in(global, Transaction::None));
    CHECK_FALSE(has_note(global, "refuses"));

    // The script's .conf decides over Flyway's detection.
    auto conf = run(path, "CREATE INDEX CONCURRENTLY t_a ON t (a);\n", Direction::Up,
                    tools::pack_flyway_files({{std::string(path) + ".conf", "executeInTransaction=true\n"}}));
    CHECK(conf.wrapped_in_transaction);

    // Not in Flyway's list: REINDEX TABLE ... CONCURRENTLY runs in its transaction, a plain
    // statement naming CONCURRENTLY later does too.
    CHECK(run(path, "REINDEX TABLE CONCURRENTLY t;\n").wrapped_in_transaction);
    CHECK(run(path, "CREATE INDEX \"concurrently\" ON t (a);\n").wrapped_in_transaction);
    CHECK(run(path, "SELECT 'CREATE INDEX CONCURRENTLY x';\n").wrapped_in_transaction);
}
