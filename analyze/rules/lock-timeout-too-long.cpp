#include "analyze/rules/common.hpp"
#include "analyze/rules/policy.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const FileContext& ctx, Sink& sink) {
    std::optional<std::string> reported;
    for (const auto& s : ctx.file.statements) {
        if (!s.settings->lock_timeout || !blocks_traffic(s)) continue;
        auto ms = duration_ms(*s.settings->lock_timeout);
        if (!ms || *ms <= ctx.options.max_lock_timeout_ms || reported == s.settings->lock_timeout) continue;
        const LockFact* lock = existing_lock(s);
        Finding& f = sink.add(s, "lock_timeout is " + *s.settings->lock_timeout + ", above the allowed " +
                                     std::to_string(ctx.options.max_lock_timeout_ms) + "ms, before a statement that takes " +
                                     (lock ? describe_lock(*lock) : std::string("a blocking lock")));
        f.fix = "lower it: `SET lock_timeout = '" + std::to_string(ctx.options.max_lock_timeout_ms) + "ms';` before line " +
                std::to_string(s.span.start.line);
        reported = s.settings->lock_timeout;
    }
}

}  // namespace

PGFENCE_RULE(lock_timeout_too_long) {
    return Rule{"lock-timeout-too-long", Risk::Medium,
                "lock_timeout above the configured maximum lets a waiting lock queue traffic too long", nullptr, check,
                true, "policy"};
}

}  // namespace pgfence::analyze::rules
