// ALTER FUNCTION | PROCEDURE | ROUTINE f(...) of a routine the migration did not make, with an option
// that changes what its calls do, from the moment it commits and with no lock to show it (red team
// R68 B27, checked on PostgreSQL 15 with a SECURITY DEFINER function the application's role calls):
// SECURITY INVOKER (the body runs with the caller's privileges: "permission denied for table
// users"), SET / RESET of a setting (a search_path without the body's schema: "relation "users" does
// not exist"), STRICT (a call with a NULL argument returns NULL without running the body), STABLE or
// IMMUTABLE (a body that writes fails: "INSERT is not allowed in a non-volatile function"; the
// planner may reuse one result). VOLATILE breaks no call but may change plans (MEDIUM). COST, ROWS,
// PARALLEL, LEAKPROOF and SUPPORT are left alone, as is SECURITY DEFINER (revoke-privileges reports a
// new owner). A CREATE OR REPLACE of such a routine that does not spell an option it had (SECURITY
// DEFINER, a SET) resets it as the ALTER would, and one that spells another STRICT or volatility
// sets it (red team R69 C8, PostgreSQL 15: prosecdef and proconfig reset, "permission denied for
// table users").
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/routine_note.hpp"
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

// What an option change (as ALTER FUNCTION spells it) does to every call, and whether it may make
// calls fail (HIGH) or only plan differently (VOLATILE: MEDIUM).
struct Effect {
    std::string text;
    bool high = true;
};
Effect effect_of(const std::string& change) {
    if (change == "SECURITY INVOKER") {
        return {"its body now runs with the caller's privileges instead of its owner's: a caller without rights on what it "
                "reads or writes gets \"permission denied\""};
    }
    if (change.starts_with("SET ") || change.starts_with("RESET ")) {
        return {"its body now runs under other settings: a search_path that no longer finds the objects it names unqualified "
                "makes it fail (\"relation does not exist\"), another setting changes its results or errors"};
    }
    if (change == "STRICT") {
        return {"a call with any NULL argument now returns NULL without running its body (its writes and checks skipped)"};
    }
    if (change == "VOLATILE") {
        return {"the planner no longer folds it or uses it in index conditions: a query that filters on it may read the whole "
                "table", false};
    }
    return {"a body that writes now fails (\"INSERT is not allowed in a non-volatile function\"), and the planner may reuse "
            "one result for many calls (" + change + ")"};
}

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// The changes an ALTER FUNCTION's options make, as written.
std::vector<std::string> altered(const AlterFunctionStmt* alter) {
    std::vector<std::string> out;
    for (const DefElem* d : pg::each<DefElem>(alter->actions)) {
        const std::string_view option = pg::text(d->defname);
        const auto* flag = pg::as<Boolean>(d->arg);
        const bool on = flag == nullptr || flag->boolval;
        if (option == "security" && !on) out.emplace_back("SECURITY INVOKER");
        if (option == "set") {
            if (const auto* set = pg::as<VariableSetStmt>(d->arg)) out.push_back(setting_change(set));
        }
        if (option == "strict" && on) out.emplace_back("STRICT");
        if (option == "volatility") out.push_back(upper(std::string(pg::text(d->arg))));
    }
    return out;
}

const std::string k_fix = "make the routine with the new options under a new name beside the old one and move the callers to "
                          "it, or check every call (the application's, as its role) against the new options before this "
                          "migration runs";

Finding& report(const StatementContext& ctx, Sink& sink, const std::string& head, const std::vector<std::string>& changes,
                const std::string& it, bool trigger) {
    std::string listed, effects;
    bool breaks = false;
    for (const std::string& change : changes) {
        const Effect e = effect_of(change);
        listed += (listed.empty() ? "" : ", ") + change;
        if (effects.find(e.text) == std::string::npos) effects += (effects.empty() ? "" : "; ") + e.text;
        breaks = breaks || e.high;
    }
    Finding& f = sink.add(ctx.statement, head + listed + " changes what every call of " + it + " does, the running application's and its " +
                                             (trigger ? "triggers'" : "triggers', defaults', views' and policies'") +
                                             ", from the moment it commits, with no lock to show it: " + effects);
    if (!breaks) f.risk = Risk::Medium;
    f.fix = k_fix;
    return f;
}

// The options the notes on a CREATE say it changes (model/routine_note.hpp), and whether the
// routine is a trigger function.
std::vector<std::string> replaced_options(const StatementContext& ctx, bool& trigger) {
    std::vector<std::string> changes;
    for (const std::string& note : ctx.statement.notes) {
        if (!note.starts_with(model::k_replaced_option_note)) continue;
        std::string_view rest = std::string_view(note).substr(model::k_replaced_option_note.size());
        trigger = rest.starts_with("trigger ");
        const std::size_t space = rest.find(' ');
        if (space != std::string_view::npos) changes.emplace_back(rest.substr(space + 1));
    }
    return changes;
}

std::string shown_signature(const CreateFunctionStmt* create) {
    std::string arguments;
    for (char c : model::routine_signature(create->parameters)) arguments += c == ',' ? std::string(", ") : std::string(1, c);
    return pg::qualified_name(create->funcname) + "(" + arguments + ")";
}

// CREATE OR REPLACE of a routine made before the migration, without options it had: PostgreSQL
// resets each option the new definition does not spell (model/routine_note.hpp, red team R69 C8).
void check_replace(const StatementContext& ctx, const CreateFunctionStmt* create, Sink& sink) {
    bool trigger = false;
    const std::vector<std::string> changes = replaced_options(ctx, trigger);
    if (changes.empty()) return;
    const std::string kind = create->is_procedure ? "PROCEDURE " : "FUNCTION ";
    report(ctx, sink,
           "CREATE OR REPLACE " + kind + shown_signature(create) + " gives the routine the "
           "migrations made earlier every option it spells and the default of every other, so against the routine as they "
           "show it ",
           changes, "it", trigger);
}

// What the file grants on routines named `name` after statement `from`: the roles given EXECUTE,
// and whether EXECUTE is revoked from PUBLIC.
void granted_later(const StatementContext& ctx, std::string_view name, std::vector<std::string>& roles, bool& public_revoked) {
    if (ctx.stmts == nullptr) return;
    const std::size_t from = static_cast<std::size_t>(ctx.statement.index) + 1;
    for (std::size_t i = from; i < ctx.stmts->size() && i < from + 2000; ++i) {
        const auto* grant = pg::as<GrantStmt>((*ctx.stmts)[i]);
        if (grant == nullptr || grant->targtype != ACL_TARGET_OBJECT) continue;
        if (grant->objtype != OBJECT_FUNCTION && grant->objtype != OBJECT_PROCEDURE && grant->objtype != OBJECT_ROUTINE) continue;
        bool names_it = false;
        for (const ObjectWithArgs* o : pg::each<ObjectWithArgs>(grant->objects)) {
            names_it = names_it || (pg::length(o->objname) > 0 && pg::last_name(o->objname) == name);
        }
        if (!names_it) continue;
        for (const RoleSpec* role : pg::each<RoleSpec>(grant->grantees)) {
            if (role->roletype == ROLESPEC_PUBLIC && !grant->is_grant) public_revoked = true;
            if (role->roletype == ROLESPEC_CSTRING && grant->is_grant) roles.emplace_back(pg::text(role->rolename));
        }
    }
}

bool spells_definer(const CreateFunctionStmt* create) {
    bool definer = false;
    for (const DefElem* d : pg::each<DefElem>(create->options)) {
        const auto* flag = pg::as<Boolean>(d->arg);
        if (pg::text(d->defname) == "security") definer = flag == nullptr || flag->boolval;
    }
    return definer;
}

// CREATE [OR REPLACE] of a routine a DROP earlier in the migrations removed (red team R71 F7): a
// new routine, with the options it spells (as check_replace) and the default privileges (PostgreSQL
// 15: proacl NULL, EXECUTE to PUBLIC; a GRANT EXECUTE the dropped one had is gone: "permission
// denied for function").
bool check_recreated(const StatementContext& ctx, const CreateFunctionStmt* create, Sink& sink) {
    std::string_view rest;
    for (const std::string& note : ctx.statement.notes) {
        if (note.starts_with(model::k_recreated_routine_note)) rest = std::string_view(note).substr(model::k_recreated_routine_note.size());
    }
    if (rest.empty()) return false;
    rest = rest.substr(rest.find(' ') + 1);
    const bool public_revoked = rest.starts_with("public-revoked ");
    rest = rest.substr(rest.find(' ') + 1);
    std::vector<std::string> had;
    const std::size_t roles_end = rest.find(' ');
    std::string_view roles = rest.substr(0, roles_end);
    const bool new_public = roles_end != std::string_view::npos && rest.substr(roles_end + 1) == "new-public";
    while (!roles.empty() && roles != "-") {
        const std::size_t comma = roles.find(',');
        had.emplace_back(roles.substr(0, comma));
        roles = comma == std::string_view::npos ? std::string_view{} : roles.substr(comma + 1);
    }
    std::vector<std::string> again;
    bool revoked_again = false;
    granted_later(ctx, pg::last_name(create->funcname), again, revoked_again);
    // Without PUBLIC's EXECUTE on the new routine (default privileges, or a REVOKE after it), a
    // role the dropped one was granted to and this file does not grant again cannot call it.
    const bool public_now = new_public && !revoked_again;
    std::string lost;
    for (const std::string& role : public_now ? std::vector<std::string>{} : had) {
        if (std::find(again.begin(), again.end(), role) == again.end()) lost += (lost.empty() ? "" : ", ") + quote_ident(role);
    }
    bool trigger = false;
    const std::vector<std::string> changes = replaced_options(ctx, trigger);
    std::string privileges;
    if (!lost.empty()) {
        privileges = "EXECUTE is no longer granted to " + lost + " (as the migrations show the dropped routine's GRANTs), and the new "
                     "routine gives PUBLIC none: calls as " + (lost.find(',') == std::string::npos ? "that role" : "those roles") +
                     " fail with \"permission denied for function\"";
    }
    if (public_revoked && public_now) {
        privileges += std::string(privileges.empty() ? "" : "; ") + "EXECUTE is PUBLIC's again (the dropped routine's was revoked from " +
                      "PUBLIC): every role may call it" + (spells_definer(create) ? ", with its owner's rights (SECURITY DEFINER)" : "");
    }
    if (changes.empty() && privileges.empty()) return true;
    const std::string head = "DROP and CREATE of " + std::string(create->is_procedure ? "PROCEDURE " : "FUNCTION ") +
                             shown_signature(create) + " (an earlier DROP, RENAME or SET SCHEMA in these migrations took the name) "
                             "makes a new routine, "
                             "with only the options it spells and the default privileges (" + (new_public ? "EXECUTE to PUBLIC, " : "") +
                             "none of the dropped one's GRANTs)";
    Finding* f = nullptr;
    if (!changes.empty()) {
        f = &report(ctx, sink, head + ", so against the routine as the migrations show it before the drop ", changes, "it", trigger);
        if (!privileges.empty()) {
            f->message += "; and " + privileges;
            if (!lost.empty()) f->risk = Risk::High;
        }
    } else {
        f = &sink.add(ctx.statement, head + ": " + privileges + ", from the moment it commits");
        // Only PUBLIC's EXECUTE back on a routine that runs with the caller's rights: MEDIUM.
        if (lost.empty() && !spells_definer(create)) f->risk = Risk::Medium;
    }
    f->fix = "CREATE OR REPLACE the routine instead of dropping it (it keeps its privileges) spelling every option it had, or "
             "spell them in the CREATE and GRANT / REVOKE its privileges again right after it, in the same transaction";
    return true;
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* create = ctx.as<CreateFunctionStmt>()) {
        if (!check_recreated(ctx, create, sink) && create->replace) check_replace(ctx, create, sink);
        return;
    }
    const auto* alter = ctx.as<AlterFunctionStmt>();
    if (alter == nullptr || alter->func == nullptr) return;
    const std::vector<NamedRoutine> routines = named_routines(ctx.statement);
    if (routines.empty() || routines.front().made == "here") return;  // made in this migration: nothing calls it yet
    const std::vector<std::string> changes = altered(alter);
    if (changes.empty()) return;
    const NamedRoutine& r = routines.front();
    const std::string kind = alter->objtype == OBJECT_PROCEDURE ? "PROCEDURE" : alter->objtype == OBJECT_ROUTINE ? "ROUTINE" : "FUNCTION";
    report(ctx, sink, "ALTER " + kind + " " + r.name + " ", changes,
           r.made == "earlier" ? "it" : "it (a routine the migrations pgfence read never made)", r.trigger);
}

}  // namespace

PGFENCE_RULE(function_options_changed) {
    return Rule{"function-options-changed", Risk::High,
                "ALTER FUNCTION ... SECURITY INVOKER, SET / RESET, STRICT or a new volatility, or a CREATE OR REPLACE (or a DROP "
                "and CREATE, which also resets the routine's privileges) that drops such an option, changes what the running application's calls of the routine do: they may fail",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
