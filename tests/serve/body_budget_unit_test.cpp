// The budget of webhook bodies held before their signature is checked (serve/body_budget.hpp).
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "serve/body_budget.hpp"

using namespace pgfence::serve;
using namespace std::chrono_literals;

TEST_CASE("body budget: what is taken is given back, and never more than the whole", "[serve]") {
    BodyBudget budget(10);
    const auto soon = std::chrono::steady_clock::now() + 50ms;
    CHECK(budget.take(6, soon));
    CHECK_FALSE(budget.take(5, soon));  // 4 left: waits, then gives up
    CHECK(budget.take(4, soon));
    CHECK(budget.in_use() == 10);
    budget.give_back(6);
    CHECK(budget.take(5, std::chrono::steady_clock::now() + 50ms));
    CHECK_FALSE(budget.take(11, std::chrono::steady_clock::now() + 1s));  // more than the whole: at once
    CHECK(budget.in_use() == 9);
}

TEST_CASE("body budget: a request's share is its own first 256 KiB, the rest drawn and given back", "[serve]") {
    BodyBudget budget(k_free_body_bytes);
    {
        BodyShare share(budget, 10ms);
        CHECK(share.cover(k_free_body_bytes));  // within its own part: nothing drawn
        CHECK(budget.in_use() == 0);
        CHECK(share.cover(k_free_body_bytes + 100));
        CHECK(budget.in_use() == 100);
        CHECK(share.cover(2 * k_free_body_bytes));
        CHECK(budget.in_use() == k_free_body_bytes);
        BodyShare other(budget, 10ms);
        CHECK(other.cover(k_free_body_bytes));
        CHECK_FALSE(other.cover(k_free_body_bytes + 1));  // the budget is spent
    }
    CHECK(budget.in_use() == 0);  // both shares ended
}

TEST_CASE("body budget: a waiting request gets its turn when others give back, first come first served", "[serve]") {
    BodyBudget budget(100);
    REQUIRE(budget.take(100, std::chrono::steady_clock::now()));
    std::atomic<bool> large_taken = false;
    std::thread large([&] { large_taken = budget.take(90, std::chrono::steady_clock::now() + 5s); });
    std::this_thread::sleep_for(50ms);
    budget.give_back(20);
    // The large request waits first: a small one behind it does not overtake it.
    CHECK_FALSE(budget.take(10, std::chrono::steady_clock::now() + 50ms));
    budget.give_back(80);
    large.join();
    CHECK(large_taken);
    CHECK(budget.in_use() == 90);
    CHECK(budget.take(10, std::chrono::steady_clock::now() + 50ms));  // an abandoned turn holds nobody up
}
