// CREATE OR REPLACE FUNCTION that gives another body to a function earlier migrations made, while
// objects made before the migration call it to guard or fill a table's rows: a CHECK, a column's or
// a domain's DEFAULT, a generated column, an index expression, a trigger, a row-level security
// policy, a view or materialized view (analyze/function_attach.hpp guarding_uses; the note function_calls.cpp leaves). Those
// objects run the new body from the moment it commits, and none of them is touched by the
// migration: a CHECK whose function now raises refuses every insert, a policy whose function now
// returns false hides every row (checked on PostgreSQL 15: valid_email() made to RAISE, every
// INSERT into members failed "ERROR: no"; can_see() made to return false, the application saw 0
// docs of 2), a unique index on norm(name) disagrees with the new norm() (rows stored under the
// old result are not found, duplicates pass). An allowlist: whatever the new body does is not
// judged (a body that only returns a value is as harmful as one that raises); a body textually
// the same as before is quiet, as are functions nothing made before the migration calls.
// Functions that call it in turn (g() calls f() in a CHECK) are not followed here.
#include <string>

#include "analyze/model/plpgsql/plpgsql.hpp"
#include "analyze/model/plpgsql/plpgsql_overwrite.hpp"
#include "analyze/model/plpgsql/plpgsql_trigger_body.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    const auto* create = ctx.as<CreateFunctionStmt>();
    if (create == nullptr || !create->replace) return;
    const std::optional<std::string> uses = replaced_function_uses(ctx.statement);
    if (!uses) return;
    const std::string name = pg::qualified_name(create->funcname) + "()";
    Finding& f = sink.add(ctx.statement,
                          "CREATE OR REPLACE FUNCTION " + name + " gives another body to a function that the " + *uses +
                              " calls: from the moment it commits that object runs the new body, with no statement touching "
                              "it: inserts and updates may fail (a CHECK or trigger), rows may be hidden from the application "
                              "(a policy), a view's rows may change or its reads fail, an index may disagree with its function (lookups miss rows, a unique index lets "
                              "duplicates in), defaults may change; pgfence does not judge the new body");
    // Triggers alone call it, and the new body is PL/pgSQL that pgfence reads whole without the
    // shapes that harm every row a BEFORE ROW trigger fires for (RETURN NULL at its top, NEW
    // overwritten; an AFTER trigger's NULL is ignored): routine trigger maintenance, which a
    // reviewer should still see (MEDIUM). Writes in the body are judged where the triggers fire
    // (function_calls.cpp). Any other body stays HIGH. The note lists BEFORE ROW triggers first.
    const bool before_row = uses->starts_with("BEFORE ROW trigger ");
    if (uses->starts_with("trigger ") || before_row) {
        std::string body, language;
        for (const DefElem* d : pg::each<DefElem>(create->options)) {
            if (pg::text(d->defname) == "as" && pg::as<List>(d->arg) != nullptr) body = std::string(pg::text(pg::nth(pg::as<List>(d->arg), 0)));
            if (pg::text(d->defname) == "language") language = std::string(pg::text(d->arg));
        }
        ParsedStatement parsed;
        const bool read = language == "plpgsql" && !body.empty() && trigger_body_statements(body, parsed) != nullptr;
        if (read && (!before_row || (!trigger_returns_null_always(body) && trigger_overwrites_new(body).empty()))) f.risk = Risk::Medium;
    }
    f.fix = "create the new behaviour under a new function name and move the CHECK, index, default, trigger, policy or view to it "
            "in a reviewed step (an index on it rebuilt CONCURRENTLY), or have a reviewer sign off that the new body returns "
            "the same result for every row the old one accepted";
}

}  // namespace

PGFENCE_RULE(replaced_function_in_use) {
    return Rule{"replaced-function-in-use", Risk::High,
                "CREATE OR REPLACE FUNCTION gives another body to a function an existing CHECK, default, index, trigger, policy or view calls",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
