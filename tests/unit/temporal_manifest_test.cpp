// tools/temporal_manifest.hpp and migration_order.hpp on Temporal's versioned folders (issue #54).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyze/migrations/migration_order.hpp"
#include "analyze/migrations/temporal_manifest.hpp"

using namespace pgfence::analyze;

TEST_CASE("a Temporal manifest lists its files in order, and a broken one says why", "[temporal_manifest]") {
    std::string why;
    auto listed = tools::temporal_listed(R"({"CurrVersion": "1.2", "MinCompatibleVersion": "1.0",
        "SchemaUpdateCqlFiles": ["start_time.sql", "add_start_time_index.sql"]})", why);
    REQUIRE(listed);
    CHECK(*listed == std::vector<std::string>{"start_time.sql", "add_start_time_index.sql"});
    // Go's encoding/json matches keys without case.
    listed = tools::temporal_listed(R"({"schemaupdatecqlfiles": ["a.sql"]})", why);
    REQUIRE(listed);
    CHECK(*listed == std::vector<std::string>{"a.sql"});
    CHECK_FALSE(tools::temporal_listed("{\"SchemaUpdateCqlFiles\": [", why));
    CHECK(why.find("not a JSON object") != std::string::npos);
    CHECK_FALSE(tools::temporal_listed(R"({"SchemaUpdateCqlFiles": "a.sql"})", why));
    CHECK_FALSE(tools::temporal_listed(R"({"SchemaUpdateCqlFiles": [1]})", why));
}

TEST_CASE("Temporal's version folders are one set, in version order", "[temporal_manifest]") {
    CHECK(tools::temporal_version_file("schema/postgresql/v12/temporal/versioned/v1.10/x.sql"));
    CHECK_FALSE(tools::temporal_version_file("schema/postgresql/v12/temporal/schema.sql"));
    CHECK_FALSE(tools::temporal_version_file("db/v1.2/x.sql"));
    const std::string a = "s/versioned/v1.9/b.sql", b = "s/versioned/v1.10/a.sql", c = "s/versioned/v1.2/c.sql";
    CHECK(set_folder(a) == "s/versioned");
    CHECK(migration_before(a, b));
    CHECK(migration_before(c, a));
    CHECK(migration_identity("s/versioned/v1.2/a.sql") != migration_identity("s/versioned/v1.2/b.sql"));
    MigrationSets sets = group_migration_sets({b, a, c});
    CHECK(sets.files == std::vector<std::string>{c, a, b});
    CHECK(sets.set_of == std::vector<std::size_t>{0, 0, 0});
}
