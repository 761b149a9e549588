#pragma once
// Recipes spell batched work (a backfill, a purge) as SQL comments: it runs out of band, in a
// loop, not as a migration. The suite runs those very statements, uncommented, with the
// placeholders filled in, in the loop the recipe describes.
#include <map>
#include <string>
#include <vector>

#include "analyze/base/error.hpp"

namespace pgfence::tests::recipes {

// One commented batch statement and how it is repeated.
struct BatchLoop {
    std::string sql;
    // True when it walks a key: ":last_id" starts below the smallest key, becomes the largest
    // value of the first column each batch returns, and the loop ends when a batch returns none.
    // False: it runs until it reports 0 rows (UPDATE 0, DELETE 0).
    bool walks_key = false;
};

// Each UPDATE, DELETE or WITH statement commented out in `step_sql` (the comment lines from
// the one starting with the keyword to the one ending in ';'), in order, with each placeholder
// of `values` replaced; empty when the step has none. An error when a placeholder ("<value>")
// is left unfilled.
[[nodiscard]] analyze::Result<std::vector<BatchLoop>> commented_batches(const std::string& step_sql,
                                                                        const std::map<std::string, std::string>& values);

// `sql` with each placeholder of `values` replaced.
[[nodiscard]] std::string fill_placeholders(std::string sql, const std::map<std::string, std::string>& values);

// The statement with ":last_id" replaced by `last_id`.
[[nodiscard]] std::string with_last_id(const std::string& sql, const std::string& last_id);

}  // namespace pgfence::tests::recipes
