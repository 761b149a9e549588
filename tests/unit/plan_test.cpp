// The migration plan (analyze/plan.hpp): each statement once, in its safe form, in a valid
// order, grouped into the migrations the file's tool runs, and analysed clean again.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <unistd.h>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/history.hpp"
#include "analyze/plan/plan.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_tree.hpp"
#include "analyze/plan/plan_shapes.hpp"

using namespace pgfence::analyze;

namespace {

const char* k_schema =
    "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
    "CREATE TABLE shops (id bigint PRIMARY KEY);\n"
    "CREATE TABLE a (id bigint PRIMARY KEY); CREATE TABLE b (id bigint PRIMARY KEY);\n"
    "CREATE TABLE c (id bigint PRIMARY KEY); CREATE TABLE d (id bigint PRIMARY KEY);\n"
    "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, shop_id bigint, a_id bigint, b_id bigint,\n"
    "                     c_id bigint, d_id bigint);\n";

struct Planned {
    FileReport report;
    PlanCheck check;
};

Planned plan_for(const std::string& path, const std::string& sql, const std::string& metadata = {},
                 const std::string& schema = k_schema) {
    AnalyzeOptions options;
    options.threads = 1;
    Replay replay(options);
    replay.replay_schema_text("schema.sql", schema);
    options.history = replay.snapshot();
    Planned p;
    p.report = analyze_text(path, sql, options, metadata);
    // Plain SQL: these cases stand for a project whose deploy runs the file with psql, a runner
    // known from its words; with none, a plan with a step outside a transaction is declined
    // (plan_runner.hpp; tests/hostile/test_plan_unknown_runner.py).
    const std::vector<PsqlRun> psql{PsqlRun{path, {}}};
    if (p.report.tool == MigrationTool::Plain && p.report.source_kind == "sql") {
        options.psql_runs = &psql;
        p.report = analyze_text(path, sql, options, metadata);
    }
    if (p.report.plan) p.check = check_plan(p.report, options, options.history);
    return p;
}

std::string all_sql(const Plan& plan) {
    std::string out;
    for (const auto& s : plan.steps) out += s.sql + "\n";
    return out;
}

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

std::string problems(const PlanCheck& c) {
    std::string out;
    for (const auto& p : c.problems) out += p + "\n";
    for (const auto& p : c.kept) out += "kept: " + p + "\n";
    return out;
}

}  // namespace

TEST_CASE("plan: six foreign keys in one ALTER TABLE make one NOT VALID migration and one VALIDATE migration") {
    Planned p = plan_for("migrations/0007_fks.sql",
                         "ALTER TABLE orders ADD CONSTRAINT o_user FOREIGN KEY (user_id) REFERENCES users (id),\n"
                         "  ADD CONSTRAINT o_shop FOREIGN KEY (shop_id) REFERENCES shops (id),\n"
                         "  ADD CONSTRAINT o_a FOREIGN KEY (a_id) REFERENCES a (id),\n"
                         "  ADD CONSTRAINT o_b FOREIGN KEY (b_id) REFERENCES b (id),\n"
                         "  ADD CONSTRAINT o_c FOREIGN KEY (c_id) REFERENCES c (id),\n"
                         "  ADD CONSTRAINT o_d FOREIGN KEY (d_id) REFERENCES d (id);\n");
    REQUIRE(p.report.plan);
    const Plan& plan = *p.report.plan;
    std::vector<const PlanStep*> with_not_valid, with_validate;
    for (const auto& s : plan.steps) {
        if (s.sql.find("NOT VALID") != std::string::npos) with_not_valid.push_back(&s);
        if (s.sql.find("VALIDATE CONSTRAINT") != std::string::npos) with_validate.push_back(&s);
    }
    CHECK(with_not_valid.size() == 1);
    CHECK(with_validate.size() == 1);
    std::string sql = all_sql(plan);
    CHECK(count(sql, "NOT VALID") == 6);
    CHECK(count(sql, "VALIDATE CONSTRAINT") == 6);
    CHECK(count(sql, "FOREIGN KEY (user_id)") == 1);  // each constraint once
    // One ALTER TABLE adds all six, in the first migration; validation comes after.
    REQUIRE(!with_not_valid.empty());
    CHECK(count(with_not_valid.front()->sql, "ALTER TABLE") == 1);
    CHECK(with_not_valid.front() < with_validate.front());
    INFO(problems(p.check));
    CHECK(p.check.clean());
}

TEST_CASE("plan: a required column without a default is declined, naming why (the file fails on a table with rows)") {
    // Kept as written, the plan would run only where orders is empty and be rehearsed there
    // (issue #54, outside DBA: ente's subscriptions plan, "proven" on an empty table).
    Planned p = plan_for("migrations/0005_orders.sql",
                         "CREATE INDEX orders_created_at_idx ON orders (created_at);\n"
                         "ALTER TABLE orders ADD COLUMN status text NOT NULL;\n");
    REQUIRE(p.report.plan);
    CHECK(p.report.plan->steps.empty());
    CHECK(p.report.plan->declined.find("line 2: the migration fails on a table with rows: ADD COLUMN status ... NOT NULL "
                                       "without DEFAULT on orders") == 0);
}

TEST_CASE("plan: every statement once, the safe forms in a valid order, and the other subcommands kept") {
    Planned p = plan_for("migrations/0005_orders.sql",
                         "BEGIN;\n"
                         "CREATE INDEX orders_created_at_idx ON orders (created_at);\n"
                         "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new',\n"
                         "  ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id),\n"
                         "  ADD COLUMN note text;\n"
                         "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
                         "COMMIT;\n");
    REQUIRE(p.report.plan);
    const Plan& plan = *p.report.plan;
    std::string sql = all_sql(plan);
    CHECK(count(sql, "ADD COLUMN note text") == 1);          // the subcommand without a finding
    CHECK(count(sql, "ADD COLUMN status text NOT NULL DEFAULT 'new'") == 1);
    // (The index comes first: after the required column it would read no row, orders being
    // proven empty for the rest of the transaction, README "Findings".)
    CHECK(count(sql, "CREATE INDEX CONCURRENTLY orders_created_at_idx") == 1);
    // No IF NOT EXISTS: on a retry it would take a failed build's INVALID index for the index.
    CHECK(sql.find("CONCURRENTLY IF NOT EXISTS") == std::string::npos);
    CHECK(sql.find("Only this subcommand is shown") == std::string::npos);
    CHECK(sql.find("CREATE INDEX orders_created_at_idx") == std::string::npos);  // never the plain build
    // The order PostgreSQL needs: NOT VALID before VALIDATE, SET NOT NULL after its CHECK is
    // validated.
    auto at = [&](const std::string& part) { return sql.find(part); };
    CHECK(at("orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID") < at("VALIDATE CONSTRAINT orders_user_fk"));
    CHECK(at("VALIDATE CONSTRAINT users_email_not_null") != std::string::npos);
    CHECK(at("VALIDATE CONSTRAINT users_email_not_null") < at("ALTER COLUMN email SET NOT NULL"));
    // Plain SQL that used BEGIN ... COMMIT keeps doing so; each migration sets lock_timeout.
    int migrations = 0;
    for (const auto& s : plan.steps) {
        CHECK(s.run != PlanRun::out_of_band);  // no backfill to walk
        if (s.run == PlanRun::out_of_band) continue;
        ++migrations;
        // LOCAL in its transaction; outside one, put back at the end: the tool's next
        // migrations on the connection do not inherit it.
        if (s.run == PlanRun::in_transaction) CHECK(s.sql.find("SET LOCAL lock_timeout = '2s'") != std::string::npos);
        if (s.run == PlanRun::no_transaction && s.sql.find("CREATE INDEX CONCURRENTLY") != std::string::npos) {
            // Concurrent index work alone: not under the plan's 2s, which would make it give up
            // on any transaction older than that and leave an INVALID index (plan_concurrent.hpp).
            CHECK(s.sql.find("lock_timeout") == std::string::npos);
        } else if (s.run == PlanRun::no_transaction) {
            CHECK(s.sql.find("SET lock_timeout = '2s'") != std::string::npos);
            CHECK(s.sql.ends_with("RESET lock_timeout;"));
        }
        if (s.run == PlanRun::in_transaction) CHECK(s.sql.rfind("BEGIN;\n", 0) == 0);
        if (s.run == PlanRun::no_transaction) CHECK(s.sql.find("BEGIN") == std::string::npos);
    }
    CHECK(plan.steps.front().path == "migrations/0005_orders.sql");  // the first replaces the file
    CHECK(migrations >= 4);
    // The two tables locked together: the SET NOT NULL's scan of users runs under the lock on
    // orders, which set-not-null-scan's finding names (one finding per statement and cause).
    CHECK(std::find(plan.replaced.begin(), plan.replaced.end(), "set-not-null-scan") != plan.replaced.end());
    CHECK(std::none_of(p.report.findings.begin(), p.report.findings.end(),
                       [](const Finding& f) { return f.rule == "work-under-held-lock"; }));
    CHECK(std::any_of(p.report.findings.begin(), p.report.findings.end(), [](const Finding& f) {
        return f.rule == "set-not-null-scan" && f.message.find("(work-under-held-lock)") != std::string::npos;
    }));
    INFO(problems(p.check));
    CHECK(p.check.resolved());
    CHECK(p.check.kept.empty());
}

TEST_CASE("plan: a diesel migration with run_in_transaction = false becomes one folder per statement") {
    Planned p = plan_for("migrations/2024-01-01-120000_indexes/up.sql",
                         "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n"
                         "CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);\n"
                         "CREATE INDEX CONCURRENTLY orders_shop_idx ON orders (shop_id);\n",
                         "run_in_transaction = false\n");
    REQUIRE(p.report.plan);
    const Plan& plan = *p.report.plan;
    REQUIRE(plan.steps.size() == 3);
    CHECK(plan.steps[0].path == "migrations/2024-01-01-120000_indexes/up.sql");
    CHECK(plan.steps[1].path == "migrations/2024-01-01-120001_indexes_2/up.sql");
    CHECK(plan.steps[2].path == "migrations/2024-01-01-120002_indexes_3/up.sql");
    for (const auto& s : plan.steps) {
        CHECK(s.run == PlanRun::no_transaction);
        CHECK(count(s.sql, ";") == 1);  // alone in its query: no SET beside it
        bool metadata = std::any_of(s.extra_files.begin(), s.extra_files.end(), [&](const auto& f) {
            return f.first == s.path.substr(0, s.path.rfind('/')) + "/metadata.toml" && f.second == "run_in_transaction = false\n";
        });
        CHECK(metadata);
    }
    INFO(problems(p.check));
    CHECK(p.check.clean());
}

TEST_CASE("plan: the files each tool expects") {
    SECTION("prisma: a new migration folder, a statement that must run alone in a folder of its own") {
        Planned p = plan_for("prisma/migrations/20240101120000_add_index/migration.sql",
                             "ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_note_idx ON orders (note);\n");
        REQUIRE(p.report.plan);
        const Plan& plan = *p.report.plan;
        REQUIRE(plan.steps.size() == 2);
        CHECK(plan.steps[0].path == "prisma/migrations/20240101120000_add_index/migration.sql");
        // Prisma orders folders by name: the new one is named after the file's folder.
        CHECK(plan.steps[1].path == "prisma/migrations/20240101120000_add_index_2/migration.sql");
        CHECK(plan.steps[1].run == PlanRun::no_transaction);
        CHECK(plan.steps[1].file_text.find("SET ") == std::string::npos);
        INFO(problems(p.check));
        CHECK(p.check.clean());
    }
    SECTION("goose: NO TRANSACTION, and a dollar-quoted body between StatementBegin and StatementEnd") {
        Planned p = plan_for("db/migrations/20240101120000_gen.sql",
                             "-- +goose Up\n"
                             "CREATE FUNCTION email_lower(t text) RETURNS text LANGUAGE plpgsql AS $fn$ BEGIN RETURN lower(t); END $fn$;\n"
                             "CREATE INDEX users_email_lower_idx ON users (email_lower(email));\n");
        REQUIRE(p.report.plan);
        bool no_transaction = false, block = false;
        for (const auto& s : p.report.plan->steps) {
            if (s.run == PlanRun::out_of_band) continue;
            CHECK(s.file_text.rfind("-- +goose Up\n", 0) == 0);
            if (s.run == PlanRun::no_transaction) no_transaction = s.file_text.find("-- +goose NO TRANSACTION\n") != std::string::npos;
            if (s.file_text.find("$$") != std::string::npos || s.file_text.find("$fn") != std::string::npos) {
                block = s.file_text.find("-- +goose StatementBegin\n") != std::string::npos &&
                        s.file_text.find("-- +goose StatementEnd\n") != std::string::npos;
            }
            // The file as goose reads it raises nothing CRITICAL (CONCURRENTLY in a transaction).
            AnalyzeOptions options;
            FileReport again = analyze_text(s.path, s.file_text, options);
            for (const auto& f : again.findings) CHECK(f.risk != Risk::Critical);
        }
        CHECK(no_transaction);
        CHECK(block);
    }
    SECTION("flyway: a dotted version after the file's, and a .conf for a script outside a transaction") {
        Planned p = plan_for("db/migration/V5__index.sql", "CREATE INDEX orders_note_idx ON orders (user_id);\n"
                                                         "ALTER TABLE orders ADD COLUMN note text;\n");
        REQUIRE(p.report.plan);
        const Plan& plan = *p.report.plan;
        REQUIRE(plan.steps.size() == 2);
        CHECK(plan.steps[0].path == "db/migration/V5__index.sql");
        CHECK(plan.steps[1].path == "db/migration/V5.1__index_2.sql");
        REQUIRE(plan.steps[0].extra_files.size() == 1);
        CHECK(plan.steps[0].extra_files[0].first == "db/migration/V5__index.sql.conf");
        CHECK(plan.steps[0].extra_files[0].second == "executeInTransaction=false\n");
    }
    SECTION("knex: the transaction turned off, and the SQL safe inside a template literal") {
        Planned p = plan_for("migrations/20240101120000_index.js",
                             "exports.up = async function (knex) {\n"
                             "  await knex.raw('CREATE INDEX orders_user_idx ON orders (user_id) WHERE note <> \\'`${x}\\'');\n"
                             "};\nexports.down = async function () {};\n");
        REQUIRE(p.report.plan);
        const PlanStep& s = p.report.plan->steps.front();
        CHECK(s.run == PlanRun::no_transaction);
        CHECK(s.file_text.find("\nmodule.exports.config = { transaction: false };") != std::string::npos);
        CHECK(s.file_text.find("\\`\\${x}") != std::string::npos);
        CHECK(s.file_text.find("await knex.raw(`") != std::string::npos);
        // A step outside a transaction keeps migrate:latest from running all of them in one.
        for (const auto& note : p.report.plan->notes) CHECK(note.find("knex migrate:up") == std::string::npos);
    }
    SECTION("knex: migrate:latest runs every pending migration in one transaction, so the later migrations opt out") {
        Planned p = plan_for("migrations/20240101120000_check.js",
                             "exports.up = async function (knex) {\n"
                             "  await knex.raw(\"SET lock_timeout = '2s'\");\n"
                             "  await knex.raw('ALTER TABLE orders ADD CONSTRAINT orders_user_positive CHECK (user_id > 0)');\n"
                             "};\nexports.down = async function () {};\n");
        REQUIRE(p.report.plan);
        REQUIRE(p.report.plan->steps.size() == 2);
        for (const auto& step : p.report.plan->steps) CHECK(step.run == PlanRun::in_transaction);
        // knex Migrator.latest: one pending migration with `config.transaction === false` makes
        // knex give every migration its own transaction (issue #54, review 90: nango's plan).
        const PlanStep& first = p.report.plan->steps[0];
        const PlanStep& second = p.report.plan->steps[1];
        CHECK(first.file_text.find("transaction: false") == std::string::npos);
        CHECK(first.file_text.find("knex.transaction(") == std::string::npos);
        CHECK(second.file_text.find("\nmodule.exports.config = { transaction: false };") != std::string::npos);
        CHECK(second.file_text.find("    await knex.transaction(async (trx) => {\n        await trx.raw(`SET lock_timeout") != std::string::npos);
        bool said = false;
        for (const auto& note : p.report.plan->notes) {
            said = said || note.find("the plan's migrations after the first do") != std::string::npos;
            CHECK(note.find("`knex migrate:up`") == std::string::npos);
        }
        CHECK(said);
    }
    // The plan's files take the script's own module form and up() parameter: a CommonJS file in
    // an ES module package (or the reverse) does not load, and umzug passes { context }.
    SECTION("db-migrate: every migration runs in its transaction, so an index build is out of band") {
        Planned p = plan_for("migrations/20240101120000-index.js",
                             "exports.up = function (db) {\n  return db.runSql('CREATE INDEX orders_user_idx ON orders (user_id)');\n};\n"
                             "exports.down = function () {};\n");
        REQUIRE(p.report.plan);
        REQUIRE_FALSE(p.report.plan->steps.empty());
        for (const auto& step : p.report.plan->steps) {
            if (step.sql.find("CONCURRENTLY") != std::string::npos) CHECK(step.run == PlanRun::out_of_band);
            CHECK(step.sql.find("BEGIN;") == std::string::npos);
        }
        CHECK(p.report.plan->steps.front().title.find("db-migrate runs every migration in a transaction") != std::string::npos);
    }
    SECTION("knex: an ES module's plan files are ES modules") {
        Planned p = plan_for("migrations/20240101120000_index.mjs",
                             "export async function up(knex) {\n  await knex.raw('CREATE INDEX orders_user_idx ON orders (user_id)');\n}\n"
                             "export async function down() {}\n");
        REQUIRE(p.report.plan);
        const std::string& text = p.report.plan->steps.front().file_text;
        CHECK(text.find("export async function up(knex) {") != std::string::npos);
        CHECK(text.find("export const config = { transaction: false };") != std::string::npos);
        CHECK(text.find("exports.") == std::string::npos);
    }
    SECTION("sequelize under umzug: up({ context }), in the script's module form") {
        const std::string body = "  await queryInterface.sequelize.query('CREATE INDEX orders_user_idx ON orders (user_id)');\n";
        Planned cjs = plan_for("migrations/20240101120000-index.js",
                               "module.exports = {\n  up: async ({ context: queryInterface }) => {\n" + body + "  },\n};\n");
        REQUIRE(cjs.report.plan);
        CHECK(cjs.report.plan->steps.front().file_text.find("module.exports = {\n  async up({ context: queryInterface }) {") != std::string::npos);
        Planned esm = plan_for("migrations/20240101120000-index.js",
                               "import { Sequelize } from 'sequelize';\nexport default {\n  async up({ context: queryInterface }) {\n" + body +
                                   "  },\n};\n");
        REQUIRE(esm.report.plan);
        CHECK(esm.report.plan->steps.front().file_text.find("export default {\n  async up({ context: queryInterface }) {") != std::string::npos);
        // sequelize-cli's (queryInterface, Sequelize), CommonJS: as before.
        Planned cli = plan_for("migrations/20240101120000-index.js",
                               "module.exports = {\n  up: async (queryInterface, Sequelize) => {\n" + body + "  },\n};\n");
        REQUIRE(cli.report.plan);
        CHECK(cli.report.plan->steps.front().file_text.find("module.exports = {\n  async up(queryInterface) {") != std::string::npos);
        // Called in a way the plan's files would not copy: no plan.
        Planned params = plan_for("migrations/20240101120000-index.js",
                                  "module.exports = {\n  up: async (params) => {\n    const queryInterface = params.context;\n" + body +
                                      "  },\n};\n");
        REQUIRE(params.report.plan);
        CHECK(params.report.plan->steps.empty());
        CHECK(params.report.plan->declined.find("params.context") != std::string::npos);
        Planned instance = plan_for("migrations/20240101120000-index.mjs",
                                    "export const up = async ({ context: sequelize }) => {\n"
                                    "  await sequelize.query('CREATE INDEX orders_user_idx ON orders (user_id)');\n};\n");
        REQUIRE(instance.report.plan);
        CHECK(instance.report.plan->steps.empty());
        CHECK(instance.report.plan->declined.find("queried directly") != std::string::npos);
    }
}

TEST_CASE("plan: a step for a later release is declined when a later migration of the set would run before it") {
    // The rename leaves a view in the table's place until the later-release step: a migration
    // after this file runs in this deploy, before that step, and its ALTER TABLE of the view fails.
    // (golang-migrate's files: for plain SQL, whose runner is unknown, such a plan is declined anyway.)
    const std::string sql = "ALTER TABLE users RENAME COLUMN email TO login;\n";
    AnalyzeOptions options;
    options.threads = 1;
    Replay replay(options);
    replay.replay_schema_text("schema.sql", k_schema);
    options.history = replay.snapshot();
    FileReport alone = analyze_text("/repo/db/migrations/20240101000002_rename.up.sql", sql, options, {});
    REQUIRE(alone.plan);
    REQUIRE_FALSE(alone.plan->steps.empty());
    CHECK(alone.plan->steps.back().path.starts_with("later-release/"));
    KnownMigrations known({"/repo/db/migrations/20240101000001_init.up.sql", "/repo/db/migrations/20240201000000_phone.up.sql"});
    options.known_migrations = &known;
    FileReport followed = analyze_text("/repo/db/migrations/20240101000002_rename.up.sql", sql, options, {});
    REQUIRE(followed.plan);
    CHECK(followed.plan->steps.empty());
    CHECK(followed.plan->declined.find("20240201000000_phone.up.sql comes after this file") != std::string::npos);
    // Only earlier migrations: the plan stands.
    known = KnownMigrations({"/repo/db/migrations/20240101000001_init.up.sql"});
    FileReport last = analyze_text("/repo/db/migrations/20240101000002_rename.up.sql", sql, options, {});
    REQUIRE(last.plan);
    CHECK_FALSE(last.plan->steps.empty());
}

TEST_CASE("plan: an index on a partitioned table: the per-partition builds are a template, so no plan is offered") {
    const std::string schema = "CREATE TABLE ev (id bigint, t timestamptz) PARTITION BY RANGE (t);\n"
                               "CREATE TABLE ev_1 PARTITION OF ev FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');\n";
    Planned p = plan_for("0002_ev.sql", "CREATE INDEX ev_t_idx ON ev (t);\n", {}, schema);
    REQUIRE(p.report.plan);
    const Plan& plan = *p.report.plan;
    // ON ONLY, then "for each partition p: ..." as comments: a step nobody can run as written
    // cannot be proven (docs/plans.md), so the plan is declined, saying what to do by hand.
    CHECK(plan.steps.empty());
    CHECK(plan.declined.find("template to fill in by hand") != std::string::npos);
    CHECK(plan.declined.find("pgfence trace --plan") != std::string::npos);
    // ON ONLY itself reads nothing: no finding.
    Planned only = plan_for("0003_ev.sql", "SET lock_timeout = '1s';\nCREATE INDEX ev_id_idx ON ONLY ev (id);\n", {}, schema);
    CHECK(only.report.findings.empty());
}

TEST_CASE("plan: none without a safe rewrite, and plan paths cannot leave the output folder") {
    Planned p = plan_for("0001.sql", "ALTER TABLE orders ADD COLUMN note text;\n");
    CHECK_FALSE(p.report.plan);
    CHECK(plan_relative_path("../../etc/cron.d/x.sql") == "etc/cron.d/x.sql");
    CHECK(plan_relative_path("/abs/db/V1__x.sql") == "abs/db/V1__x.sql");
    CHECK(plan_relative_path("a/./b/\n.sql") == "a/b/_.sql");
    CHECK(plan_relative_path("..") == "plan.sql");
}

// The ADD COLUMN clause of "ALTER TABLE t <clause>" with its DEFAULT replaced by `value`.
std::string folded_default(const std::string& clause, const std::string& value, std::string& old) {
    std::string sql = "ALTER TABLE t " + clause;
    ParsedStatement parsed = parse_statement(sql);
    const auto* alter = pg::as<AlterTableStmt>(parsed.stmt);
    REQUIRE(alter != nullptr);
    const auto* cmd = pg::as<AlterTableCmd>(pg::nth(alter->cmds, 0));
    REQUIRE(cmd != nullptr);
    return plan_shapes::with_default(sql, 13, sql.size(), pg::as<ColumnDef>(cmd->def), value, old);
}

TEST_CASE("plan shapes: a DEFAULT replaced in an ADD COLUMN clause, and the value of a one-column SET") {
    std::string old;
    CHECK(folded_default("ADD COLUMN enabled boolean NOT NULL DEFAULT true", "false", old) == "ADD COLUMN enabled boolean NOT NULL DEFAULT false");
    CHECK(old == "true");
    CHECK(folded_default("ADD COLUMN kind text DEFAULT 'a' NOT NULL", "'b'", old) == "ADD COLUMN kind text DEFAULT 'b' NOT NULL");
    CHECK(old == "'a'");
    CHECK(folded_default("ADD COLUMN n int", "0", old) == "ADD COLUMN n int DEFAULT 0");
    CHECK(old.empty());
    CHECK(folded_default("ADD COLUMN n int DEFAULT /* x */ 1", "0", old).empty());  // a comment: not cut
    // Keywords inside the expression are not where it ends: the parser's positions are.
    CHECK(folded_default("ADD COLUMN c int DEFAULT CASE WHEN true THEN 1 ELSE NULL END", "2", old) == "ADD COLUMN c int DEFAULT 2");
    CHECK(old == "CASE WHEN true THEN 1 ELSE NULL END");
    CHECK(folded_default("ADD COLUMN c int DEFAULT 1 + NULL NOT NULL", "2", old) == "ADD COLUMN c int DEFAULT 2 NOT NULL");
    CHECK(old == "1 + NULL");
    CHECK(folded_default("ADD COLUMN c text DEFAULT 'a' COLLATE \"C\" CONSTRAINT k CHECK (c <> '')", "'b'", old) ==
          "ADD COLUMN c text DEFAULT 'b' COLLATE \"C\" CONSTRAINT k CHECK (c <> '')");
    CHECK(old == "'a'");
    CHECK(plan_shapes::is_expression("CASE WHEN true THEN 1 ELSE NULL END"));
    CHECK_FALSE(plan_shapes::is_expression("1 +"));
    CHECK_FALSE(plan_shapes::is_expression("1 FROM t"));
    CHECK_FALSE(plan_shapes::is_expression("1; DROP TABLE t"));
    CHECK(plan_shapes::single_set_value("UPDATE t SET \"a=b\" = 'x = y';") == "'x = y'");
    CHECK(plan_shapes::single_set_value("UPDATE t SET a = 1 -- one\n;").empty());
}

TEST_CASE("plan check: a plan statement that does not parse is named, so --format plan writes no file of it") {
    AnalyzeOptions options;
    options.threads = 1;
    Replay replay(options);
    replay.replay_schema_text("schema.sql", k_schema);
    options.history = replay.snapshot();
    FileReport report = analyze_text("db/0002_x.sql", "ALTER TABLE users ADD COLUMN flag boolean NOT NULL DEFAULT true;\n"
                                                      "UPDATE users SET flag = false;\n", options);
    REQUIRE(report.plan);
    REQUIRE_FALSE(report.plan->steps.empty());
    CHECK(check_plan(report, options, options.history).unparsable.empty());
    // As a pgfence bug would compose it (the DEFAULT cut inside its expression):
    report.plan->steps.front().sql += "\nALTER TABLE users ALTER COLUMN flag SET DEFAULT 1 +;\n";
    PlanCheck check = check_plan(report, options, options.history);
    CHECK(check.unparsable.find("does not parse") != std::string::npos);
    CHECK_FALSE(check.resolved());
}

TEST_CASE("plan: a file of over 5,000 statements gets none (and none is composed), one of constants none at all") {
    std::string many;
    for (int i = 0; i < 5001; ++i) many += "CREATE INDEX i" + std::to_string(i) + " ON users (email);\n";
    Planned p = plan_for("0002_many.sql", many);
    REQUIRE(p.report.plan);
    CHECK(p.report.plan->steps.empty());
    CHECK(p.report.plan->declined.find("the file has 5001 statements, more than the 5000") != std::string::npos);
    // At the limit the plan is composed as always.
    many.resize(many.rfind("CREATE INDEX i5000"));
    many.resize(many.rfind("CREATE INDEX i4999"));
    Planned at = plan_for("0002_many.sql", many);
    REQUIRE(at.report.plan);
    CHECK(at.report.plan->declined.find("more than the 5000") == std::string::npos);
    // Nothing to plan: no plan, however long the file.
    std::string selects;
    for (int i = 0; i < 5001; ++i) selects += "SELECT 1;\n";
    CHECK_FALSE(plan_for("0003_selects.sql", selects).report.plan);
}

TEST_CASE("plan: none for a script whose up() branches, loops or catches; a promise's .catch() is not a branch") {
    // outline's add-user-role: the UPDATEs are skipped when DEPLOYMENT is "hosted"; a plan listing
    // every statement would run them there.
    const std::string branching =
        "module.exports = {\n"
        "  async up(queryInterface) {\n"
        "    await queryInterface.sequelize.query(`CREATE INDEX users_email_idx ON users (email)`);\n"
        "    if (process.env.DEPLOYMENT === \"hosted\") {\n"
        "      return;\n"
        "    }\n"
        "    await queryInterface.sequelize.query(`UPDATE users SET email = lower(email)`);\n"
        "  },\n"
        "  async down() {},\n"
        "};\n";
    Planned p = plan_for("migrations/20240327015248-add-user-role.js", branching);
    REQUIRE(p.report.plan);
    CHECK(p.report.plan->steps.empty());
    CHECK(p.report.plan->declined.find("line 4 of the script") != std::string::npos);
    // The same statements without the branch: a plan.
    std::string straight = branching;
    straight.replace(straight.find("    if ("), straight.find("    await queryInterface.sequelize.query(`UPDATE") - straight.find("    if ("), "");
    Planned q = plan_for("migrations/20240327015248-add-user-role.js", straight);
    REQUIRE(q.report.plan);
    CHECK_FALSE(q.report.plan->steps.empty());
    // Sequelize sends each query on a pooled connection of its own, outside any transaction: a
    // step that runs in one is a managed transaction every query passes (one connection, so its
    // SET lock_timeout holds); a step outside one stays plain queries.
    int in_transaction = 0;
    for (const auto& step : q.report.plan->steps) {
        if (step.run == PlanRun::in_transaction) {
            ++in_transaction;
            CHECK(step.file_text.find("queryInterface.sequelize.transaction(async (transaction) => {") != std::string::npos);
            CHECK(count(step.file_text, ", { transaction });") == count(step.file_text, "queryInterface.sequelize.query("));
        } else if (step.run == PlanRun::no_transaction) {
            CHECK(step.file_text.find("transaction(") == std::string::npos);
            CHECK(count(step.file_text, "(no transaction)") == 1);
        }
    }
    CHECK(in_transaction > 0);
    // The other ways a script picks or repeats statements (red team): each declines.
    const std::string update = "await queryInterface.sequelize.query(`UPDATE users SET email = lower(email)`)";
    for (const std::string& line : std::vector<std::string>{"    process.env.HOSTED ? null : " + update + ";\n", "    process.env.HOSTED && " + update + ";\n",
                                    "    process.env.HOSTED || " + update + ";\n", "    process.env.HOSTED ?? " + update + ";\n",
                                    "    ['a', 'b'].forEach(async () => { " + update + "; });\n",
                                    "    await Promise.all(['a', 'b'].map(() => queryInterface.sequelize.query(`SELECT 1`)));\n",
                                    std::string("    await maybe(queryInterface);\n")}) {
        std::string shaped = straight;
        shaped.replace(shaped.find("    await queryInterface.sequelize.query(`UPDATE"), std::string("    await queryInterface.sequelize.query(`UPDATE users SET email = lower(email)`);\n").size(), line);
        shaped += "async function maybe(q) { if (process.env.X) await q.sequelize.query(`UPDATE users SET email = ''`); }\n";
        Planned b = plan_for("migrations/20240327015248-add-user-role.js", shaped);
        REQUIRE(b.report.plan);
        CHECK(b.report.plan->steps.empty());
        CHECK(b.report.plan->declined.find("line 4 of the script") != std::string::npos);
    }
    // A promise's .catch() and a branch in down() do not stop the up() plan.
    std::string caught = straight;
    caught.replace(caught.find("  async down() {},"), std::string("  async down() {},").size(),
                   "  async down(q) { if (q) { await q.sequelize.query(`SELECT 1`).catch(() => {}); } },");
    Planned r = plan_for("migrations/20240327015248-add-user-role.js", caught);
    REQUIRE(r.report.plan);
    CHECK_FALSE(r.report.plan->steps.empty());
}

TEST_CASE("plan: a script's migration outside a transaction puts its lock_timeout back in the file it writes") {
    // knex sends each query on the connection it runs the next migrations on: the written file,
    // not only the step's text, ends with RESET (red team: the RESET was in step.sql alone).
    // (Neither the plan's own 2s nor the file's lock_timeout is put on concurrent index work at
    // all, newcomer nw71 N4: the step that builds the index sets none, so has none to put back.)
    Planned p = plan_for("migrations/20240101000000_orders.js",
                         "exports.up = async function (knex) {\n"
                         "  await knex.raw(\"SET LOCAL lock_timeout = '3s'\");\n"
                         "  await knex.raw('ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users(id)');\n"
                         "  await knex.raw('CREATE INDEX orders_user_idx ON orders (user_id)');\n"
                         "};\n"
                         "exports.down = async function (knex) {};\n");
    REQUIRE(p.report.plan);
    int outside = 0;
    for (const auto& step : p.report.plan->steps) {
        if (step.run != PlanRun::no_transaction) continue;
        ++outside;
        CHECK(step.file_text.find("CONCURRENTLY") != std::string::npos);
        std::size_t set = step.file_text.find("(\"SET lock_timeout");
        std::size_t set_tick = step.file_text.find("(`SET lock_timeout");
        CHECK(set == std::string::npos);
        CHECK(set_tick == std::string::npos);
    }
    CHECK(outside > 0);
}

TEST_CASE("plan: only the plan's own lock_timeout is put back, never one the user's SQL sets or quotes") {
    // A plain .sql migration runs outside a transaction: the user's own SET lock_timeout stays
    // on the tool's connection after the original, so the plan leaves it there too; and a line
    // inside a dollar-quoted body that reads like the plan's SET is the user's text, not ours
    // (red team: both were found by searching the step's text, and got a RESET).
    const std::string file = "SET lock_timeout = '5s';\n"
                              "CREATE FUNCTION note() RETURNS text LANGUAGE sql AS $$\nSET lock_timeout = '2s';\nSELECT 'x'::text\n$$;\n"
                              "CREATE INDEX orders_user_idx ON orders (user_id);\n";
    Planned p = plan_for("db/migrations/0002_orders_user_idx.sql", file);
    REQUIRE(p.report.plan);
    REQUIRE_FALSE(p.report.plan->steps.empty());
    for (const auto& step : p.report.plan->steps) {
        CHECK(step.sql.find("RESET lock_timeout") == std::string::npos);
        CHECK(step.sql.find("SET LOCAL") == std::string::npos);
        if (step.sql.find("CREATE FUNCTION") != std::string::npos) CHECK(step.sql.find("$$\nSET lock_timeout = '2s';\nSELECT") != std::string::npos);
    }
    // Without the user's setting, the plan's own session SET is put back after the index.
    std::string plain = file.substr(file.find('\n') + 1);
    Planned q = plan_for("db/migrations/0002_orders_user_idx.sql", plain);
    REQUIRE(q.report.plan);
    bool reset = false;
    for (const auto& step : q.report.plan->steps) {
        if (step.sql.find("CONCURRENTLY") != std::string::npos) reset = step.sql.find("RESET lock_timeout;") > step.sql.find("CONCURRENTLY");
    }
    CHECK(reset);
}

TEST_CASE("plan: a migration folder Atlas checks (atlas.sum) gets the note to hash it again") {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("pgfence-atlas-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    // Two foreign keys: NOT VALID, then VALIDATE, two migrations.
    const std::string sql = "ALTER TABLE orders ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id);\n";
    const std::string path = (dir / "20240101000000_fk.up.sql").string();
    auto noted = [](const FileReport& r) {
        return r.plan && std::any_of(r.plan->notes.begin(), r.plan->notes.end(),
                                     [](const std::string& n) { return n.find("atlas migrate hash") != std::string::npos; });
    };
    Planned without = plan_for(path, sql);
    REQUIRE(without.report.plan);
    REQUIRE(without.report.plan->steps.size() > 1);
    CHECK_FALSE(noted(without.report));
    std::ofstream(dir / "atlas.sum") << "h1:abc=\n";
    Planned with = plan_for(path, sql);
    CHECK(noted(with.report));
    fs::remove_all(dir);
}

TEST_CASE("plan: a table dropped in a later release is declined when a later migration of the set names it") {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("pgfence-later-drop-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string schema = "CREATE TABLE sessions (id bigint PRIMARY KEY, token text);\n" + std::string(k_schema);
    const std::string sql = "ALTER TABLE users ADD COLUMN last_seen timestamptz;\nDROP TABLE sessions;\n";
    const std::string path = (dir / "002_drop_sessions.up.sql").string();
    std::ofstream(dir / "001_init.up.sql") << "CREATE TABLE users (id bigint PRIMARY KEY);\n";
    std::ofstream(dir / "010_new_sessions.up.sql") << "CREATE TABLE other (id int);\n";
    AnalyzeOptions options;
    options.threads = 1;
    Replay replay(options);
    replay.replay_schema_text("schema.sql", schema);
    options.history = replay.snapshot();
    KnownMigrations known({(dir / "001_init.up.sql").string(), path, (dir / "010_new_sessions.up.sql").string()});
    options.known_migrations = &known;
    FileReport unrelated = analyze_text(path, sql, options, {});
    REQUIRE(unrelated.plan);
    CHECK(unrelated.plan->declined.empty());
    // The next migration makes sessions again: it would run before the later-release DROP.
    std::ofstream(dir / "010_new_sessions.up.sql") << "CREATE TABLE sessions (id uuid PRIMARY KEY);\n";
    FileReport reused = analyze_text(path, sql, options, {});
    REQUIRE(reused.plan);
    CHECK(reused.plan->declined.find("010_new_sessions.up.sql comes after this file") != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("temporary tables: a TEMP copy named as a real table neither replaces nor removes it") {
    // An earlier migration shadowed users with a temporary copy; the real users stays in the
    // schema, so dropping users later is still reported.
    const std::string schema = std::string(k_schema) + "CREATE TEMP TABLE users AS SELECT * FROM public.users WHERE email IS NULL;\n";
    Planned p = plan_for("0003_rebuild.sql", "SET lock_timeout = '1s';\nDROP TABLE IF EXISTS users;\nCREATE TEMP TABLE users (id bigint);\n",
                         {}, schema);
    CHECK(std::any_of(p.report.findings.begin(), p.report.findings.end(), [](const Finding& f) { return f.rule == "drop-table"; }));
    // With no users in the schema, the DROP can only remove the session's own temporary table.
    Planned own = plan_for("0003_rebuild.sql", "SET lock_timeout = '1s';\nDROP TABLE IF EXISTS scratch;\nCREATE TEMP TABLE scratch (id bigint);\n");
    CHECK_FALSE(std::any_of(own.report.findings.begin(), own.report.findings.end(), [](const Finding& f) { return f.rule == "drop-table"; }));
}
