#include "analyze/rules/policy.hpp"

#include "analyze/rules/common.hpp"

namespace pgfence::analyze::rules {

std::string set_line(const StatementFacts& statement, std::string_view name, std::string_view value) {
    return "SET " + std::string(name) + " = " + std::string(value) + ";";
}

void require_setting(const FileContext& ctx, Sink& sink, const SettingPolicy& policy) {
    bool reported = false;
    for (const auto& s : ctx.file.statements) {
        if (s.status != StatementStatus::Analyzed && s.status != StatementStatus::Unknown) continue;
        const auto& value = s.settings.*policy.field;
        bool set = value.has_value() && duration_ms(*value).value_or(1) != 0;
        if (set) {
            reported = false;
            continue;
        }
        if (reported || !policy.needs(s)) continue;
        const LockFact* lock = existing_lock(s);
        std::string what = lock ? describe_lock(*lock) : std::string("its locks");
        Finding& f = sink.add(s, std::string(policy.name) + " is not set before this statement, which takes " + what +
                                     std::string(policy.why));
        f.relation = lock ? lock->relation : std::string();
        f.fix = "add `" + set_line(s, policy.name, policy.suggested) + "` on a line before line " +
                std::to_string(s.span.start.line);
        reported = true;
    }
}

}  // namespace pgfence::analyze::rules
