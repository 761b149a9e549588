// Migrations written as code (analyze/tools/code_migrations.hpp): goose's Go migrations and
// Flyway's Java and Kotlin ones are found at their registration; other Go and Java files are not.
#include <catch2/catch.hpp>

#include "analyze/migrations/code_migrations.hpp"

using namespace pgfence::analyze::tools;

TEST_CASE("code_migrations: goose Go migrations, by name and registration") {
    const char* go = "package m\n\nimport \"github.com/pressly/goose/v3\"\n\nfunc init() {\n\tgoose.AddMigrationNoTxContext(up, down)\n}\n";
    CHECK(code_migration_candidate("db/00003_cleanup.go"));
    CHECK(code_migration_candidate("db/register.go"));
    CHECK_FALSE(code_migration_candidate("db/00003_cleanup_test.go"));
    auto m = read_code_migration("db/00003_cleanup.go", go);
    REQUIRE(m);
    CHECK(m->tool == "goose");
    CHECK(m->line == 6);
    CHECK_FALSE(read_code_migration("db/00004_helpers.go", "package m\nfunc helper() {}\n"));
    CHECK_FALSE(read_code_migration("db/helpers.go", go));
    CHECK(read_code_migration("db/00005_big.go", "", true));
    CHECK(read_code_migration("db/register.go", "func R() {\n\tgoose.AddNamedMigrationContext(n+\".go\", up, down)\n}\n"));
}

TEST_CASE("code_migrations: Flyway Java and Kotlin migrations") {
    const char* java = "package db.migration;\nimport org.flywaydb.core.api.migration.BaseJavaMigration;\n\n"
                       "public class V2__Cleanup\n    extends BaseJavaMigration {\n}\n";
    auto m = read_code_migration("src/main/java/db/migration/V2__Cleanup.java", java);
    REQUIRE(m);
    CHECK(m->tool == "flyway");
    CHECK(m->line == 4);
    auto k = read_code_migration("src/main/kotlin/Fix.kt", "class Fix : JavaMigration {\n}\n");
    REQUIRE(k);
    CHECK(k->line == 1);
    CHECK_FALSE(read_code_migration("src/main/java/app/App.java", "package app;\npublic class App {}\n"));
    CHECK(read_code_migration("src/V3__x.java", "", true));
    CHECK_FALSE(read_code_migration("src/App.java", "", true));
}

TEST_CASE("code_migrations: a goose Go migration registered through the project's helper") {
    const char* go = "package m\n\nimport \"database/sql\"\n\nfunc init() { registerTx(up2) }\n\nfunc up2(tx *sql.Tx) error { return nil }\n";
    auto m = read_code_migration("migrations/00002_drop.go", go);
    REQUIRE(m);
    CHECK(m->line == 5);
    CHECK_FALSE(read_code_migration("migrations/00004_helpers.go", "package m\nfunc helper() {}\n"));
}
