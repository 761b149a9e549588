#pragma once
// Comparing what the lock model predicts for a statement with what the server did.
#include <string>
#include <vector>

#include "analyze/facts.hpp"
#include "trace/lock_observer.hpp"

namespace pgfence::tests::conformance {

struct Verdict {
    std::vector<std::string> problems;   // each one a mismatch; empty means the case passes
    std::vector<std::string> uncertain;  // predictions allowed to go either way, and how they went
    std::string predicted;               // "users ACCESS EXCLUSIVE; rewrites: users"
    std::string observed;
    [[nodiscard]] bool ok() const { return problems.empty(); }
};

// `outside_transaction`: the server refused the statement inside a transaction block.
[[nodiscard]] Verdict compare(const analyze::StatementFacts& facts, const trace::Observation& observation,
                              bool outside_transaction);

// "public.users" for both `users` and `public.users` and `"public"."users"`.
[[nodiscard]] std::string normalise_name(const std::string& written);

}  // namespace pgfence::tests::conformance
