// A statement stores, in an object the application already uses (a CHECK, NOT VALID too; a domain's
// CHECK or DEFAULT; a column DEFAULT; a generated column; an index expression; a trigger's WHEN; a
// view; a policy), a call of one of PostgreSQL's own functions that acts beyond its result: an
// advisory lock, a backend terminated or cancelled, a sleep, a session setting changed, a sequence
// moved. Directly or through a function of the migrations whose body calls it. From the moment it
// commits, every application statement that evaluates the expression does it (red team h1 item 2:
// PG15 reproduced a second inserter blocked for good, every insert killing its own connection, the
// session's search_path emptied). The facts come from stored_builtins.cpp (a note on the statement).
#include <string>

#include "analyze/rules/rule.hpp"
#include "analyze/model/stored_builtins.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    for (const std::string& note : ctx.statement.notes) {
        if (!note.starts_with(k_stored_builtin_note)) continue;
        Finding& f = sink.add(ctx.statement, note.substr(k_stored_builtin_note.size()));
        f.fix = "keep locks, session settings, sleeps, signals and sequence changes out of expressions PostgreSQL keeps; "
                "do them once in the migration, or in the application's code where it means to";
    }
}

}  // namespace

PGFENCE_RULE(stored_builtin_side_effect) {
    return Rule{"stored-builtin-side-effect", Risk::High,
                "A CHECK, DEFAULT, index, generated column, trigger, view, policy, operator or cast the application uses now calls a built-in that locks, kills, sleeps or changes session state",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
