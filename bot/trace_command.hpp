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

#include "analyze/facts.hpp"

namespace pgfence::bot {

// `args[0]` is "trace".
[[nodiscard]] int run_trace(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The same, with every prediction passed through `tamper` before it is compared: only the
// test build's pgfence_trace_inject uses it, to prove a wrong model is caught.
[[nodiscard]] int run_trace(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                            std::function<void(analyze::StatementFacts&)> tamper);

}  // namespace pgfence::bot
