#include "analyze/rules/suppressions.hpp"

namespace pgfence::analyze::rules {

// Raised by the engine (engine.cpp): a suppression written as the original pgfence wrote it
// (`-- pgfence: ignore id`, or one of its rule ids). It works as today's form does; this one
// note says how to write it now, in place of an unknown-rule and a matched-nothing finding.
void report_old_suppression_syntax(const Suppression& s, Sink& sink) {
    std::string what = s.old_syntax ? "the original pgfence's syntax" : "";
    if (!s.old_ids.empty()) {
        std::string ids;
        for (const auto& id : s.old_ids) ids += (ids.empty() ? "" : ", ") + id;
        what += std::string(what.empty() ? "" : " and ") + "its rule id" + (s.old_ids.size() > 1 ? "s " : " ") + ids;
    }
    std::string message = "old pgfence-ignore form (" + what + "): ";
    if (s.retired_only) {
        message += "pgfence reports no finding of " + std::string(s.old_ids.size() > 1 ? "these rules" : "this rule") +
                   ", so the comment hides nothing";
    } else {
        message += "it still hides its findings; write it as " + todays_form(s);
    }
    if (!s.used && !s.retired_only && s.state == SuppressionState::active) {
        message += ", though it matched nothing on ";
        message += s.statement == -1 ? "this file" : s.statement == -2 ? "any statement (none follows it)" : "the statement after it";
    }
    Finding& f = sink.add_at(s.where, s.where_end, std::move(message));
    f.fix = s.retired_only ? "delete the comment" : "write it as " + todays_form(s);
    if (s.statement >= 0) f.statement = s.statement;
}

PGFENCE_RULE(old_suppression_syntax) {
    return Rule{"old-suppression-syntax", Risk::Low,
                "A suppression in the original pgfence's form (`-- pgfence: ignore`, or an old rule id): it works, written the old way",
                nullptr, nullptr, true, "meta"};
}

}  // namespace pgfence::analyze::rules
