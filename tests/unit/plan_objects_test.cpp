// PlanObjects: a plan's statements read as creating and dropping named objects, so that one
// that creates or drops an object twice (hydra's plan once added the same NOT VALID CHECK in two
// migrations and dropped it in two) is caught before it is offered.
#include <catch2/catch.hpp>

#include "analyze/model/catalog.hpp"
#include "analyze/history.hpp"
#include "analyze/analyzer.hpp"
#include "analyze/plan/plan_objects.hpp"
#include "analyze/plan/plan_walk.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_tree.hpp"

using namespace pgfence::analyze;

TEST_CASE("plan objects: a constraint added twice or dropped twice across steps is reported") {
    PlanObjects objects;
    CHECK(objects.read("ALTER TABLE t ADD CONSTRAINT t_c_nn CHECK (c IS NOT NULL) NOT VALID;", nullptr).empty());
    auto again = objects.read("-- again\nALTER TABLE t ADD CONSTRAINT t_c_nn CHECK (c IS NOT NULL) NOT VALID;", nullptr);
    REQUIRE(again.size() == 1);
    CHECK(again[0] == "creates constraint t_c_nn of t twice");
    CHECK(objects.read("ALTER TABLE t DROP CONSTRAINT t_c_nn;", nullptr).empty());
    auto dropped = objects.read("ALTER TABLE t ALTER COLUMN c SET NOT NULL;\nALTER TABLE t DROP CONSTRAINT t_c_nn;", nullptr);
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0] == "drops constraint t_c_nn of t twice");
    // IF EXISTS / IF NOT EXISTS statements may repeat.
    CHECK(objects.read("ALTER TABLE t DROP CONSTRAINT IF EXISTS t_c_nn; CREATE INDEX IF NOT EXISTS i ON t (c);", nullptr).empty());
}

TEST_CASE("plan objects: a rename view put in place twice renames the table to <t>_base twice") {
    PlanObjects objects;
    const char* view = "ALTER TABLE website RENAME TO website_base;\n"
                       "ALTER TABLE website_base RENAME COLUMN a TO b;\n"
                       "CREATE VIEW website AS SELECT *, b AS a FROM website_base;";
    CHECK(objects.read(view, nullptr).empty());
    auto second = objects.read(view, nullptr);
    REQUIRE_FALSE(second.empty());
    CHECK(second[0] == "creates website_base twice");
    // Dropping the view and renaming the table back, once, is fine.
    PlanObjects once;
    CHECK(once.read(view, nullptr).empty());
    CHECK(once.read("DROP VIEW website; ALTER TABLE website_base RENAME TO website;", nullptr).empty());
}

TEST_CASE("plan objects: with the catalog, creating what exists is reported") {
    AnalyzeOptions options;
    options.threads = 1;
    Replay replay(options);
    replay.replay_schema_text("schema.sql", "CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n"
                                            "CREATE INDEX accounts_email_idx ON accounts (email);");
    auto catalog = replay.snapshot();
    REQUIRE(catalog != nullptr);
    PlanObjects objects;
    auto index = objects.read("CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);", catalog.get());
    REQUIRE(index.size() == 1);
    CHECK(index[0] == "creates accounts_email_idx, which already exists");
    auto column = objects.read("ALTER TABLE accounts ADD COLUMN email text;", catalog.get());
    REQUIRE(column.size() == 1);
    CHECK(column[0] == "creates column email of accounts, which already exists");
    CHECK(objects.read("ALTER TABLE accounts ADD COLUMN name text; CREATE TABLE accounts_archive (id bigint);", catalog.get()).empty());
    // Dropped by the plan first, then made again: not "already exists".
    CHECK(objects.read("DROP INDEX accounts_email_idx; CREATE INDEX accounts_email_idx ON accounts (lower(email));", catalog.get()).empty());
    // The same with IF EXISTS (TypeORM's rebuild of an index, daily-api): the index is gone
    // after the drop whether or not it was there, so the CREATE makes no second one.
    PlanObjects rebuild;
    CHECK(rebuild.read("DROP INDEX CONCURRENTLY IF EXISTS accounts_email_idx;", catalog.get()).empty());
    CHECK(rebuild.read("CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (lower(email));", catalog.get()).empty());
    CHECK(rebuild.read("ALTER TABLE accounts DROP COLUMN IF EXISTS email; ALTER TABLE accounts ADD COLUMN email text;", catalog.get()).empty());
}

TEST_CASE("plan walk: a table name with a line break stays inside the walk's comment") {
    std::string sql = "UPDATE \"x\nDROP TABLE users; --\" SET c = 1 WHERE c IS NULL";
    auto parsed = parse_statement(sql);
    const auto* update = pg::as<UpdateStmt>(parsed.stmt);
    REQUIRE(update != nullptr);
    std::string walk = plan_walk::keyset_walk(sql, update, {{"id", "int8"}});
    // The UPDATE's own text carries "--": no walk is made of it.
    CHECK(walk.empty());
    std::string plain = "UPDATE \"x\nDROP TABLE users;\" SET c = 1 WHERE c IS NULL";
    auto parsed_plain = parse_statement(plain);
    std::string walk_plain = plan_walk::keyset_walk(plain, pg::as<UpdateStmt>(parsed_plain.stmt), {{"id", "int8"}});
    REQUIRE_FALSE(walk_plain.empty());
    std::string header = walk_plain.substr(0, walk_plain.find("DO $pgfence_walk$"));
    CHECK(header.find("\nDROP TABLE") == std::string::npos);
    for (std::size_t at = 0; at < header.size();) {
        std::size_t nl = header.find('\n', at);
        if (nl == std::string::npos) break;
        CHECK(header.compare(at, 2, "--") == 0);
        at = nl + 1;
    }
}
