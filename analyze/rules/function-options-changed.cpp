// ALTER FUNCTION | PROCEDURE | ROUTINE f(...) of a routine the migration did not make, with an option
// that changes what its calls do, from the moment it commits and with no lock to show it (red team
// R68 B27, checked on PostgreSQL 15 with a SECURITY DEFINER function the application's role calls):
// SECURITY INVOKER (the body runs with the caller's privileges: "permission denied for table
// users"), SET / RESET of a setting (a search_path without the body's schema: "relation "users" does
// not exist"), STRICT (a call with a NULL argument returns NULL without running the body), STABLE or
// IMMUTABLE (a body that writes fails: "INSERT is not allowed in a non-volatile function"; the
// planner may reuse one result). VOLATILE breaks no call but may change plans (MEDIUM). COST, ROWS,
// PARALLEL, LEAKPROOF and SUPPORT are left alone, as is SECURITY DEFINER (revoke-privileges reports a
// new owner).
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/routine_notes.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

std::string setting_change(const VariableSetStmt* set) {
    const std::string name = set->name != nullptr ? std::string(pg::text(set->name)) : std::string();
    switch (set->kind) {
        case VAR_SET_VALUE: return "SET " + name;
        case VAR_SET_DEFAULT: return "SET " + name + " TO DEFAULT";
        case VAR_SET_CURRENT: return "SET " + name + " FROM CURRENT";
        case VAR_RESET: return "RESET " + name;
        case VAR_RESET_ALL: return "RESET ALL";
        default: return "SET " + name;
    }
}

void check(const StatementContext& ctx, Sink& sink) {
    const auto* alter = ctx.as<AlterFunctionStmt>();
    if (alter == nullptr || alter->func == nullptr) return;
    const std::vector<NamedRoutine> routines = named_routines(ctx.statement);
    if (routines.empty() || routines.front().made == "here") return;  // made in this migration: nothing calls it yet
    std::string changes, effects;
    bool breaks = false;
    auto add = [&](const std::string& change, const std::string& effect, bool high) {
        changes += (changes.empty() ? "" : ", ") + change;
        effects += (effects.empty() ? "" : "; ") + effect;
        breaks = breaks || high;
    };
    for (const DefElem* d : pg::each<DefElem>(alter->actions)) {
        const std::string_view option = pg::text(d->defname);
        const auto* flag = pg::as<Boolean>(d->arg);
        const bool on = flag == nullptr || flag->boolval;
        if (option == "security" && !on) {
            add("SECURITY INVOKER", "its body now runs with the caller's privileges instead of its owner's: a caller without "
                                    "rights on what it reads or writes gets \"permission denied\"", true);
        } else if (option == "set") {
            if (const auto* set = pg::as<VariableSetStmt>(d->arg)) {
                add(setting_change(set), "its body now runs under other settings: a search_path that no longer finds the objects "
                                         "it names unqualified makes it fail (\"relation does not exist\"), another setting "
                                         "changes its results or errors", true);
            }
        } else if (option == "strict" && on) {
            add("STRICT", "a call with any NULL argument now returns NULL without running its body (its writes and checks "
                          "skipped)", true);
        } else if (option == "volatility") {
            const std::string level(pg::text(d->arg));
            if (level == "volatile") {
                add("VOLATILE", "the planner no longer folds it or uses it in index conditions: a query that filters on it "
                                "may read the whole table", false);
            } else {
                std::string shown = level;
                for (char& c : shown) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                add(shown, "a body that writes now fails (\"INSERT is not allowed in a non-volatile function\"), and the "
                           "planner may reuse one result for many calls (" + shown + ")", true);
            }
        }
    }
    if (changes.empty()) return;
    const NamedRoutine& r = routines.front();
    const std::string kind = alter->objtype == OBJECT_PROCEDURE ? "PROCEDURE" : alter->objtype == OBJECT_ROUTINE ? "ROUTINE" : "FUNCTION";
    Finding& f = sink.add(ctx.statement, "ALTER " + kind + " " + r.name + " " + changes + " changes what every call of " +
                                             (r.made == "earlier" ? "it" : "it (a routine the migrations pgfence read never made)") +
                                             " does, the running application's and its " +
                                             (r.trigger ? "triggers'" : "triggers', defaults', views' and policies'") +
                                             ", from the moment it commits, with no lock to show it: " + effects);
    if (!breaks) f.risk = Risk::Medium;
    f.fix = "make the routine with the new options under a new name beside the old one and move the callers to it, or check "
            "every call (the application's, as its role) against the new options before this migration runs";
}

}  // namespace

PGFENCE_RULE(function_options_changed) {
    return Rule{"function-options-changed", Risk::High,
                "ALTER FUNCTION ... SECURITY INVOKER, SET / RESET, STRICT or a new volatility changes what the running "
                "application's calls of the routine do: they may fail",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
