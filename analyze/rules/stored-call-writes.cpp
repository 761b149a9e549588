// A statement stores a call of a function whose body writes or runs DDL into an object the
// application already uses (a view's query, a column's or domain's DEFAULT, a CHECK, a generated
// column, an index expression, a trigger, a rule, a policy, a cast, an operator, an aggregate):
// from the moment it commits, the application's reads or writes run those writes. No lock of the
// migration shows it. The facts come from stored_calls.cpp (a note on the statement).
#include <string>

#include "analyze/rules/rule.hpp"
#include "analyze/model/stored_calls.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    for (const std::string& note : ctx.statement.notes) {
        if (!note.starts_with(k_stored_write_note)) continue;
        Finding& f = sink.add(ctx.statement, note.substr(k_stored_write_note.size()));
        f.fix = "do not call a function that writes from an object the application reads or writes; run the writes "
                "once in the migration instead, or review the function's body and ship it with the application code that "
                "expects it";
    }
}

}  // namespace

PGFENCE_RULE(stored_call_writes) {
    return Rule{"stored-call-writes", Risk::High,
                "A view, DEFAULT, CHECK, index, trigger WHEN, rule, policy or cast the application uses now calls a function that writes",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
