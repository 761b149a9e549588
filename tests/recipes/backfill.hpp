#pragma once
// Recipes spell a batched backfill as SQL comments (it runs out of band, in a loop, not as a
// migration). The suite runs that very UPDATE, uncommented, with the placeholders filled in.
#include <map>
#include <string>

#include "analyze/error.hpp"

namespace pgfence::tests::recipes {

// The UPDATE commented out in `step_sql` (the comment lines from "-- UPDATE" to the one
// ending in ';'), with each placeholder of `values` replaced; "" when the step has none. An
// error when a placeholder ("<value>") is left unfilled.
[[nodiscard]] analyze::Result<std::string> commented_update(const std::string& step_sql,
                                                            const std::map<std::string, std::string>& values);

}  // namespace pgfence::tests::recipes
