// migration_before must be a strict weak ordering for any names (std::sort and stable_sort are
// undefined otherwise): irreflexive, asymmetric, transitive, over hostile random paths.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "analyze/migrations/migration_order.hpp"

using namespace pgfence::analyze;

TEST_CASE("migration_before is a strict weak ordering for any names", "[order]") {
    const std::vector<std::string> atoms = {"0", "1", "9", "01", "10", ".", "_", "-", "__", "V", "v", "R", "r", "U",
                                            "a", "b", "up.sql", "down.sql", ".up.sql", ".down.sql", ".sql", "/", "sql",
                                            "migration.sql", "up", "down", "00"};
    std::mt19937 rng(42);
    std::vector<std::string> names;
    for (int i = 0; i < 400; ++i) {
        std::string name = rng() % 2 ? "m/" : "";
        for (int k = static_cast<int>(1 + rng() % 5); k > 0; --k) name += atoms[rng() % atoms.size()];
        names.push_back(name);
    }
    for (const auto& a : names) {
        REQUIRE_FALSE(migration_before(a, a));
        for (const auto& b : names) {
            bool ab = migration_before(a, b);
            if (ab) REQUIRE_FALSE(migration_before(b, a));
        }
    }
    for (const auto& a : names) {
        for (const auto& b : names) {
            if (!migration_before(a, b)) continue;
            for (const auto& c : names) {
                if (migration_before(b, c) && !migration_before(a, c)) FAIL(a << " < " << b << " < " << c << " but not " << a << " < " << c);
                // incomparability is transitive: a < b and c incomparable to both cannot be
                bool c_free = !migration_before(a, c) && !migration_before(c, a) && !migration_before(b, c) && !migration_before(c, b);
                if (c_free) FAIL(c << " incomparable to both " << a << " and " << b);
            }
        }
    }
}
