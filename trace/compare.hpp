#pragma once
// Holding what the lock model predicts for a statement to what the server did: relation by
// relation, strongest mode, storage rewrites, and whether it may run in a transaction block.
// Shared by `pgfence trace` and the conformance suite.
#include <optional>
#include <string>
#include <vector>

#include "analyze/model/facts.hpp"
#include "trace/lock_observer.hpp"

namespace pgfence::trace {

enum class DifferenceKind {
    Unmodelled,          // the analyzer cannot parse it, or its model has no entry
    TransactionBlock,    // the server and the model disagree on running it in BEGIN ... COMMIT
    LockMode,            // the relation was locked, in another mode than predicted
    UnpredictedLock,     // a lock the model did not predict
    MissingLock,         // a predicted lock that was not taken
    UnpredictedRewrite,  // new storage the model did not predict
    MissingRewrite,      // a certain predicted rewrite that did not happen
};

// "lock-mode", "unpredicted-lock", ... (stable: the JSON output carries it).
[[nodiscard]] std::string_view difference_kind_name(DifferenceKind kind);

struct Difference {
    DifferenceKind kind = DifferenceKind::LockMode;
    std::string relation;  // normalised ("public.users"); "" for the statement as a whole
    std::optional<analyze::LockMode> predicted;
    std::optional<analyze::LockMode> observed;
    std::string text;  // one sentence naming the relation and both sides
    // The trace saw more than the model said, and nothing the model said was wrong.
    [[nodiscard]] bool trace_only() const {
        return kind == DifferenceKind::UnpredictedLock || kind == DifferenceKind::UnpredictedRewrite ||
               kind == DifferenceKind::Unmodelled;
    }
};

// One lock as compared (relations other sessions can wait for; TOAST, catalogs and
// session-private relations left out).
struct ComparedLock {
    std::string relation;  // normalised
    analyze::LockMode mode = analyze::LockMode::AccessShare;
    bool granted = true;
    bool is_new = false;  // created by the statement: blocks nobody
};

struct Comparison {
    std::vector<Difference> differences;  // empty: the prediction holds
    std::vector<std::string> uncertain;   // predictions allowed to go either way, and how they went
    std::vector<ComparedLock> observed_locks;
    std::vector<std::string> observed_rewrites;  // normalised names
    std::string predicted;  // "users ACCESS EXCLUSIVE; rewrites users"
    std::string observed;
    [[nodiscard]] bool ok() const { return differences.empty(); }
};

// `outside_transaction`: the server refused the statement inside a transaction block.
[[nodiscard]] Comparison compare(const analyze::StatementFacts& facts, const Observation& observation,
                                 bool outside_transaction);

// "public.users" for `users`, `public.users`, `"public"."users"` and `Public.Users`.
[[nodiscard]] std::string normalise_name(const std::string& written);
// "users" for "public.users"; other schemas kept.
[[nodiscard]] std::string display_name(const std::string& normalised);

}  // namespace pgfence::trace
