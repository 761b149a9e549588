#pragma once
// The patterns whose recipes are rehearsed: a migration that raises the rule, what the
// database must look like once the recipe has run, and the application's traffic meanwhile.
// Every rule whose findings carry a recipe has at least one case (main.cpp checks it).
#include <map>
#include <string>
#include <vector>

#include "tests/recipes/traffic.hpp"

namespace pgfence::tests::recipes {

// SQL the test runs itself after a recipe step, where the recipe leaves work to the user
// (a backfill the recipe does not spell out, the statements a later migration holds).
struct Hook {
    int after_step = 0;  // 0-based index of the recipe step it follows
    std::string why;
    std::string sql;
};

// A query returning one row with one boolean column: true when the state is as intended.
// "{inserted}" in it is the number of rows the writer inserted.
struct Expectation {
    std::string what;
    std::string sql;
    int after_step = -1;  // -1: after the whole recipe; else right after that step
};

// The application deployed anew before a step, as the recipe asks (code that writes the new
// column, that no longer uses the old name).
struct TrafficChange {
    int before_step = 0;
    std::string why;
    TrafficSql sql;
};

struct RecipeCase {
    std::string rule{};       // the rule whose recipe is rehearsed
    std::string variant{};    // tells two cases of one rule apart; "" for the only one
    std::string statement{};  // the migration the rule objects to
    // Run before the recipe, unobserved, and read as history with schema.sql: an object the
    // statement names, or data that makes the case bite.
    std::string setup{};
    // The recipe goes in the statement's own migration, after it ("Same migration"): the
    // statement runs first, unobserved.
    bool statement_first = false;
    // Values for the placeholders the recipe asks the user to fill, in its SQL and its commented
    // backfill ("<value>" -> "false", "partition_key" -> "created_at").
    std::map<std::string, std::string> placeholders{};
    std::vector<Hook> hooks{};
    std::vector<Expectation> expectations{};
    TrafficSql traffic{};  // the application's statements from the start
    std::vector<TrafficChange> traffic_changes{};
    // Steps not run, with why: an alternative to an earlier step ("or, out of band, ...").
    std::map<int, std::string> skipped_steps{};
};

[[nodiscard]] const std::vector<RecipeCase>& recipe_cases();

// The cases, by the kind of change (cases_*.cpp).
void add_column_cases(std::vector<RecipeCase>& cases);
void add_constraint_cases(std::vector<RecipeCase>& cases);
void add_object_cases(std::vector<RecipeCase>& cases);
void add_data_cases(std::vector<RecipeCase>& cases);
void add_transaction_cases(std::vector<RecipeCase>& cases);

}  // namespace pgfence::tests::recipes
