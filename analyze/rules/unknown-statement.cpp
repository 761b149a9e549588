#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    const StatementFacts& s = ctx.statement;
    if (s.status != StatementStatus::Unknown) return;
    std::string what = s.tag.empty() ? std::string(s.kind) : s.tag;
    std::string detail;
    // What made it unknown, before a note that only says a function's locks are not seen.
    for (const auto& n : s.notes) {
        if (n.starts_with("not visible to static analysis: ")) {
            detail = ": " + n;
            break;
        }
    }
    for (const auto& n : s.notes) {
        if (!detail.empty()) break;
        if (n.find("not visible") != std::string::npos || n.find("not in the lock model") != std::string::npos ||
            n.find("does not parse") != std::string::npos) {
            detail = ": " + n;
            break;
        }
    }
    Finding& f = sink.add(s, what + " is not fully known to the lock model, so its locks are not shown" + detail);
    f.fix = "review its locks by hand (or run `pgfence trace`), then suppress with `-- pgfence-ignore: unknown-statement` "
            "(added by a pull request, a suppression does not lift governance: that needs an exemption from the service)";
}

}  // namespace

PGFENCE_RULE(unknown_statement) {
    return Rule{"unknown-statement", Risk::Medium, "A statement whose locks pgfence cannot see is never reported as safe",
                check, nullptr, true, "meta"};
}

}  // namespace pgfence::analyze::rules
