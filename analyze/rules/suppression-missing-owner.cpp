#include "analyze/rules/suppressions.hpp"

namespace pgfence::analyze::rules {

// Raised by the engine (engine.cpp) when this rule is on ([policies] suppression_owner = true):
// a pgfence-ignore comment without a reason or an owner hides nothing.
void report_suppression_missing_owner(const Suppression& s, Sink& sink) {
    bool no_reason = s.fields.reason.empty(), no_owner = s.fields.owner.empty();
    std::string missing = no_reason && no_owner ? "a reason and an owner" : no_reason ? "a reason" : "an owner";
    Finding& f = sink.add_at(s.where, s.where_end,
                             std::string(marker(s)) + " of " + rule_list(s) + " has no " +
                                 (no_reason && no_owner ? "reason and no owner" : no_reason ? "reason" : "owner") +
                                 ", which the suppression_owner policy requires: it hides nothing");
    std::string ids = s.ids.empty() ? "" : ": " + [&] {
        std::string list;
        for (const auto& id : s.ids) list += (list.empty() ? "" : ", ") + id;
        return list;
    }();
    f.fix = "give it " + missing + " after a second `--`: -- " + std::string(marker(s)) +
            ids + " -- reason=\"...\" owner=@login";
    if (s.statement >= 0) f.statement = s.statement;
}

PGFENCE_RULE(suppression_missing_owner) {
    return Rule{"suppression-missing-owner", Risk::Low,
                "A pgfence-ignore comment without the reason and owner the suppression_owner policy requires", nullptr,
                nullptr, false, "meta", SizeWork::none, "suppression_owner"};
}

}  // namespace pgfence::analyze::rules
