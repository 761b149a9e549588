#include "analyze/rules/policy.hpp"

#include "analyze/rules/common.hpp"
#include "analyze/rules/edits.hpp"

namespace pgfence::analyze::rules {

std::string set_line(const StatementFacts& statement, std::string_view name, std::string_view value) {
    return "SET " + std::string(name) + " = " + std::string(value) + ";";
}

bool slow_under_lock(const StatementFacts& s) {
    return blocks_traffic(s) && (!s.rewrites.empty() || !s.scans.empty());
}

std::string duration_text(long ms) {
    if (ms > 0 && ms % 3600000 == 0) return std::to_string(ms / 3600000) + "h";
    if (ms > 0 && ms % 60000 == 0) return std::to_string(ms / 60000) + "min";
    if (ms > 0 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

void require_setting(const FileContext& ctx, Sink& sink, const SettingPolicy& policy) {
    bool reported = false;
    for (const auto& s : ctx.file.statements) {
        if (s.status != StatementStatus::Analyzed && s.status != StatementStatus::Unknown) continue;
        const auto& value = (*s.settings).*policy.field;
        // A value of 0 (no limit) is set all the same: lock-timeout-zero and
        // statement-timeout-too-long say what it does, in their own words.
        bool set = value.has_value();
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
        if (policy.offer_edit) {
            if (auto edit = line_above(ctx.text, s, set_line(s, policy.name, policy.suggested), "add SET " + std::string(policy.name))) {
                f.edit = std::move(*edit);
            }
        }
        reported = true;
    }
}

}  // namespace pgfence::analyze::rules
