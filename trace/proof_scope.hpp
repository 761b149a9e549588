#pragma once
// What a plan's verdict covers (docs/plans.md, "What proven covers"), said wherever a verdict is
// shown (issue #54, section 4): the text and JSON reports of trace --plan, the pull-request
// comment; and, where no rehearsal ran, what one would cover (analyze's notes, the plan folder's
// README, the LSP's plan).
#include <string>
#include <string_view>
#include <vector>

#include "trace/verdict.hpp"

namespace pgfence::trace {

struct ProofScope {
    std::string postgresql;  // "PostgreSQL 15.20"
    std::string execution;   // how the steps ran: as the file's tool runs them
    std::string traffic;     // the scripted releases' writes, and the rehearsal's writer and reader
    std::string release;     // the release order the oracle held the plan to
    // A release step between two migrations: "your release must come between steps 1 and 3 ...";
    // "" when the plan has none. A plan with one is proven for its database steps only.
    std::string release_between;
    std::vector<std::string> not_covered;  // what no rehearsal proves
    // "proven for: ...; not proven: ..." on one line.
    [[nodiscard]] std::string sentence() const;
};

// The scope of `plan`'s rehearsal on a server of `server_version` ("15.20 (Debian ...)").
[[nodiscard]] ProofScope proof_scope(const TracedPlan& plan, std::string_view server_version);

// The verdict as shown: "proven", or "proven for the database steps; your release must come
// between steps N and N+1, and must ..." for a plan with a release between its steps.
[[nodiscard]] std::string shown_verdict(const TracedPlan& plan, std::string_view server_version);

// Where no server ran the plan: what a rehearsal would prove, and what it would not.
[[nodiscard]] std::string_view rehearsal_covers();

}  // namespace pgfence::trace
