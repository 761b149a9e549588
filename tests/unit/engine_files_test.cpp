// SQL that is not PostgreSQL's migrations (analyze/migrations/engine_files.hpp): sqlc's config read
// as sqlc reads it (v1 and v2, YAML and JSON), and the folder names that name another engine.
#include <catch2/catch.hpp>

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

TEST_CASE("engine_files: a folder name that names another engine") {
    CHECK(engine_folder("riverdriver/riversqlite/migration/main") == "riversqlite");
    CHECK(engine_folder("db/sqlite") == "sqlite");
    CHECK(engine_folder("store/migration/mysql") == "mysql");
    CHECK(engine_folder("db/migrations_sqlite3") == "migrations_sqlite3");
    CHECK(engine_folder("db/mssql-migrations") == "mssql-migrations");
    CHECK(engine_folder("internal/store_sqlite/migrations") == "store_sqlite");
    // Not one: a conversion, PostgreSQL's own, or a word that only holds an engine's name inside it.
    CHECK(engine_folder("tools/sqlite_to_postgres/migrations").empty());
    CHECK(engine_folder("db/from_mysql").empty());
    CHECK(engine_folder("db/pg-mysql-compat").empty());
    CHECK(engine_folder("db/postgres_sqlite").empty());
    CHECK(engine_folder("db/migrations").empty());
    CHECK(engine_folder("db/sqlitebackup/migrations").empty());
    CHECK(engine_folder("riverdriver/riverpgxv5/migration/main").empty());
    CHECK(engine_folder("").empty());
}
