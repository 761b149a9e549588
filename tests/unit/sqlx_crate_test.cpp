// tools/sqlx_crate.hpp: which Cargo.toml depends on sqlx (issue #54: the crate says the tool).
#include <catch2/catch.hpp>

#include "analyze/migrations/sqlx_crate.hpp"

using pgfence::analyze::tools::cargo_depends_on_sqlx;

TEST_CASE("a Cargo.toml depends on sqlx in any dependencies table, by any spelling", "[sqlx_crate]") {
    CHECK(cargo_depends_on_sqlx("[dependencies]\nsqlx = { version = \"0.7\", features = [\"postgres\"] }\n"));
    CHECK(cargo_depends_on_sqlx("[dependencies]\nsqlx.workspace = true\n"));
    CHECK(cargo_depends_on_sqlx("[workspace.dependencies]\nsqlx = \"0.8\"\n"));
    CHECK(cargo_depends_on_sqlx("[dev-dependencies]\nsqlx=\"0.8\"\n"));
    CHECK(cargo_depends_on_sqlx("[target.'cfg(unix)'.dependencies]\nsqlx = \"0.8\"\n"));
    CHECK(cargo_depends_on_sqlx("[dependencies.sqlx]\nversion = \"0.7\"\n"));
    CHECK(cargo_depends_on_sqlx("[dependencies]\ndb = { package = \"sqlx\", version = \"0.7\" }\n"));
}

TEST_CASE("a Cargo.toml that only names sqlx elsewhere does not depend on it", "[sqlx_crate]") {
    CHECK_FALSE(cargo_depends_on_sqlx("[package]\nname = \"sqlx-demo\"\ndescription = \"sqlx = fast\"\n"));
    CHECK_FALSE(cargo_depends_on_sqlx("[dependencies]\nsqlx-core = \"0.7\"\nsqlxmq = \"0.5\"\n"));
    CHECK_FALSE(cargo_depends_on_sqlx("[features]\nsqlx = [\"dep:other\"]\n"));
    CHECK_FALSE(cargo_depends_on_sqlx("[dependencies]\n# sqlx = \"0.7\"\ndiesel = \"2\"\n"));
}
