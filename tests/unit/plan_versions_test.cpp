// The names of a plan's new migrations (issue #33): versions after the file's that no other
// migration of its set uses, below the next one when there is room, a note naming the files to
// renumber when there is not; popx's autocommit files for what runs outside a transaction.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/history.hpp"
#include "analyze/migrations/migration_names.hpp"
#include "analyze/plan/plan.hpp"

using namespace pgfence::analyze;

namespace {

const char* k_set_not_null = "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n";

// The plan of `sql` at `path`, with `known` as the repository's other migrations.
FileReport planned(const std::string& path, const std::string& sql, const std::vector<std::string>& known) {
    AnalyzeOptions options;
    options.threads = 1;
    Replay replay(options);
    replay.replay_schema_text("schema.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n");
    options.history = replay.snapshot();
    const KnownMigrations index(known);
    options.known_migrations = &index;
    return analyze_text(path, sql, options);
}

std::vector<std::string> migration_paths(const FileReport& r) {
    std::vector<std::string> out;
    for (const auto& s : r.plan->steps) {
        if (s.run != PlanRun::out_of_band) out.push_back(s.path);
    }
    return out;
}

std::string notes(const FileReport& r) {
    std::string out;
    for (const auto& n : r.plan->notes) out += n + "\n";
    return out;
}

}  // namespace

TEST_CASE("plan versions: after the file's, below the next migration's, none taken") {
    SECTION("goose: integers with no gap: a note names the file to renumber, never a silent collision") {
        FileReport r = planned("/repo/db/migrations/002_email.sql", std::string("-- +goose Up\n") + k_set_not_null,
                               {"/repo/db/migrations/001_users.sql", "/repo/db/migrations/003_orders.sql",
                                "/repo/db/migrations/004_shops.sql"});
        REQUIRE(r.plan);
        // Declined: the versions are taken, and renaming the set's migrations is not a plan.
        CHECK(r.plan->steps.empty());
        CHECK(r.plan->declined.find("no free version between this file's (002) and the next migration's (003_orders.sql)") != std::string::npos);
        CHECK(r.plan->declined.find("003_orders.sql, 004_shops.sql already use or precede") != std::string::npos);
    }
    SECTION("goose: the last migration of its set needs no note") {
        FileReport r = planned("/repo/db/migrations/002_email.sql", std::string("-- +goose Up\n") + k_set_not_null,
                               {"/repo/db/migrations/001_users.sql", "/repo/other/003_x.sql"});
        REQUIRE(r.plan);
        CHECK(notes(r).find("free version") == std::string::npos);
        CHECK(notes(r).find("renumber") == std::string::npos);
    }
    SECTION("sqlx timestamps: one second at a time, across a minute, below the next migration") {
        FileReport r = planned("/repo/migrations/20240101120059_email.sql", std::string("-- no-transaction\n") + k_set_not_null,
                               {"/repo/migrations/20240101120105_orders.sql"});
        REQUIRE(r.plan);
        CHECK(migration_paths(r) == std::vector<std::string>{"/repo/migrations/20240101120059_email.sql",
                                                             "/repo/migrations/20240101120100_email_2.sql",
                                                             "/repo/migrations/20240101120101_email_3.sql"});
        CHECK(notes(r).find("free version") == std::string::npos);
    }
    SECTION("dbmate: a timestamp taken one second later is not reused") {
        // dbmate refuses a migration without its down directive (migration.go ErrParseMissingDown).
        FileReport r = planned("/repo/db/migrations/20240101120000_email.sql", std::string("-- migrate:up\n") + k_set_not_null + "-- migrate:down\n",
                               {"/repo/db/migrations/20240101120001_orders.sql"});
        REQUIRE(r.plan);
        CHECK(r.plan->declined.find("20240101120001_orders.sql already uses or precedes") != std::string::npos);
    }
    SECTION("golang-migrate: the next version's down file counts too") {
        FileReport r = planned("/repo/migrations/3_email.up.sql", k_set_not_null,
                               {"/repo/migrations/3_email.down.sql", "/repo/migrations/4_orders.down.sql"});
        REQUIRE(r.plan);
        CHECK(r.plan->declined.find("next migration's (4_orders.down.sql)") != std::string::npos);
    }
    SECTION("flyway: a part deeper when the next dotted version is taken") {
        FileReport r = planned("/repo/db/migration/V2__email.sql", k_set_not_null, {"/repo/db/migration/V2.1__orders.sql"});
        REQUIRE(r.plan);
        CHECK(migration_paths(r) == std::vector<std::string>{"/repo/db/migration/V2__email.sql",
                                                             "/repo/db/migration/V2.0.1__email_2.sql",
                                                             "/repo/db/migration/V2.0.2__email_3.sql"});
        CHECK(notes(r).find("free version") == std::string::npos);
    }
    SECTION("prisma: folders sort by name, so the next folder's timestamp one second later leaves room") {
        // Prisma applies the folders in the order of their names as text (the DBA review dba70:
        // ghostfolio's 20241130164334 and rallly's 20250614062854 were declined "no free version").
        FileReport r = planned("/repo/prisma/migrations/20240101120000_email/migration.sql", k_set_not_null,
                               {"/repo/prisma/migrations/20240101120001_orders/migration.sql"});
        REQUIRE(r.plan);
        CHECK(r.plan->declined.empty());
        CHECK(migration_paths(r) == std::vector<std::string>{"/repo/prisma/migrations/20240101120000_email/migration.sql",
                                                             "/repo/prisma/migrations/20240101120000_email_2/migration.sql",
                                                             "/repo/prisma/migrations/20240101120000_email_3/migration.sql"});
        CHECK(notes(r).find("free version") == std::string::npos);
        CHECK(notes(r).find("sorts between") == std::string::npos);
    }
    SECTION("prisma: a folder whose name sorts between the file's and a new one's is named") {
        FileReport r = planned("/repo/prisma/migrations/20240101120000_email/migration.sql", k_set_not_null,
                               {"/repo/prisma/migrations/20240101120000_email_1_fix/migration.sql"});
        REQUIRE(r.plan);
        CHECK(notes(r).find("20240101120000_email_1_fix sorts between 20240101120000_email and 20240101120000_email_2") !=
              std::string::npos);
    }
    SECTION("diesel: a version taken one second later is still no room (diesel refuses two folders of one version)") {
        FileReport r = planned("/repo/migrations/2024-01-01-120000_email/up.sql", k_set_not_null,
                               {"/repo/migrations/2024-01-01-120001_orders/up.sql"});
        REQUIRE(r.plan);
        CHECK(r.plan->declined.find("2024-01-01-120001_orders already uses or precedes") != std::string::npos);
    }
    SECTION("diesel: dashes kept, seconds stepped") {
        FileReport r = planned("/repo/migrations/2024-01-01-235959_email/up.sql", k_set_not_null,
                               {"/repo/migrations/2024-01-02-000010_orders/up.sql"});
        REQUIRE(r.plan);
        CHECK(migration_paths(r)[1] == "/repo/migrations/2024-01-02-000000_email_2/up.sql");
        CHECK(notes(r).find("free version") == std::string::npos);
    }
}

TEST_CASE("plan versions: the numbers themselves") {
    CHECK(plan_versions("20241231235959_x.sql", false, 2, {}).versions ==
          std::vector<std::string>{"20250101000000", "20250101000001"});
    CHECK(plan_versions("0099_x.sql", false, 1, {}).versions == std::vector<std::string>{"0100"});
    PlanVersions full = plan_versions("9_x.sql", false, 1, {});
    CHECK(full.versions == std::vector<std::string>{"10"});
    CHECK(full.note.find("one digit more") != std::string::npos);
    CHECK(plan_versions("V1_2__x.sql", true, 1, {"/r/V1_2_1__y.sql"}).versions == std::vector<std::string>{"1_2_0_1"});
}

TEST_CASE("popx: autocommit names, detection, and the plan's files") {
    CHECK(popx_autocommit_name("20240101_x.autocommit.up.sql"));
    CHECK(popx_autocommit_name("20240101_x.postgres.autocommit.down.sql"));
    CHECK_FALSE(popx_autocommit_name("20240101_x.up.sql"));
    CHECK_FALSE(popx_autocommit_name("x.autocommit.up.sql"));
    CHECK_FALSE(popx_autocommit_name("1_a.b.c.autocommit.up.sql"));

    AnalyzeOptions options;
    FileReport own = analyze_text("/repo/migrations/20240101_x.autocommit.up.sql", "CREATE INDEX CONCURRENTLY i ON t (a);\n", options);
    CHECK(own.tool == MigrationTool::Popx);
    for (const auto& f : own.findings) CHECK(f.rule != "concurrently-in-transaction");

    // A pop-named file is popx's when its set has an autocommit file.
    const std::vector<std::string> known = {"/repo/migrations/20230101000000000000_a.autocommit.up.sql",
                                            "/repo/migrations/20240101120000000000_x.postgres.down.sql"};
    FileReport r = planned("/repo/migrations/20240101120000000000_x.postgres.up.sql",
                           std::string("CREATE INDEX users_email_idx ON users (email);\n") + k_set_not_null, known);
    CHECK(r.tool == MigrationTool::Popx);
    REQUIRE(r.plan);
    const auto& steps = r.plan->steps;
    REQUIRE(steps.size() == 4);
    // Outside a transaction: popx's autocommit name, never a file it runs in a transaction.
    CHECK(steps[0].run == PlanRun::no_transaction);
    CHECK(steps[0].path == "/repo/migrations/20240101120000000000_x.postgres.autocommit.up.sql");
    CHECK(steps[1].path == "/repo/migrations/20240101120000000001_x_2.postgres.up.sql");
    // popx refuses an up migration without a down one of its version.
    REQUIRE(steps[1].extra_files.size() == 1);
    CHECK(steps[1].extra_files[0].first == "/repo/migrations/20240101120000000001_x_2.postgres.down.sql");
    for (const auto& s : steps) {
        if (s.run == PlanRun::in_transaction) CHECK(s.path.find(".autocommit.") == std::string::npos);
    }

    // Without an autocommit file in the set it stays pop, which has no way out of its transaction.
    FileReport pop = planned("/repo/migrations/20240101120000000000_x.postgres.up.sql",
                             "CREATE INDEX users_email_idx ON users (email);\n", {});
    CHECK(pop.tool == MigrationTool::Pop);
}

TEST_CASE("plan versions: flyway avoids the versions of the project's Java migrations") {
    // marquez (the DBA review dba70): V44's plan took 44.1 to 44.3, which the Java migrations of
    // api/src/main/java/marquez/db/migrations declare (by name, and by getVersion()), and Flyway
    // refuses two migrations of one version.
    namespace fs = std::filesystem;
    const fs::path root = fs::temp_directory_path() / ("pgfence_java_versions_" + std::to_string(::getpid()));
    fs::remove_all(root);
    const fs::path java = root / "api/src/main/java/marquez/db/migrations";
    const fs::path sql = root / "api/src/main/resources/marquez/db/migration";
    fs::create_directories(java);
    fs::create_directories(sql);
    std::ofstream(java / "V44_1__UpdateRunsWithJobUUID.java") << "public class V44_1__UpdateRunsWithJobUUID extends BaseJavaMigration {}\n";
    std::ofstream(java / "V44_3_BackfillJobsWithParents.java")
        << "public class V44_3_BackfillJobsWithParents implements JavaMigration {\n"
           "  public MigrationVersion getVersion() { return MigrationVersion.fromVersion(\"44.3\"); }\n}\n";
    const std::string path = (sql / "V44__runs_job_versions_add_job_uuid.sql").string();
    std::ofstream(path) << k_set_not_null;
    FileReport r = planned(path, k_set_not_null, {path});
    fs::remove_all(root);
    REQUIRE(r.plan);
    CHECK(r.plan->declined.empty());
    CHECK(migration_paths(r) == std::vector<std::string>{path, (sql / "V44.0.1__runs_job_versions_add_job_uuid_2.sql").string(),
                                                         (sql / "V44.0.2__runs_job_versions_add_job_uuid_3.sql").string()});
}
