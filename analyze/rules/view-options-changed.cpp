// ALTER VIEW ... SET / RESET (option), or ALTER TABLE ... SET / RESET on a view: a view's options
// decide whose privileges and row security its reads run under, and which writes through it are
// refused. PostgreSQL accepts three (view_reloptions, src/backend/access/common/reloptions.c:
// security_barrier, check_option, security_invoker); any other name fails on a view, and these
// three fail on a table, so the option's name alone says it is a view's. An allowlist: only
// security_barrier turned on (the planner stops pushing leaky conditions into the view: plans may
// be slower, rows are the same) is known harmless; every other change is a finding.
#include <map>
#include <optional>
#include <string>

#include "analyze/model/view_options_note.hpp"
#include "analyze/parse/literal_truth.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// The value as written: a bare word (`= off`, `= local`) is parsed as a type name (gram.y
// def_arg), a quoted one as a string.
std::string option_value(const DefElem* option) {
    if (const auto* s = pg::as<String>(option->arg)) return s->sval != nullptr ? s->sval : "";
    if (const auto* t = pg::as<TypeName>(option->arg)) return std::string(pg::last_name(t->names));
    if (const auto* i = pg::as<Integer>(option->arg)) return std::to_string(i->ival);
    if (const auto* b = pg::as<Boolean>(option->arg)) return b->boolval ? "true" : "false";
    return "true";
}

// `SET (name)` alone means true; a value PostgreSQL reads as a boolean, else nullopt.
std::optional<bool> option_bool(const DefElem* option) {
    if (option->arg == nullptr) return true;
    if (const auto* b = pg::as<Boolean>(option->arg)) return b->boolval;
    if (const auto* i = pg::as<Integer>(option->arg)) return i->ival != 0;
    return boolean_input(option_value(option));
}

struct Judgement {
    Risk risk = Risk::High;
    std::string message;  // empty: harmless
    std::string fix;
};

// What one option's change does to the view's readers and writers (checked on PostgreSQL 15, red
// team F1 V_SECINV: a role granted SELECT on the view but not on its table read its 2 rows, then
// "permission denied for table things" once security_invoker was set; with row security on the
// table and a policy admitting none of its rows, the same role read 2 rows through the view as
// its owner, then 0 as itself).
// `what` is the change as written ("SET (security_invoker = on)"), `on` the option's new value read
// as a boolean (false for a reset), `reset` whether it goes back to its default.
Judgement judge(const std::string& view, const std::string& name, std::optional<bool> on, bool reset, const std::string& what) {
    Judgement j;
    if (name == "security_invoker") {
        j.message = what + " on view " + view + ": " +
                    (on == std::optional<bool>(false)
                         ? "its reads run with its owner's privileges again and, unless the owner is subject to them, "
                           "past its tables' row security: every role that may read the view sees the rows the "
                           "policies hid from it"
                         : "its reads now run with the privileges and row security of the role that queries it, not its "
                           "owner's: a role granted the view but not its tables gets \"permission denied\", and one "
                           "its tables' policies filter sees only the rows they admit (none, where none admits it)") +
                    ", from the moment it commits, with no lock or error at migration time to show it";
        j.fix = "check with SET ROLE <the application's role> what the view returns before and after; grant the "
                "application's role the tables the view reads (and policies admitting its rows) before turning "
                "security_invoker on";
        return j;
    }
    if (name == "check_option") {
        j.risk = Risk::Medium;
        j.message = what + " on view " + view + ": " +
                    (reset ? "INSERT and UPDATE through the view are no longer checked against its condition: rows it does "
                             "not show can be written through it"
                           : "INSERT and UPDATE through the view now fail \"new row violates check option for view\" for a "
                             "row its condition does not admit, where they succeeded before") +
                    ", from the moment it commits";
        j.fix = "check what the application writes through the view before changing its check option";
        return j;
    }
    if (name == "security_barrier") {
        if (on == std::optional<bool>(true)) return j;  // same rows, possibly slower plans
        j.risk = Risk::Medium;
        j.message = what + " on view " + view + ": the planner may again evaluate a caller's functions and "
                    "operators before the view's own condition, so a leaky one can see rows the view hides from "
                    "its reader (the view's owner's privileges and row security apply to them)";
        j.fix = "keep security_barrier on a view that hides rows from the roles that read it";
        return j;
    }
    j.message = what + " on " + view + ": an option pgfence does not know for a view (PostgreSQL accepts "
                "security_barrier, check_option and security_invoker), so what it changes for the view's readers is "
                "not judged";
    j.fix = "check with SET ROLE <the application's role> what the view returns before and after the change";
    return j;
}

void report(const StatementContext& ctx, Sink& sink, const std::string& view, const Judgement& j) {
    if (j.message.empty()) return;
    Finding& f = sink.add(ctx.statement, j.message);
    f.risk = j.risk;
    f.relation = view;
    f.fix = j.fix;
}

// CREATE OR REPLACE VIEW of a view earlier migrations made: PostgreSQL replaces its options with the
// new statement's (view.c DefineVirtualRelation, AT_ReplaceRelOptions), so an option it names
// changes as ALTER VIEW ... SET would, and one the old view had that it leaves out is reset (red
// team h1 T_SECINV2, PostgreSQL 15: the same query WITH (security_invoker = true), and the
// application, granted the view only, gets "permission denied for table users"). Where the old
// options are not known (no note from analyze/model/create.cpp), each option named is judged as
// a SET.
void check_replace(const StatementContext& ctx, const ViewStmt* stmt, Sink& sink) {
    if (!stmt->replace || stmt->view == nullptr) return;
    const std::string& name = ctx.display_name(stmt->view);
    const LockFact* lock = lock_on(ctx.statement, name);
    if (lock == nullptr || lock->is_new) return;  // a view created in this migration: nobody reads it yet
    const std::map<std::string, std::string> now = view_options(stmt);
    const std::optional<std::map<std::string, std::string>> before = view_old_options(ctx.statement, name);
    for (const auto& [key, value] : now) {
        if (before) {
            auto old = before->find(key);
            if (old != before->end() && old->second == value) continue;
            if (old == before->end() && value == "false" && key != "check_option") continue;  // its default, spelled out
        }
        const std::string what = "CREATE OR REPLACE VIEW ... WITH (" + key + " = " + value + ")";
        report(ctx, sink, name, judge(name, key, boolean_input(value), false, what));
    }
    if (!before) return;
    for (const auto& [key, value] : *before) {
        if (now.count(key) > 0 || (value == "false" && key != "check_option")) continue;
        const std::string what = "CREATE OR REPLACE VIEW without " + key + " (it was " + value +
                                 "; PostgreSQL replaces a view's options with the new statement's, so it is reset)";
        report(ctx, sink, name, judge(name, key, false, true, what));
    }
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* view = ctx.as<ViewStmt>()) return check_replace(ctx, view, sink);
    const auto* stmt = ctx.as<AlterTableStmt>();
    if (stmt == nullptr || stmt->relation == nullptr) return;
    const std::string& name = ctx.display_name(stmt->relation);
    const LockFact* lock = lock_on(ctx.statement, name);
    if (lock != nullptr && lock->is_new) return;  // a view created in this migration: nobody reads it yet
    const bool view = stmt->objtype == OBJECT_VIEW || (lock != nullptr && lock->kind == "view");
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        if (cmd->subtype != AT_SetRelOptions && cmd->subtype != AT_ResetRelOptions && cmd->subtype != AT_ReplaceRelOptions) continue;
        for (const DefElem* option : pg::each<DefElem>(pg::as<List>(cmd->def))) {
            const std::string key = option->defname != nullptr ? option->defname : "";
            const bool view_option = key == "security_invoker" || key == "check_option" || key == "security_barrier";
            if (!view_option && !view) continue;  // a table's or an index's storage option (fillfactor, ...)
            if (option->defnamespace != nullptr && !view) continue;  // toast.*: a table's
            const bool reset = cmd->subtype == AT_ResetRelOptions;
            const std::optional<bool> on = reset ? std::optional<bool>(false) : option_bool(option);
            const std::string what = reset ? "RESET (" + key + ")" : "SET (" + key + (option->arg ? " = " + option_value(option) : "") + ")";
            Judgement j = judge(name, key, on, reset, what);
            if (j.message.empty()) continue;
            Finding& f = sink.add(ctx.statement, j.message);
            f.risk = j.risk;
            f.relation = name;
            f.subcommand = pg::index_of(stmt->cmds, cmd);
            f.fix = j.fix;
        }
    }
}

}  // namespace

PGFENCE_RULE(view_options_changed) {
    return Rule{"view-options-changed", Risk::High,
                "An existing view's security_invoker, check_option or security_barrier changed: whose privileges and "
                "row security its reads run under, or which writes through it fail",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
