// Plans and the comments inside a statement (analyze/plan/plan_comments.hpp), and a Go library's
// embedded migrations (analyze/go_embedded_migrations.hpp), which get no plan (review 89).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "analyze/go_embedded_migrations.hpp"
#include "analyze/plan/plan_comments.hpp"

using namespace pgfence::analyze;
namespace fs = std::filesystem;

TEST_CASE("plan comments: a comment inside a statement is kept between the same tokens, or lost") {
    const std::string drop = "DROP TABLE /* TEMPLATE: schema */river_client_queue";
    // Kept: the statement as written inside the step.
    CHECK(plan_comments::lost_comment(drop, "-- pgfence-ignore: drop-table\n" + drop + ";").empty());
    // Lost: built again from the name, or the marker moved away from the name it qualifies.
    CHECK(plan_comments::lost_comment(drop, "DROP TABLE IF EXISTS river_client_queue;") == "/* TEMPLATE: schema */");
    CHECK(plan_comments::lost_comment(drop, "/* TEMPLATE: schema */ DROP TABLE river_client_queue;") == "/* TEMPLATE: schema */");
    // Comments before the first token or after the last are not inside it.
    CHECK(plan_comments::lost_comment("/* lead */ CREATE INDEX i ON t (a) /* tail */", "CREATE INDEX CONCURRENTLY i ON t (a);").empty());
    // A line comment inside: its own text must be kept.
    const std::string alter = "ALTER TABLE t\n  -- keep\n  ADD COLUMN a int";
    CHECK(plan_comments::lost_comment(alter, "ALTER TABLE t -- keep\nADD COLUMN a int;").empty());
    CHECK(plan_comments::lost_comment(alter, "ALTER TABLE t ADD COLUMN a int;") == "-- keep\n");
    // Quoted text that looks like a comment is not one.
    CHECK(plan_comments::lost_comment("SELECT '/* x */' FROM t", "SELECT 1").empty());
    const std::string why = plan_comments::lost_comment_decline(7, "/* TEMPLATE: schema */");
    CHECK(why.find("line 7") == 0);
    CHECK(why.find("holds a comment (`/* TEMPLATE: schema */`)") != std::string::npos);
    CHECK(why.find("does not rebuild it") != std::string::npos);
}

namespace {
void put(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}
}  // namespace

TEST_CASE("embedded migrations: a library's //go:embed declines, an application's does not") {
    char templ[] = "/tmp/pgfence-embed-XXXXXX";
    REQUIRE(mkdtemp(templ) != nullptr);
    const fs::path root(templ);
    const std::string embed = "package pgx\n\nimport \"embed\"\n\n//go:embed \"migration\" other/*.sql\nvar fs embed.FS\n";
    put(root / "lib/go.mod", "module example.com/lib\n");
    put(root / "lib/driver.go", embed);
    put(root / "lib/driver_test.go", "package pgx\n\n//go:embed testdata/*.sql\nvar t embed.FS\n");
    put(root / "lib/migration/main/001_a.up.sql", "CREATE TABLE a (id int);\n");
    put(root / "lib/testdata/001_a.sql", "CREATE TABLE a (id int);\n");
    put(root / "lib/loose/001_a.sql", "CREATE TABLE a (id int);\n");
    // A directory pattern embeds its tree; the line is the //go:embed line's.
    std::string why = embedded_library_decline((root / "lib/migration/main/001_a.up.sql").string());
    CHECK(why.find("embedded in a library") != std::string::npos);
    CHECK(why.find("driver.go:5 //go:embed migration") != std::string::npos);
    // A _test.go file's embed (test fixtures), and a folder no pattern takes: not embedded.
    CHECK(embedded_library_decline((root / "lib/testdata/001_a.sql").string()).empty());
    CHECK(embedded_library_decline((root / "lib/loose/001_a.sql").string()).empty());
    // The module has a program: an application's migrations, whatever package embeds them.
    put(root / "lib/cmd/server/main.go", "// Server.\npackage main\n\nfunc main() {}\n");
    put(root / "app/go.mod", "module example.com/app\n");
    put(root / "app/internal/db/db.go", embed);
    put(root / "app/internal/db/migration/001_a.sql", "CREATE TABLE a (id int);\n");
    put(root / "app/main.go", "package main\n");
    CHECK(embedded_library_decline((root / "app/internal/db/migration/001_a.sql").string()).empty());
    // No go.mod above: not a Go module's.
    put(root / "plain/driver.go", embed);
    put(root / "plain/migration/001_a.sql", "CREATE TABLE a (id int);\n");
    CHECK(embedded_library_decline((root / "plain/migration/001_a.sql").string()).empty());
    fs::remove_all(root);
}
