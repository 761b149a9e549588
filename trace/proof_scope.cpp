#include "trace/proof_scope.hpp"

namespace pgfence::trace {
namespace {

constexpr std::string_view k_not_covered_application =
    "application semantics (what the code reads from the rows and does with them, other writes than the scripted ones)";
constexpr std::string_view k_not_covered_data =
    "data shapes the seeded rows do not have (at most 200 rows a table, values from the row number, NULLs in every fifth "
    "nullable value), table sizes and lock waits of production";
constexpr std::string_view k_not_covered_timing =
    "writes interleaved inside a step (the scripted writes run between steps), and other PostgreSQL versions";

}  // namespace

std::string ProofScope::sentence() const {
    std::string out = "proven for: " + postgresql + "; " + execution + "; " + traffic + "; " + release;
    if (!release_between.empty()) out += "; " + release_between;
    out += "; not proven: ";
    for (std::size_t i = 0; i < not_covered.size(); ++i) out += (i == 0 ? "" : "; ") + not_covered[i];
    return out;
}

ProofScope proof_scope(const TracedPlan& plan, std::string_view server_version) {
    ProofScope s;
    s.postgresql = "PostgreSQL " + std::string(server_version.substr(0, server_version.find(' ')));
    s.execution = "each step run as " + (plan.tool.empty() ? std::string("its tool") : plan.tool) +
                  " runs it (in its transaction, or outside one where the step says so; out-of-band steps as written)";
    s.traffic = "the old release's inserts (omitting the columns it does not know), updates and deletes between every two "
                "steps, the new release's from its deploy point on, and a writer and a reader during each migration";
    const int n = static_cast<int>(plan.steps.size());
    s.release = plan.deploy >= n ? "the new release deployed after the last step"
                                 : "the new release deployed after step " + std::to_string(plan.deploy) + " of " + std::to_string(n);
    for (int i = 0; i < n; ++i) {
        const PlanStepTrace& st = plan.steps[static_cast<std::size_t>(i)];
        if (st.release.empty()) continue;
        // Step i+1 is the release: it comes after step i and before step i+2.
        std::string between = i == 0 ? "before step 2" : "between steps " + std::to_string(i) + " and " + std::to_string(i + 2);
        if (i + 1 >= n) between = "after step " + std::to_string(i);
        s.release_between = "your release must come " + between + ", and must " + st.release;
        break;
    }
    s.not_covered = {std::string(k_not_covered_application), std::string(k_not_covered_data), std::string(k_not_covered_timing)};
    return s;
}

std::string shown_verdict(const TracedPlan& plan, std::string_view server_version) {
    if (plan.verdict != "proven") return plan.verdict;
    ProofScope s = proof_scope(plan, server_version);
    if (s.release_between.empty()) return "proven";
    return "proven for the database steps; " + s.release_between;
}

std::string_view rehearsal_covers() {
    return "a rehearsal proves a plan only for the PostgreSQL version it ran on, the steps run as the file's tool runs them, "
           "the scripted traffic of the old and the new release and the release order it was held to; never the "
           "application's semantics or data shapes its seeded rows lack (docs/plans.md, \"What proven covers\")";
}

}  // namespace pgfence::trace
