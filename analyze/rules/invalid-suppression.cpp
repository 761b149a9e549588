#include "analyze/rules/suppressions.hpp"

namespace pgfence::analyze::rules {

// Raised by the engine (engine.cpp): a pgfence-ignore comment whose fields after the second
// `--` cannot be read. It hides nothing: an expiry that cannot be read cannot be honoured.
void report_invalid_suppression(const Suppression& s, Sink& sink) {
    std::string problems;
    for (const auto& p : s.fields.problems) problems += (problems.empty() ? "" : "; ") + p;
    Finding& f = sink.add_at(s.where, s.where_end,
                             std::string(marker(s)) + " of " + rule_list(s) + " is malformed and hides nothing: " + problems);
    f.fix = "write the fields after the second `--` as reason=\"...\" owner=@login until=YYYY-MM-DD, or as free text without any key=";
    if (s.statement >= 0) f.statement = s.statement;
}

PGFENCE_RULE(invalid_suppression) {
    return Rule{"invalid-suppression", Risk::Low, "A pgfence-ignore comment with a malformed reason, owner or until field",
                nullptr, nullptr, true, "meta"};
}

}  // namespace pgfence::analyze::rules
