#include "analyze/rules/suppressions.hpp"

namespace pgfence::analyze::rules {

// Raised by the engine (engine.cpp): a pgfence-ignore comment past its until= date. It hides
// nothing, so what it hid is reported again beside this.
void report_expired_suppression(const Suppression& s, Sink& sink) {
    std::string owner = s.fields.owner.empty() ? "no owner" : "owner " + s.fields.owner;
    Finding& f = sink.add_at(s.where, s.where_end,
                             std::string(marker(s)) + " of " + rule_list(s) + " (" + owner + ") expired after " +
                                 format_civil_date(*s.fields.until) + ": what it hid is reported again");
    f.fix = "fix what it hid, or have its owner review it and set a later until=";
    if (s.statement >= 0) f.statement = s.statement;
}

PGFENCE_RULE(expired_suppression) {
    return Rule{"expired-suppression", Risk::Low, "A pgfence-ignore comment whose until= date has passed", nullptr,
                nullptr, true, "meta"};
}

}  // namespace pgfence::analyze::rules
