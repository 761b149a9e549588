#pragma once
// The common patterns whose recipes are rehearsed: a migration statement that raises the
// rule, and what the database must look like once the recipe has run.
#include <map>
#include <string>
#include <vector>

namespace pgfence::tests::recipes {

// SQL the test runs itself after a recipe step, where the recipe leaves work to the user
// (a backfill the recipe does not spell out, traffic from the application).
struct Hook {
    int after_step = 0;  // 0-based index of the recipe step it follows
    std::string why;
    std::string sql;
};

// A query returning one row with one boolean column: true when the state is as intended.
struct Expectation {
    std::string what;
    std::string sql;
    int after_step = -1;  // -1: after the whole recipe; else right after that step
};

struct RecipeCase {
    std::string rule;       // the rule whose recipe is rehearsed
    std::string statement;  // the migration the rule objects to
    // Values for the placeholders of the recipe's commented backfill ("<value>" -> "false").
    std::map<std::string, std::string> placeholders;
    std::vector<Hook> hooks;
    std::vector<Expectation> expectations;
};

[[nodiscard]] const std::vector<RecipeCase>& recipe_cases();

}  // namespace pgfence::tests::recipes
