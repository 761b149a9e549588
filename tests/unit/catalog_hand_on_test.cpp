// Catalog::hand_on looks only at the relations changed since the last hand_on: what a file made
// is still handed on as the file's (not new, sourced), its temporary tables and their indexes
// are still forgotten, and what earlier files made keeps its source, file after file and in a
// copy of the catalog.
#include <catch2/catch.hpp>

#include <string>
#include <utility>

#include "analyze/model/catalog.hpp"

using namespace pgfence::analyze;

namespace {

const RelationInfo* seen(const Catalog& c, const std::string& name) { return c.find(name); }

}  // namespace

TEST_CASE("hand_on: each file's relations handed on as its own, temporary ones forgotten", "[catalog]") {
    Catalog c;
    c.add("base", "base", "table").is_new = true;
    c.hand_on("0.sql");
    REQUIRE(seen(c, "base") != nullptr);
    CHECK(seen(c, "base")->source == "0.sql");
    CHECK_FALSE(seen(c, "base")->is_new);

    for (int file = 1; file <= 3; ++file) {
        const std::string path = std::to_string(file) + ".sql";
        const std::string table = "t" + std::to_string(file);
        c.add(table, table, "table").is_new = true;
        c.add("tmp", "tmp", "table").temporary = true;
        c.add("tmp_idx", "tmp_idx", "index").index_table = "tmp";
        c.hand_on(path);
        CHECK(seen(c, "tmp") == nullptr);
        CHECK(seen(c, "tmp_idx") == nullptr);
        REQUIRE(seen(c, table) != nullptr);
        CHECK(seen(c, table)->source == path);
        CHECK_FALSE(seen(c, table)->is_new);
        CHECK(seen(c, "base")->source == "0.sql");
    }
    // A relation renamed in a file, and one changed there: handed on too.
    c.rename("t1", "renamed");
    REQUIRE(c.find("t2") != nullptr);
    c.find("t2")->is_new = true;
    c.hand_on("4.sql");
    REQUIRE(seen(c, "renamed") != nullptr);
    CHECK(seen(c, "renamed")->source == "1.sql");
    CHECK_FALSE(seen(c, "t2")->is_new);

    // A copy hands on what is added to it, and leaves the original as it was.
    Catalog copy = c;
    copy.add("t5", "t5", "table").is_new = true;
    copy.hand_on("5.sql");
    CHECK(seen(copy, "t5")->source == "5.sql");
    CHECK(seen(c, "t5") == nullptr);
}
