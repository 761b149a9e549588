#include "analyze/rules/common.hpp"
#include "analyze/rules/policy.hpp"

namespace pgfence::analyze::rules {
namespace {

// statement_timeout above the allowed maximum (or 0, no limit) before a statement that
// rewrites or reads a whole table under a lock that blocks traffic: the table is unavailable
// for as long as the timeout lets the statement run.
void check(const FileContext& ctx, Sink& sink) {
    const long max = ctx.options.max_statement_timeout_ms;
    std::optional<std::string> reported;
    for (const auto& s : ctx.file.statements) {
        if (s.status != StatementStatus::Analyzed && s.status != StatementStatus::Unknown) continue;
        const auto& value = s.settings->statement_timeout;
        auto ms = value ? duration_ms(*value) : std::nullopt;
        if (!ms || (*ms != 0 && *ms <= max)) {
            reported.reset();
            continue;
        }
        if (reported == value || !slow_under_lock(s)) continue;
        const LockFact* lock = existing_lock(s);
        std::string what = lock ? describe_lock(*lock) : std::string("a blocking lock");
        std::string said = *ms == 0 ? "statement_timeout is " + *value + ", which turns the timeout off,"
                                    : "statement_timeout is " + *value + ", above the allowed " + duration_text(max) + ",";
        Finding& f = sink.add(s, said + " before a statement that takes " + what +
                                     " and rewrites or scans the table while holding it: the table is unavailable for " +
                                     (*ms == 0 ? std::string("as long as the statement runs") : "up to " + *value));
        f.relation = lock ? lock->relation : std::string();
        f.fix = "bound it: `" + set_line(s, "statement_timeout", "'" + duration_text(max) + "'") + "` before line " +
                std::to_string(s.span.start.line) + ", or use the statement's form that does not block traffic";
        reported = value;
    }
}

}  // namespace

PGFENCE_RULE(statement_timeout_too_long) {
    return Rule{"statement-timeout-too-long", Risk::Low,
                "statement_timeout above the configured maximum (or 0) lets a rewrite or scan block traffic that long",
                nullptr, check, true, "policy"};
}

}  // namespace pgfence::analyze::rules
