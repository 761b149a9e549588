#pragma once
// `pgfence trace FILES...`: runs the migrations on a throwaway PostgreSQL and reports, per
// statement, whether the static analysis was right (README "Trace mode").
// Exit codes: 0 done (with --ci: every statement confirmed, trace-only or static-only);
// 1 with --ci, a mismatch or a statement the server rejected; 2 usage or input error, or
// the server could not be started.
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "analyze/model/facts.hpp"

namespace pgfence::bot {

// `args[0]` is "trace".
[[nodiscard]] int run_trace(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The oracle's verdict on one file's plan (--plan), for `pr --trace` to put beside the plan.
struct PlanRehearsal {
    std::string path;     // the original file, as given to trace
    std::string verdict;  // "proven", "differs", "unchecked", "declined"
    std::string reason;
    int rescued = 0;      // proven: writes the file would refuse that the plan let through
    std::string server_version;
    std::string label;  // the verdict as shown: "proven", or "proven for the database steps; your release must ..."
    std::string scope;  // "proven for: ...; not proven: ..." (trace/proof_scope.hpp)
};

// The same, with every prediction passed through `tamper` before it is compared (only the
// test build's pgfence_trace_inject uses it, to prove a wrong model is caught), and the plans'
// verdicts added to `rehearsals` when it is given. `copy`, when set, is the folder pgfence made
// for the files it traces (`pr --trace`'s copy of the head commit): they are read only inside it,
// as a checkout's are in CI (untrusted_checkout), and run from its top (AnalyzeOptions::run_folder).
// With a `copy` no configuration is looked for: `tool` is the configuration's (pr's own).
[[nodiscard]] int run_trace(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                            std::function<void(analyze::StatementFacts&)> tamper,
                            std::vector<PlanRehearsal>* rehearsals = nullptr, const std::string& copy = {},
                            const std::string& tool = {});

}  // namespace pgfence::bot
