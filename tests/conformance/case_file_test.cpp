// The conformance case files without a server: directives, their errors (file:line), the
// `-- needs:` gate, and the suite's own files.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/conformance/case_file.hpp"

using namespace pgfence::tests::conformance;

namespace {

std::string error_of(const std::string& text) {
    auto parsed = parse_cases("cases/90_x.sql", text);
    REQUIRE_FALSE(parsed);
    return parsed.error().describe();
}

}  // namespace

TEST_CASE("`-- needs:` gates a case on the server's major version") {
    auto parsed = parse_cases("cases/90_x.sql",
                              "-- case: old\n"
                              "ALTER TABLE t ADD COLUMN c int;\n"
                              "-- case: new\n"
                              "-- needs: 18\n"
                              "-- hold: t\n"
                              "ALTER TABLE t ALTER CONSTRAINT t_fkey NOT ENFORCED;\n");
    REQUIRE(parsed);
    REQUIRE(parsed->size() == 2);
    const Case& old = (*parsed)[0];
    const Case& gated = (*parsed)[1];
    CHECK(old.needs == 0);
    CHECK(gated.needs == 18);
    CHECK(gated.hold == std::vector<std::string>{"t"});
    CHECK(gated.statements == std::vector<std::string>{"ALTER TABLE t ALTER CONSTRAINT t_fkey NOT ENFORCED"});

    CHECK_FALSE(skip_reason(old, 15));
    CHECK(skip_reason(gated, 15) == std::optional<std::string>("needs PostgreSQL 18, the server is 15"));
    CHECK(skip_reason(gated, 17) == std::optional<std::string>("needs PostgreSQL 18, the server is 17"));
    CHECK_FALSE(skip_reason(gated, 18));
    CHECK_FALSE(skip_reason(gated, 19));
}

TEST_CASE("a malformed `-- needs:` is an error at its line") {
    const std::string head = "-- case: a\n";
    const std::string tail = "SELECT 1;\n";
    for (std::string value : {"", "eighteen", "18.1", "1 8", "+18", "10", "19", "-18", "99999999999"}) {
        INFO("needs: '" << value << "'");
        CHECK(error_of(head + "-- needs: " + value + "\n" + tail) ==
              "cases/90_x.sql:2:1: `-- needs: " + value + "`: expected a PostgreSQL major version, 11 to 18");
    }
    // Blanks around the value are trimmed, as for every directive.
    auto padded = parse_cases("cases/90_x.sql", head + "  -- needs:  18 \t\n" + tail);
    REQUIRE(padded);
    CHECK(padded->front().needs == 18);
    CHECK(error_of("-- needs: 18\n-- case: a\nSELECT 1;\n") == "cases/90_x.sql:1:1: `-- needs:` before the first case");
    CHECK(error_of("-- case: a\n-- needs: 17\n-- needs: 18\nSELECT 1;\n") ==
          "cases/90_x.sql:3:1: case a has a second `-- needs:`");
}

TEST_CASE("the suite's cases for newer servers each name the version they need") {
    auto cases = load_cases(PGFENCE_CONFORMANCE_DIR "/cases");
    REQUIRE(cases);
    std::vector<const Case*> newer;
    for (const Case& c : *cases) {
        if (c.file.ends_with("90_newer_servers.sql")) newer.push_back(&c);
    }
    REQUIRE(newer.size() >= 6);
    // On PostgreSQL 15, the server the suite runs on by default, every one of them is skipped.
    for (const Case* c : newer) {
        INFO(c->id);
        CHECK(c->needs >= 16);
        CHECK(skip_reason(*c, 15));
    }
    CHECK(std::any_of(newer.begin(), newer.end(), [](const Case* c) { return c->needs == 17; }));
    CHECK(std::any_of(newer.begin(), newer.end(), [](const Case* c) { return c->needs == 18; }));
    // The older files run everywhere.
    CHECK(std::count_if(cases->begin(), cases->end(), [](const Case& c) { return c.needs == 0; }) > 300);
}

TEST_CASE("`-- same-file-only:` keeps a case out of history mode, with its reason") {
    auto parsed = parse_cases("cases/90_x.sql",
                              "-- case: both\n"
                              "DROP INDEX orders_code_idx;\n"
                              "-- case: one_file\n"
                              "-- same-file-only: the extension's objects are not replayed\n"
                              "CREATE EXTENSION postgres_fdw;\n"
                              "CREATE FOREIGN TABLE remote_users (id bigint) SERVER elsewhere;\n");
    REQUIRE(parsed);
    REQUIRE(parsed->size() == 2);
    CHECK((*parsed)[0].same_file_only.empty());
    CHECK((*parsed)[1].same_file_only == "the extension's objects are not replayed");
    CHECK(error_of("-- case: a\n-- same-file-only:\nSELECT 1;\n") ==
          "cases/90_x.sql:2:1: `-- same-file-only:` needs the reason");
    CHECK(error_of("-- same-file-only: why\n-- case: a\nSELECT 1;\n") ==
          "cases/90_x.sql:1:1: `-- same-file-only:` before the first case");
}
