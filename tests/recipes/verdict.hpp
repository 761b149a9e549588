#pragma once
// Holding one executed recipe statement to what the analyzer predicted for it: every lock
// it took no stronger than predicted, no relation locked that was not predicted, no table
// rewritten unless predicted.
#include <string>
#include <vector>

#include "analyze/model/facts.hpp"
#include "tests/recipes/observe.hpp"
#include "trace/compare.hpp"

namespace pgfence::tests::recipes {

using trace::normalise_name;  // "public.users" for `users`, `public.users` and `"public"."users"`

// One way a statement went beyond its prediction.
struct Mismatch {
    std::string relation;  // normalised name ("public.users"); "" for the statement as a whole
    std::string text;      // a sentence naming the relation and both modes
};

// The mismatches; empty when the statement kept to its prediction.
//  - Tables, views, materialized views, foreign tables: exact relation, mode <= predicted.
//  - Indexes: <= their own prediction if there is one, else <= what is predicted for their
//    table (an index lock stronger than that would block queries the table lock lets through).
//  - Sequences and TOAST tables go with their owner and are not compared.
[[nodiscard]] std::vector<Mismatch> judge(const analyze::StatementFacts& facts, const StatementRun& run);

// "users ACCESS EXCLUSIVE, orders ROW SHARE; rewrites users" for the report.
[[nodiscard]] std::string describe_prediction(const analyze::StatementFacts& facts);
[[nodiscard]] std::string describe_run(const StatementRun& run);

}  // namespace pgfence::tests::recipes
