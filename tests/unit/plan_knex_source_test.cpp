// A knex project's own migration source (analyze/plan/plan_knex_source.hpp): node-semver's order,
// and the plan's names under it.
#include <catch2/catch.hpp>

#include "analyze/plan/plan_knex_source.hpp"

using namespace pgfence::analyze::plan_knex;

TEST_CASE("plan_knex: semver.compare as node-semver orders and refuses") {
    CHECK(semver_compare("2.0.0-beta.11", "2.0.0-beta.38") == -1);   // numbers by value
    CHECK(semver_compare("2.0.0-beta.11.js", "2.0.0-beta.11") == 1);  // more identifiers sort later
    CHECK(semver_compare("2.0.0-beta.11.2.js", "2.0.0-beta.11.js") == -1);  // a number before a word
    CHECK(semver_compare("2.0.0-rc.2", "2.0.0") == -1);             // a prerelease before its release
    CHECK(semver_compare("2.1.85", "2.1.85+b") == 0);               // build metadata is not compared
    CHECK(semver_compare("v2.1.85", "2.1.85") == 0);
    CHECK_FALSE(semver_compare("2.0.0-beta.11_2", "2.0.0"));        // "Invalid Version"
    CHECK_FALSE(semver_compare("2.1.85.js", "2.0.0"));
    CHECK_FALSE(semver_compare("02.1.0", "2.0.0"));
    CHECK_FALSE(semver_compare("2.0.0-beta.011", "2.0.0"));
}

TEST_CASE("plan_knex: the plan's names sort right after the original") {
    // wiki's beta folder, sorted with the .js kept (beta/index.js) or not (migrator-source.js).
    auto beta = semver_names("2.0.0-beta.11.js", 2, {"2.0.0-beta.1.js", "2.0.0-beta.11.js", "2.0.0-beta.38.js", "2.0.0-rc.2.js"});
    CHECK(beta.declined.empty());
    CHECK(beta.names == std::vector<std::string>{"2.0.0-beta.11.pgfence2.js", "2.0.0-beta.11.pgfence3.js"});
    // Releases, whose names are versions only without ".js".
    auto release = semver_names("2.1.85.js", 1, {"2.0.0.js", "2.1.85.js", "2.2.3.js"});
    CHECK(release.names == std::vector<std::string>{"2.1.86-0.2.js"});
    // No room: the next file is the very version a new name would take, or sorts before it.
    auto none = semver_names("2.1.85.js", 1, {"2.1.85.js", "2.1.86-0.1.js", "2.1.86-0.js"});
    CHECK(none.names.empty());
    CHECK(none.declined.find("no version is free") != std::string::npos);
    // A folder whose names are no versions under either reading: no plan.
    CHECK_FALSE(semver_names("2.1.85.js", 1, {"2.1.85.js", "README.md"}).declined.empty());
}
