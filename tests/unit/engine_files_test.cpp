// sqlc's query files and other engines' schema (analyze/migrations/engine_files.hpp): sqlc's config
// read as sqlc reads it (v1 and v2, YAML and JSON), and the decision through a reader.
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>

#include "analyze/migrations/engine_files.hpp"

using namespace pgfence::analyze::tools;

TEST_CASE("engine_files: sqlc v2 YAML, block and flow sequences, lines") {
    const auto entries = read_sqlc_config(
        "version: \"2\"\n"
        "sql:\n"
        "  - engine: \"sqlite\"   # the driver\n"
        "    queries:\n"
        "      - river_job.sql\n"
        "      - 'schema.sql'\n"
        "    schema: [river_job.sql, \"schema.sql\"]\n"
        "    gen:\n"
        "      go:\n"
        "        overrides:\n"
        "          - db_type: \"jsonb\"\n"
        "  -\n"
        "    engine: postgresql\n"
        "    schema: db/migrations\n"
        "    queries:\n"
        "    - db/query\n",
        false);
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].engine == "sqlite");
    CHECK(entries[0].engine_line == 3);
    REQUIRE(entries[0].queries.size() == 2);
    CHECK(entries[0].queries[1] == std::pair<std::string, int>{"schema.sql", 6});
    REQUIRE(entries[0].schema.size() == 2);
    CHECK(entries[0].schema[0] == std::pair<std::string, int>{"river_job.sql", 7});
    CHECK(entries[1].engine == "postgresql");
    CHECK(entries[1].schema == std::vector<std::pair<std::string, int>>{{"db/migrations", 14}});
    CHECK(entries[1].queries == std::vector<std::pair<std::string, int>>{{"db/query", 16}});
}

TEST_CASE("engine_files: sqlc v1 packages default to postgresql; JSON; other versions are none") {
    auto v1 = read_sqlc_config("version: '1'\npackages:\n  - name: db\n    path: internal/db\n    queries: ./sql/query/\n    schema: ./sql/schema/\n",
                               false);
    REQUIRE(v1.size() == 1);
    CHECK(v1[0].engine == "postgresql");
    CHECK(v1[0].queries == std::vector<std::pair<std::string, int>>{{"./sql/query/", 5}});
    auto json = read_sqlc_config("{\n  \"version\": \"2\",\n  \"sql\": [{\n    \"engine\": \"mysql\",\n    \"schema\": \"schema\",\n"
                                 "    \"queries\": [\"q1.sql\", \"q2.sql\"]\n  }]\n}\n",
                                 true);
    REQUIRE(json.size() == 1);
    CHECK(json[0].engine == "mysql");
    CHECK(json[0].engine_line == 4);
    CHECK(json[0].schema == std::vector<std::pair<std::string, int>>{{"schema", 5}});
    CHECK(json[0].queries.size() == 2);
    // sqlc refuses a version other than "1" and "2", and v2 reads `sql:`, not `packages:`.
    CHECK(read_sqlc_config("version: \"3\"\nsql:\n  - engine: sqlite\n    schema: s\n", false).empty());
    CHECK(read_sqlc_config("version: \"2\"\npackages:\n  - engine: sqlite\n    schema: s\n", false).empty());
    CHECK(read_sqlc_config("{\"version\": \"2\", \"sql\": 5}", true).empty());
    CHECK(read_sqlc_config("not: [json", true).empty());
}

TEST_CASE("engine_files: the configs in the file's folder and above decide, paths relative to them") {
    const std::map<std::string, std::string> tree = {
        {"sqlc.yaml", "version: \"2\"\nsql:\n  - engine: postgresql\n    schema: db/migrations\n    queries: db/query\n"
                      "  - engine: sqlite\n    schema: ../outside\n    queries: []\n"},
        {"lite/sqlc.json", "{\"version\": \"2\", \"sql\": [{\"engine\": \"sqlite\", \"schema\": \"./schema/\", \"queries\": \"q.sql\"}]}"},
    };
    EngineFiles files([&](const std::string& p) -> std::optional<std::string> {
        auto it = tree.find(p);
        if (it == tree.end()) return std::nullopt;
        return it->second;
    }, "");
    CHECK(files.decide("db/query/jobs.sql").value_or("").starts_with("an sqlc query file, not a migration: sqlc.yaml:5"));
    CHECK_FALSE(files.decide("db/query/deeper/jobs.sql"));  // sqlc reads a folder one level down
    CHECK_FALSE(files.decide("db/migrations/001_init.up.sql"));  // a postgresql schema stays analysed
    CHECK(files.decide("lite/schema/001.sql").value_or("").starts_with("a sqlite schema, not analysed as PostgreSQL: lite/sqlc.json:1"));
    CHECK(files.decide("lite/q.sql").has_value());
    CHECK_FALSE(files.decide("lite/other.sql"));
    CHECK_FALSE(files.decide("outside/x.sql"));  // `../outside` leaves the top: nothing
}

TEST_CASE("engine_files: a schema a postgresql entry also names is PostgreSQL's (red team R90 F8)") {
    const std::map<std::string, std::string> tree = {
        {"sqlc.yaml", "version: \"2\"\nsql:\n  - engine: postgresql\n    schema: db/migrations\n    queries: db/queries\n"
                      "  - engine: sqlite\n    schema: db/migrations\n    queries: db/queries\n"},
        {"svc/sqlc.yaml", "version: \"2\"\nsql:\n  - engine: mysql\n    schema: lite\n    queries: q.sql\n"},
        {"db/sqlc.json", "{\"version\": \"2\", \"sql\": [{\"engine\": \"sqlite\", \"schema\": \"migrations/003.sql\", \"queries\": \"q.sql\"}]}"},
    };
    EngineFiles files([&](const std::string& p) -> std::optional<std::string> {
        auto it = tree.find(p);
        if (it == tree.end()) return std::nullopt;
        return it->second;
    }, "");
    CHECK_FALSE(files.decide("db/migrations/002_drop_users.sql"));  // the same config
    CHECK_FALSE(files.decide("db/migrations/003.sql"));             // a config below names it sqlite's; the top's postgresql entry wins
    CHECK(files.decide("db/queries/users.sql").has_value());        // its queries are still set aside
    CHECK(files.decide("svc/lite/001.sql").has_value());            // another engine's own folder
}
