// psql's variable interpolation (analyze/parse/psql_variables.hpp, red team R68 B24): the `:name`
// psql replaces outside quotes, comments and dollar quotes, as src/bin/psql/psqlscan.l reads them.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyze/parse/psql_variables.hpp"

using pgfence::analyze::psql_variable_uses;

namespace {

std::vector<std::string> written(std::string_view text) {
    std::vector<std::string> out;
    for (const auto& use : psql_variable_uses(text)) out.push_back(use.written);
    return out;
}

}  // namespace

TEST_CASE("psql variables: the three forms, in an array slice and as values") {
    CHECK(written("SELECT (ARRAY[1,2,3])[1:LAST_ERROR_MESSAGE] FROM t;") == std::vector<std::string>{":LAST_ERROR_MESSAGE"});
    CHECK(written("SELECT :'name', :\"col\" FROM :tbl;") == std::vector<std::string>{":'name'", ":\"col\"", ":tbl"});
    const auto uses = psql_variable_uses("SELECT a[lo:hi]");
    REQUIRE(uses.size() == 1);
    CHECK(uses[0].offset == 11);
    CHECK(uses[0].name == "hi");
}

TEST_CASE("psql variables: none in casts, quotes, comments, dollar quotes, named arguments or digit slices") {
    CHECK(written("SELECT 1::int, x::text[]").empty());
    CHECK(written("SELECT ':a', E'\\':b', \":c\", U&':d'").empty());
    CHECK(written("SELECT 1; -- :a\n/* :b /* :c */ :d */ SELECT 2").empty());
    CHECK(written("DO $$ BEGIN PERFORM :a; END $$; DO $body$ :b $body$").empty());
    CHECK(written("SELECT f(x := 1), (ARRAY[1,2])[1:2], $1").empty());
    CHECK(written("\\set x 1\nSELECT 1").empty());  // a meta-command's line is psql's own
}

TEST_CASE("psql variables: a dollar quote ends where its tag comes again, and SQL goes on after it") {
    CHECK(written("SELECT $a$ :x $a$, a[1:n]") == std::vector<std::string>{":n"});
    CHECK(written("SELECT foo$bar, a[1:n]") == std::vector<std::string>{":n"});  // $ inside an identifier
}
