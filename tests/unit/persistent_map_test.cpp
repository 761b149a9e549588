// PersistentMap (analyze/persistent_map.hpp), the catalog's relations: the same answers as
// std::map under random changes, copies that do not see each other's changes, and a copy that
// costs nothing (a chained run copies the catalog once per file).
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "analyze/model/catalog.hpp"
#include "analyze/base/persistent_map.hpp"

using namespace pgfence::analyze;

namespace {

using Map = PersistentMap<std::string, int>;

std::vector<std::pair<std::string, int>> items(const Map& map) {
    std::vector<std::pair<std::string, int>> out;
    for (const auto& [k, v] : map) out.emplace_back(k, v);
    return out;
}
std::vector<std::pair<std::string, int>> items(const std::map<std::string, int>& map) {
    return {map.begin(), map.end()};
}

}  // namespace

TEST_CASE("PersistentMap: as std::map under random changes, copies independent") {
    std::mt19937 random(7);
    Map map;
    std::map<std::string, int> model;
    std::vector<std::pair<Map, std::map<std::string, int>>> copies;
    for (int step = 0; step < 20000; ++step) {
        const std::string key = "k" + std::to_string(random() % 500);
        switch (random() % 6) {
            case 0: map[key] += 1; model[key] += 1; break;
            case 1: CHECK(map.erase(key) == model.erase(key)); break;
            case 2: CHECK(map.insert_or_assign(key, step) == model.insert_or_assign(key, step).second); break;
            case 3: CHECK(map.emplace(key, step) == model.emplace(key, step).second); break;
            case 4:
                if (int* value = map.get_mut(key)) *value = -step;
                if (auto it = model.find(key); it != model.end()) it->second = -step;
                break;
            default:
                CHECK(map.count(key) == model.count(key));
                CHECK((map.find(key) == map.end()) == (model.find(key) == model.end()));
                if (map.find(key) != map.end()) CHECK(map.find(key)->second == model.at(key));
                break;
        }
        if (step % 997 == 0) copies.emplace_back(map, model);
    }
    CHECK(map.size() == model.size());
    CHECK(items(map) == items(model));
    for (const auto& [copy, as_then] : copies) {
        CHECK(copy.size() == as_then.size());
        CHECK(items(copy) == items(as_then));
    }
    // An iterator from find continues in key order.
    auto it = map.find(model.begin()->first);
    std::size_t seen = 0;
    for (; it != map.end(); ++it) ++seen;
    CHECK(seen == model.size());
}

TEST_CASE("PersistentMap: a change to a copy leaves the original's values alone") {
    Map a;
    for (int i = 0; i < 100; ++i) a[std::to_string(i)] = i;
    Map b = a;
    *b.get_mut("5") = 500;
    b.erase("6");
    b["x"] = 1;
    CHECK(a.at("5") == 5);
    CHECK(a.count("6") == 1);
    CHECK(a.count("x") == 0);
    CHECK(b.at("5") == 500);
    CHECK(b.size() == 100);
}

TEST_CASE("Catalog: a copy shares its relations, and a change through one is not seen in the other") {
    Catalog catalog;
    for (int i = 0; i < 50; ++i) (void)catalog.add("t" + std::to_string(i), "t" + std::to_string(i), "table");
    catalog.mark_existing();
    Catalog copy = catalog;
    copy.find("t7")->kind = "view";
    copy.rename("t8", "u8");
    CHECK(catalog.find("t7")->kind == "table");
    CHECK(catalog.find("t8") != nullptr);
    CHECK(catalog.find("u8") == nullptr);
    CHECK(copy.find("u8") != nullptr);
    CHECK(std::as_const(copy).find("t9") == std::as_const(catalog).find("t9"));  // shared until changed
}

TEST_CASE("Catalog: copying one of 200,000 relations costs no more than copying one of 2,000") {
    // Each file of a chained run starts from a copy of the catalog the one before it left: a
    // copy that cost the whole schema made a history of n files cost n squared.
    auto time_copies = [](int relations) {
        Catalog catalog;
        for (int i = 0; i < relations; ++i) (void)catalog.add("t" + std::to_string(i), "t" + std::to_string(i), "table");
        catalog.hand_on("history.sql");  // as a chained run leaves it for the next file
        auto start = std::chrono::steady_clock::now();
        for (int k = 0; k < 200; ++k) {
            Catalog copy = catalog;
            (void)copy.add("new" + std::to_string(k), "new", "table");
        }
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    const double small = time_copies(2000);
    const double large = time_copies(200000);
    // Linear copies: about 100 times; path copying: a few times (log n), plus noise.
    CHECK(large < 20 * small + 0.05);
}
