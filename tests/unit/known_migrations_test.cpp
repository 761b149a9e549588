// KnownMigrations groups the repository's migrations by set once: set_siblings hands on what a
// scan of every known path handed on, and a run asks set_folder a number of times linear in its
// files (a scan per file made 4,000 files of one folder ask it 16 million times).
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/history.hpp"
#include "analyze/migrations/known_migrations.hpp"
#include "analyze/migrations/migration_names.hpp"
#include "analyze/migrations/migration_order.hpp"

using namespace pgfence::analyze;
namespace fs = std::filesystem;

namespace {

// What set_siblings did before the index: every known path's set folder compared with the file's.
std::vector<std::string> scanned_siblings(const std::string& path, const std::vector<std::string>& known) {
    std::vector<std::string> out;
    const std::string set = migration_set(path);
    const std::string self = fs::path(path).lexically_normal().generic_string();
    for (const auto& k : known) {
        if (k == self) continue;
        std::string_view folder = set_folder(k);
        if (folder != set && !(folder.empty() && set == "/")) continue;
        out.push_back(k);
    }
    return out;
}

}  // namespace

TEST_CASE("KnownMigrations: a file's siblings are those a scan of every known path finds", "[known]") {
    const std::vector<std::string> paths = {
        "/repo/db/migrations/001_a.sql",         "/repo/db/migrations/002_b.sql",
        "/repo/db/migrations/003_c.go",          "/repo/db/migrations/sub/004_d.sql",
        "/repo/flyway/common/V1__a.sql",         "/repo/flyway/prod/V2__b.sql",
        "/repo/flyway/V3__c.sql",                "/repo/flyway/V4__d.java",
        "/repo/prisma/20240101_x/migration.sql", "/repo/prisma/20240102_y/migration.sql",
        "/repo/diesel/2024-01-01_x/up.sql",      "/repo/diesel/2024-01-01_x/down.sql",
        "/top.sql",                              "/other.sql",
    };
    const KnownMigrations known(paths);
    for (const std::string& path : paths) {
        CHECK(set_siblings(path, &known) == scanned_siblings(path, paths));
    }
    // A file the index does not hold: every file of its set.
    CHECK(set_siblings("/repo/db/migrations/009_new.sql", &known) == scanned_siblings("/repo/db/migrations/009_new.sql", paths));
    CHECK(set_siblings("/repo/db/migrations/009_new.sql", &known).size() == 3);
    CHECK(set_siblings("/nowhere/x.sql", &known).empty());
    // The kinds pgfence does not read, by set: goose's .go, Flyway's .java.
    REQUIRE(known.unread_in_set("/repo/db/migrations") != nullptr);
    CHECK(known.paths()[known.unread_in_set("/repo/db/migrations")->front()] == "/repo/db/migrations/003_c.go");
    REQUIRE(known.unread_in_set("/repo/flyway") != nullptr);
    CHECK(known.paths()[known.unread_in_set("/repo/flyway")->front()] == "/repo/flyway/V4__d.java");
    CHECK(known.unread_in_set("/repo/prisma") == nullptr);
    CHECK(unread_migration_kind("x.GO"));
    CHECK_FALSE(unread_migration_kind("x.SQL"));
}

TEST_CASE("analyze_files asks set_folder a number of times linear in the files of one set", "[known]") {
    const fs::path dir = fs::temp_directory_path() / ("pgfence_known_migrations_" + std::to_string(::getpid()));
    // The set_folder questions of a chained run over n Flyway files of one folder, each knowing
    // the others (as `pgfence analyze` passes them): CREATE TABLE, ADD COLUMN, CREATE INDEX.
    auto questions = [&](std::size_t n) {
        fs::remove_all(dir);
        fs::create_directories(dir / "db" / "migration");
        std::vector<std::string> files;
        for (std::size_t i = 1; i <= n; ++i) {
            const std::string t = "t" + std::to_string((i - 1) / 3);
            const fs::path p = dir / "db" / "migration" / ("V" + std::to_string(i) + "__step.sql");
            std::ofstream out(p);
            if ((i - 1) % 3 == 0) out << "CREATE TABLE " << t << " (id bigint PRIMARY KEY, a text);\n";
            if ((i - 1) % 3 == 1) out << "ALTER TABLE " << t << " ADD COLUMN b integer;\n";
            if ((i - 1) % 3 == 2) out << "CREATE INDEX " << t << "_b_idx ON " << t << " (b);\n";
            files.push_back(p.lexically_normal().generic_string());
        }
        const KnownMigrations known(files);
        AnalyzeOptions options;
        options.threads = 1;
        options.known_migrations = &known;
        HistoryChain chain(std::vector<std::size_t>(files.size(), 0), nullptr);
        options.chain = &chain;
        const std::uint64_t before = set_folder_questions();
        Report report = analyze_files(files, options);
        REQUIRE(report.files.size() == n);
        return set_folder_questions() - before;
    };
    const std::uint64_t small = questions(150);
    const std::uint64_t large = questions(600);
    fs::remove_all(dir);
    INFO("set_folder questions: 150 files " << small << ", 600 files " << large);
    CHECK(small > 0);
    // Linear: about 4 times as many for 4 times the files; a scan per file gives 16 times.
    CHECK(large <= 5 * small);
}

TEST_CASE("golang_migrate_name: golang-migrate's Parse, its version as strconv.ParseUint reads it", "[known]") {
    GolangMigrateName n;
    REQUIRE(golang_migrate_name("000002_x.mysql.up.sql", n));
    CHECK((n.version == 2 && !n.down && !n.overflow));
    REQUIRE(golang_migrate_name("2_x.up.y.down.fizz", n));  // `(.*)` greedy: the last direction
    CHECK(n.down);
    REQUIRE(golang_migrate_name("18446744073709551615_x.up.sql", n));
    CHECK((!n.overflow && n.version == 18446744073709551615ULL));
    REQUIRE(golang_migrate_name("18446744073709551616_x.up.sql", n));
    CHECK(n.overflow);
    REQUIRE(golang_migrate_name("20191100000010000002_errors.cockroach.up.sql", n));
    CHECK(n.overflow);
    REQUIRE(golang_migrate_name("00000000000000000000000001_x.up.sql", n));  // leading zeros parse
    CHECK((!n.overflow && n.version == 1));
    CHECK_FALSE(golang_migrate_name("2_x.UP.sql", n));  // the regexp is case-sensitive
    CHECK_FALSE(golang_migrate_name("2x.up.sql", n));
    CHECK_FALSE(golang_migrate_name("2_.up", n));
}

TEST_CASE("KnownMigrations: golang-migrate refuses a folder with two files of one version and direction", "[known]") {
    const KnownMigrations known({"/r/db/1_a.postgres.up.sql", "/r/db/01_a.mysql.up.sql", "/r/db/2_b.up.sql",
                                 "/r/ok/1_a.up.sql", "/r/ok/1_a.down.sql", "/r/ok/sub/1_a.mysql.up.sql",
                                 "/r/case/1_a.up.sql", "/r/case/1_b.UP.sql"});
    const std::string_view refusal = known.golang_migrate_refusal("/r/db");
    CHECK(refusal.find("1_a.postgres.up.sql and 01_a.mysql.up.sql are both version 1 up") != std::string_view::npos);
    CHECK(known.golang_migrate_refusal("/r/ok").empty());   // an up and a down; a subfolder is another folder
    CHECK(known.golang_migrate_refusal("/r/case").empty()); // `.UP.` is no golang-migrate name
    CHECK(known.golang_migrate_refusal("/r/none").empty());
}
