// FewMap (analyze/few_map.hpp): a catalog relation's rarely used maps and sets, one pointer
// until they hold something, read and changed as the container they stand for.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

#include "analyze/model/catalog.hpp"
#include "analyze/base/few_map.hpp"

using namespace pgfence::analyze;

TEST_CASE("FewMap: empty costs a pointer, and reads, finds, inserts and erases as its container") {
    FewMap<std::map<std::string, std::string>> m;
    STATIC_REQUIRE(sizeof(m) == sizeof(void*));
    CHECK(m.empty());
    CHECK(m.size() == 0);
    CHECK(m.find("a") == m.end());
    CHECK(m.count("a") == 0);
    CHECK(m.erase("a") == 0);
    int visited = 0;
    for (auto& entry : m) visited += static_cast<int>(entry.first.size());
    CHECK(visited == 0);
    m["a"] = "1";
    m.emplace("b", "2");
    CHECK(m.size() == 2);
    CHECK(m.find("a")->second == "1");
    CHECK(m.at("b") == "2");
    // Copies are deep; a node moves between keys (ALTER TRIGGER ... RENAME).
    auto copy = m;
    copy["a"] = "changed";
    CHECK(m.at("a") == "1");
    if (auto node = m.extract("b")) {
        node.key() = "c";
        m.insert(std::move(node));
    }
    CHECK(m.count("b") == 0);
    CHECK(m.at("c") == "2");
    CHECK(erase_if(m, [](const auto& entry) { return entry.second == "1"; }) == 1);
    const std::map<std::string, std::string>& as_map = m;
    CHECK(as_map == std::map<std::string, std::string>{{"c", "2"}});
    FewMap<std::set<std::string>> none;
    CHECK(none.extract("x").empty());
}

TEST_CASE("a relation keeps its empty lists and maps as a pointer each") {
    // 16 of them (policies the 16th): kept for every index a migration creates (issue #32, long inputs).
    // 608: a sequence's type and columns_nullable (issue #53) took the bools' last padding and 8 bytes more.
    // 616: grantees (red team R69 C11), one pointer while empty.
    STATIC_REQUIRE(sizeof(RelationInfo) <= 616);
    Catalog catalog;
    RelationInfo& t = catalog.add("t", "t", "table");
    CHECK(t.foreign_keys.empty());
    CHECK(t.children.empty());
    t.children.push_back("p1");
    t.triggers["trg"] = "f";
    RelationInfo copy = t;
    CHECK(copy.children.size() == 1);
    CHECK(copy.triggers.at("trg") == "f");
}
