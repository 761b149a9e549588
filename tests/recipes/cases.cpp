#include "tests/recipes/cases.hpp"

namespace pgfence::tests::recipes {
namespace {

std::vector<RecipeCase> build() {
    std::vector<RecipeCase> cases;
    add_column_cases(cases);
    add_constraint_cases(cases);
    add_object_cases(cases);
    add_data_cases(cases);
    add_transaction_cases(cases);
    return cases;
}

}  // namespace

const std::vector<RecipeCase>& recipe_cases() {
    static const std::vector<RecipeCase> cases = build();
    return cases;
}

}  // namespace pgfence::tests::recipes
