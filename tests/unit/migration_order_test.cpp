// The order each migration tool applies its files in, and which files form one migration set.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyze/migrations/migration_order.hpp"

using namespace pgfence::analyze;

namespace {

// `files` sorted as their tool applies them.
std::vector<std::string> applied(std::vector<std::string> files) {
    return group_migration_sets(files).files;
}

}  // namespace

TEST_CASE("numeric prefixes compare as numbers, not text", "[migration_order]") {
    // goose without zero padding, golang-migrate up files, sqlx.
    CHECK(applied({"db/migrations/10_add_orders.sql", "db/migrations/9_create_users.sql", "db/migrations/100_x.sql"}) ==
          std::vector<std::string>{"db/migrations/9_create_users.sql", "db/migrations/10_add_orders.sql", "db/migrations/100_x.sql"});
    CHECK(migration_before("db/migrations/2_add_email.up.sql", "db/migrations/12_name.up.sql"));
    // Each migration's up half before its down half, whose name sorts first as text.
    CHECK(migration_before("db/migrations/2_add_email.up.sql", "db/migrations/2_add_email.down.sql"));
    CHECK_FALSE(migration_before("db/migrations/2_add_email.down.sql", "db/migrations/2_add_email.up.sql"));
    CHECK(migration_before("migrations/2024-01-01-000000_users/up.sql", "migrations/2024-01-01-000000_users/down.sql"));
    CHECK(migration_before("db/migrations/2_add_email.down.sql", "db/migrations/3_add_name.up.sql"));
    CHECK(migration_before("migrations/00009_create_users.sql", "migrations/00012_add_index.sql"));
    // Rails-style 14-digit timestamps, dbmate's 8-digit dates.
    CHECK(migration_before("db/20240101120000_create_users.sql", "db/20240202000000_drop_index.sql"));
    CHECK(migration_before("db/20240101_create_users.sql", "db/20240102_add_email.sql"));
    // One version written with and without padding: then by name.
    CHECK(migration_before("m/0012_a.sql", "m/12_b.sql"));
}

TEST_CASE("Flyway: dotted and underscored versions by part, repeatables after versioned", "[migration_order]") {
    CHECK(migration_before("sql/V1_9__add_email.sql", "sql/V1_10__add_index.sql"));
    CHECK(migration_before("sql/V1.9__add_email.sql", "sql/V1.10__add_index.sql"));
    CHECK(migration_before("sql/V1__init.sql", "sql/V1.1__users.sql"));
    CHECK(migration_before("sql/V2__users.sql", "sql/V10__orders.sql"));
    CHECK(migration_before("sql/V999__last.sql", "sql/R__refresh_views.sql"));
    CHECK(migration_before("sql/R__a_views.sql", "sql/R__b_functions.sql"));
    // A name without a version comes after every versioned one.
    CHECK(migration_before("sql/R__views.sql", "sql/seed.sql"));
    CHECK(applied({"sql/R__views.sql", "sql/V1_10__c.sql", "sql/V1_9__b.sql", "sql/V1__a.sql"}) ==
          std::vector<std::string>{"sql/V1__a.sql", "sql/V1_9__b.sql", "sql/V1_10__c.sql", "sql/R__views.sql"});
}

TEST_CASE("Prisma and diesel: migration folders by name, as those tools compare them", "[migration_order]") {
    CHECK(migration_before("prisma/migrations/20230522094431_init/migration.sql",
                           "prisma/migrations/20240101000000_add_users/migration.sql"));
    // Prisma compares folder names as text: a hand-named 8-digit folder sorts after a timestamp.
    CHECK(migration_before("prisma/migrations/20230522094431_init/migration.sql",
                           "prisma/migrations/20250625_add_pivot/migration.sql"));
    CHECK(migration_before("migrations/2024-01-01-120000_create_crates/up.sql",
                           "migrations/2024-02-01-090000_add_downloads/up.sql"));
    CHECK(migration_before("migrations/00000000000000_diesel_initial_setup/up.sql",
                           "migrations/2024-01-01-120000_create_crates/up.sql"));
    // diesel compares versions without their '-' (crates.io mixes both spellings): as text,
    // 2017-08-31-... sorted before 20170308..., and emails was altered before it existed.
    CHECK(migration_before("migrations/20170308140537_create_to_semver_no_prerelease/up.sql",
                           "migrations/2017-08-31-230457_invitations/up.sql"));
    CHECK(migration_before("migrations/2017-08-31-230457_invitations/up.sql",
                           "migrations/20170923182408_x/up.sql") ==
          migration_before("migrations/20170831230457_invitations/up.sql", "migrations/20170923182408_x/up.sql"));
    CHECK_FALSE(migration_before("migrations/2017-08-31-230457_invitations/up.sql",
                                 "migrations/20170308140537_create_to_semver_no_prerelease/up.sql"));
}

TEST_CASE("a migration set is the folder of the file, or of the migration's folder", "[migration_order]") {
    CHECK(migration_set("db/migrate/20240101_a.sql") == migration_set("./db/migrate/20240202_b.sql"));
    CHECK(migration_set("prisma/migrations/20240101_init/migration.sql") ==
          migration_set("prisma/migrations/20240202_users/migration.sql"));
    CHECK(migration_set("migrations/2024-01-01-120000_x/up.sql") == migration_set("migrations/2024-02-01-000000_y/up.sql"));
    CHECK(migration_set("services/billing/migrations/1_a.sql") != migration_set("services/auth/migrations/1_a.sql"));
    // Sets keep the order they first appear in; each is sorted within.
    MigrationSets sets = group_migration_sets({"billing/10_b.sql", "auth/1_a.sql", "billing/9_a.sql"});
    CHECK(sets.files == std::vector<std::string>{"billing/9_a.sql", "billing/10_b.sql", "auth/1_a.sql"});
    CHECK(sets.set_of == std::vector<std::size_t>{0, 0, 1});
}

TEST_CASE("history_before: the analysed files and what their tool applies after them are left out", "[migration_order]") {
    std::vector<std::string> history{"db/migrations/3_c.sql", "db/migrations/1_a.sql", "db/migrations/2_b.sql",
                                     "db/base/schema.sql"};
    CHECK(history_before(history, {"db/migrations/2_b.sql"}) ==
          std::vector<std::string>{"db/migrations/1_a.sql", "db/base/schema.sql"});
    CHECK(history_before(history, {"other/1_x.sql"}).size() == 4);
}
