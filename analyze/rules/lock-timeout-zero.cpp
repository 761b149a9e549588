#include "analyze/rules/common.hpp"
#include "analyze/rules/policy.hpp"

namespace pgfence::analyze::rules {
namespace {

// lock_timeout = 0 is PostgreSQL's "no limit": the statement waits for its lock as long as it
// takes, and every query behind it in the lock queue waits with it.
void check(const FileContext& ctx, Sink& sink) {
    std::optional<std::string> reported;  // one finding per SET, at the first statement it exposes
    for (const auto& s : ctx.file.statements) {
        if (s.status != StatementStatus::Analyzed && s.status != StatementStatus::Unknown) continue;
        const auto& value = s.settings->lock_timeout;
        if (!value || duration_ms(*value).value_or(1) != 0) {
            reported.reset();
            continue;
        }
        if (reported == value || !blocks_traffic(s)) continue;
        const LockFact* lock = existing_lock(s);
        Finding& f = sink.add(s, "lock_timeout is " + *value + ", which turns the timeout off, before a statement that takes " +
                                     (lock ? describe_lock(*lock) : std::string("a blocking lock")) +
                                     ": it waits for that lock as long as it takes, and every query behind it waits too");
        f.relation = lock ? lock->relation : std::string();
        f.fix = "set a limit instead: `" + set_line(s, "lock_timeout", "'2s'") + "` before line " +
                std::to_string(s.span.start.line) + ", and retry the migration when it gives up";
        reported = value;
    }
}

}  // namespace

PGFENCE_RULE(lock_timeout_zero) {
    return Rule{"lock-timeout-zero", Risk::Medium,
                "lock_timeout = 0 turns the timeout off: a waiting lock queues traffic for as long as it waits", nullptr,
                check, true, "policy"};
}

}  // namespace pgfence::analyze::rules
