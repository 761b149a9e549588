// A knex or TypeORM migration's plan and fix wording after the user has followed pgfence's own
// advice (newcomer nw71): the plan's view swap, applied, gets no advice to split it (N3), a fix
// names a call's line once, and the SET lock_timeout the lock-timeout-missing fix adds does not
// come back before CREATE INDEX CONCURRENTLY (N4).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/plan/plan.hpp"

using namespace pgfence::analyze;

namespace {

// users and orders as earlier migrations made them: existing tables, not new ones.
Catalog existing_schema(const AnalyzeOptions& options) {
    Catalog catalog;
    (void)analyze_text("schema.sql",
                       "CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);\n"
                       "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n",
                       options, {}, catalog);
    catalog.mark_existing();
    return catalog;
}

const Finding* finding_of(const FileReport& r, std::string_view rule) {
    for (const auto& f : r.findings) {
        if (f.rule == rule) return &f;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("a knex fix names the call that sends two statements once") {
    AnalyzeOptions options;
    Catalog catalog = existing_schema(options);
    FileReport r = analyze_text("migrations/20240101000000_x.js",
                                "exports.up = async function (knex) {\n"
                                "  await knex.raw(`SET lock_timeout = '2s'`);\n"
                                "  await knex.raw(`ALTER TABLE users ADD COLUMN a text; ALTER TABLE users ADD COLUMN b text;`);\n"
                                "};\n"
                                "exports.down = async function () {};\n",
                                options, {}, catalog);
    const Finding* f = finding_of(r, "statement-after-access-exclusive");
    REQUIRE(f != nullptr);
    CHECK(f->fix.starts_with("the call at line 3 sends this statement"));
    CHECK(f->fix.find("the call at the call") == std::string::npos);
}

TEST_CASE("a knex view swap in one call is not advised to be split") {
    AnalyzeOptions options;
    Catalog catalog = existing_schema(options);
    FileReport r = analyze_text("migrations/20240101000000_x.js",
                                "exports.up = async function (knex) {\n"
                                "  await knex.raw(`SET lock_timeout = '2s'`);\n"
                                "  await knex.raw(`ALTER TABLE users RENAME TO users_base;\n"
                                "ALTER TABLE users_base RENAME COLUMN name TO full_name;\n"
                                "CREATE VIEW users AS SELECT *, full_name AS name FROM users_base;`);\n"
                                "};\n"
                                "exports.down = async function () {};\n",
                                options, {}, catalog);
    CHECK(finding_of(r, "statement-after-access-exclusive") == nullptr);
}

TEST_CASE("an ORM plan's concurrent index step runs without the file's own lock_timeout") {
    AnalyzeOptions options;
    const std::string knex =
        "exports.up = async function (knex) {\n"
        "  await knex.raw(\"SET lock_timeout = '2s'\");\n"
        "  await knex.raw('ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()');\n"
        "  await knex.raw('CREATE INDEX users_email_idx ON users (email)');\n"
        "};\n"
        "exports.down = async function () {};\n";
    const std::string typeorm =
        "import { MigrationInterface, QueryRunner } from \"typeorm\";\n\n"
        "export class AddIdx1700000100000 implements MigrationInterface {\n"
        "    public async up(queryRunner: QueryRunner): Promise<void> {\n"
        "        await queryRunner.query(\"SET lock_timeout = '2s'\");\n"
        "        await queryRunner.query(`ALTER TABLE \"users\" ADD \"createdAt\" TIMESTAMP NOT NULL DEFAULT now()`);\n"
        "        await queryRunner.query(`CREATE INDEX \"IDX_users_email\" ON \"users\" (\"email\")`);\n"
        "    }\n"
        "    public async down(queryRunner: QueryRunner): Promise<void> {}\n"
        "}\n";
    for (const auto& [path, text] : {std::pair<std::string, std::string>{"migrations/20240101000000_x.js", knex},
                                     {"src/migrations/1700000100000-AddIdx.ts", typeorm}}) {
        INFO(path);
        Catalog catalog = existing_schema(options);
        FileReport r = analyze_text(path, text, options, {}, catalog);
        REQUIRE(r.plan);
        bool concurrent = false;
        for (const auto& step : r.plan->steps) {
            if (step.sql.find("CONCURRENTLY") == std::string::npos || step.run != PlanRun::no_transaction) continue;
            concurrent = true;
            INFO(step.sql);
            CHECK(step.sql.find("\nSET lock_timeout") == std::string::npos);
            CHECK(step.sql.starts_with("RESET lock_timeout;"));
        }
        CHECK(concurrent);
        bool noted = false;
        for (const auto& n : r.plan->notes) noted = noted || n.starts_with("concurrent index work");
        CHECK(noted);
    }
}

TEST_CASE("a TypeORM plan with a migration outside the transaction says, and checks, that TypeORM must run \"each\"") {
    // daily-api's index rebuild: one plan migration with `transaction = false`, which TypeORM's
    // default migrationsTransactionMode ("all") refuses (MigrationExecutor throws
    // ForbiddenTransactionModeOverrideError): the note was given only for plans of two migrations.
    AnalyzeOptions options;
    const std::string typeorm =
        "import { MigrationInterface, QueryRunner } from \"typeorm\";\n\n"
        "export class AddIdx1700000100000 implements MigrationInterface {\n"
        "    public async up(queryRunner: QueryRunner): Promise<void> {\n"
        "        await queryRunner.query(`CREATE INDEX \"IDX_users_email\" ON \"users\" (\"email\")`);\n"
        "    }\n"
        "    public async down(queryRunner: QueryRunner): Promise<void> {}\n"
        "}\n";
    Catalog catalog = existing_schema(options);
    FileReport r = analyze_text("src/migrations/1700000100000-AddIdx.ts", typeorm, options, {}, catalog);
    REQUIRE(r.plan);
    REQUIRE(std::any_of(r.plan->steps.begin(), r.plan->steps.end(), [](const PlanStep& s) { return s.run == PlanRun::no_transaction; }));
    bool noted = false;
    for (const auto& n : r.plan->notes) noted = noted || (n.starts_with("typeorm: set migrationsTransactionMode") && n.find("ForbiddenTransactionModeOverrideError") != std::string::npos);
    CHECK(noted);
    // pr read the project's settings: "all" makes the plan fail its check, "each" does not.
    const std::vector<std::pair<std::string, std::string>> none;
    AnalyzeOptions read = options;
    read.marker_tools = &none;
    read.typeorm_transaction_all = true;
    PlanCheck all = check_plan(r, read, nullptr);
    CHECK(std::any_of(all.problems.begin(), all.problems.end(), [](const std::string& p) { return p.find("ForbiddenTransactionModeOverrideError") != std::string::npos; }));
    read.typeorm_transaction_all = false;
    PlanCheck each = check_plan(r, read, nullptr);
    CHECK(std::none_of(each.problems.begin(), each.problems.end(), [](const std::string& p) { return p.find("ForbiddenTransactionModeOverrideError") != std::string::npos; }));
}

TEST_CASE("a TypeORM plan of several migrations under \"all\" fails its check where pr read the settings") {
    // laudspeaker's WorkspaceIdForRequeue (issue #54, review 90): the plan's migrations, run in
    // TypeORM's one transaction, blocked the writer longer than the original.
    AnalyzeOptions options;
    const std::string typeorm =
        "import { MigrationInterface, QueryRunner } from \"typeorm\";\n\n"
        "export class AddCheck1700000100000 implements MigrationInterface {\n"
        "    public async up(queryRunner: QueryRunner): Promise<void> {\n"
        "        await queryRunner.query(`ALTER TABLE \"users\" ADD CONSTRAINT \"users_email_set\" CHECK (\"email\" IS NOT NULL)`);\n"
        "    }\n"
        "    public async down(queryRunner: QueryRunner): Promise<void> {}\n"
        "}\n";
    Catalog catalog = existing_schema(options);
    FileReport r = analyze_text("src/migrations/1700000100000-AddCheck.ts", typeorm, options, {}, catalog);
    REQUIRE(r.plan);
    REQUIRE(r.plan->declined.empty());
    REQUIRE(std::count_if(r.plan->steps.begin(), r.plan->steps.end(), [](const PlanStep& s) { return s.run != PlanRun::out_of_band; }) >= 2);
    auto unsafe = [](const PlanCheck& c) {
        return std::any_of(c.problems.begin(), c.problems.end(), [](const std::string& p) {
            return p.find("unsafe as deployed") != std::string::npos && p.find("--transaction each") != std::string::npos;
        });
    };
    const std::vector<std::pair<std::string, std::string>> none;
    AnalyzeOptions read = options;
    read.marker_tools = &none;
    read.typeorm_transaction_all = true;
    CHECK(unsafe(check_plan(r, read, nullptr)));
    read.typeorm_transaction_all = false;
    CHECK_FALSE(unsafe(check_plan(r, read, nullptr)));
    // analyze reads no settings: the plan is offered with its note; trace never proves it.
    CHECK_FALSE(unsafe(check_plan(r, options, nullptr)));
}
