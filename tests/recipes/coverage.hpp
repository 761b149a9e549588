#pragma once
// Which rules need a case here: every rule whose findings carry a recipe, decided by the
// analyzer itself on the rules' golden cases (tests/rules/<id>/*.sql, read with their
// "-- pgfence-test:" setup line as the unit tests read them), not by a list kept by hand.
#include <set>
#include <string>

namespace pgfence::tests::recipes {

// Rule ids with at least one finding that has a recipe, over every golden case under
// `rules_dir`; each case is analysed alone, as the golden test analyses it.
[[nodiscard]] std::set<std::string> rules_with_recipes(const std::string& rules_dir);

}  // namespace pgfence::tests::recipes
