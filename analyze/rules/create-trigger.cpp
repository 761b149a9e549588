#include <algorithm>
#include <cctype>

#include "analyze/model/integrity_note.hpp"
#include "analyze/model/trigger_enable.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/model/plpgsql/plpgsql.hpp"
#include "analyze/model/plpgsql/plpgsql_overwrite.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

// "INSERT, UPDATE or DELETE" from CreateTrigStmt.events (TRIGGER_TYPE_* bits).
std::string event_text(int events) {
    std::vector<std::string> names;
    if (events & 4) names.push_back("INSERT");
    if (events & 16) names.push_back("UPDATE");
    if (events & 8) names.push_back("DELETE");
    if (events & 32) names.push_back("TRUNCATE");
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
    }
    return out;
}

// The PL/pgSQL body of the last CREATE FUNCTION of `name` before this statement in the file, ""
// if none (a function from the history is not read here).
std::string defined_here(const StatementContext& ctx, std::string_view name) {
    if (ctx.stmts == nullptr) return {};
    const std::size_t to = std::min(static_cast<std::size_t>(ctx.statement.index), ctx.stmts->size());
    for (std::size_t i = to; i-- > 0;) {
        const auto* create = pg::as<CreateFunctionStmt>((*ctx.stmts)[i]);
        if (create == nullptr || pg::last_name(create->funcname) != name) continue;
        std::string body;
        std::string language;
        for (const DefElem* d : pg::each<DefElem>(create->options)) {
            if (pg::text(d->defname) == "as" && pg::as<List>(d->arg) != nullptr) body = std::string(pg::text(pg::nth(pg::as<List>(d->arg), 0)));
            if (pg::text(d->defname) == "language") language = std::string(pg::text(d->arg));
        }
        return language == "plpgsql" ? body : std::string();
    }
    return {};
}

// A BEFORE ... FOR EACH ROW trigger on UPDATE whose function, defined in the file, overwrites NEW
// whatever the row holds (NEW := OLD, NEW.col := a constant: analyze/plpgsql_overwrite.hpp): every
// later UPDATE of the application is silently rewritten (checked on PostgreSQL 15: after NEW.balance
// := 0; NEW.email := '', an UPDATE of users.name leaves email '' and balance 0). A trigger on INSERT
// alone that sets constants initialises new rows, the common intent, and stays MEDIUM.
void check_overwrite(const CreateTrigStmt* stmt, const StatementContext& ctx, Finding& f, const std::string& trigger,
                     const std::string& function, const std::string& table, const std::string& events) {
    constexpr int k_before = 2;
    constexpr int k_update = 16;
    if (f.risk == Risk::High || !stmt->row || (stmt->timing & k_before) == 0 || (stmt->events & k_update) == 0) return;
    const std::string definition = defined_here(ctx, pg::last_name(stmt->funcname));
    if (definition.empty()) return;
    const std::vector<std::string> writes = trigger_overwrites_new(definition);
    if (writes.empty()) return;
    std::string listed;
    for (const std::string& w : writes) listed += (listed.empty() ? "" : "; ") + w;
    f.message = "CREATE TRIGGER " + trigger + " runs " + function + " BEFORE each row of every " + events + " on " + table +
                ", and " + function + " overwrites the row whatever it holds (" + listed +
                "): each such write of the application, from the moment it commits, stores those values instead of its "
                "own, silently";
    f.risk = Risk::High;
    f.fix = "assign to NEW only what the trigger derives from the row (NEW.updated_at := now()), or under a condition "
            "(IF NEW.x IS DISTINCT FROM OLD.x THEN ...); a value every row must have is a DEFAULT or a CHECK";
}

// Did a statement of the file before this one disable `trigger` on `relname` by name (DISABLE
// TRIGGER, or ENABLE REPLICA)? Then ENABLE puts back what the file itself changed. DISABLE TRIGGER
// ALL or USER does not count: the trigger may have been disabled before it, and then ENABLE turns
// on what an earlier migration parked.
bool disabled_here(const StatementContext& ctx, std::string_view relname, std::string_view trigger) {
    if (ctx.stmts == nullptr) return false;
    const std::size_t to = std::min(static_cast<std::size_t>(ctx.statement.index), ctx.stmts->size());
    for (std::size_t i = 0; i < to; ++i) {
        const auto* alter = pg::as<AlterTableStmt>((*ctx.stmts)[i]);
        if (alter == nullptr || alter->relation == nullptr || pg::relname(alter->relation) != relname) continue;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            if ((cmd->subtype == AT_DisableTrig || cmd->subtype == AT_EnableReplicaTrig) && cmd->name != nullptr &&
                trigger == cmd->name) {
                return true;
            }
        }
    }
    return false;
}

// ALTER TABLE ... ENABLE TRIGGER of a trigger an earlier migration disabled: from then on it runs
// as if created here (the model's notes, analyze/model/trigger_enable.hpp). One this file disabled
// is only put back.
void check_enable(const AlterTableStmt* alter, const StatementContext& ctx, Sink& sink) {
    const std::string& table = ctx.display_name(alter->relation);
    const LockFact* lock = existing(ctx.statement, table);
    if (lock == nullptr) return;
    for (const auto& note : ctx.statement.notes) {
        if (!note.starts_with(model::k_trigger_enabled_note)) continue;
        const std::string rest = note.substr(model::k_trigger_enabled_note.size());
        const std::size_t at = rest.find("(): ");
        if (at == std::string::npos) continue;
        const std::string function = rest.substr(0, at);
        const std::string what = rest.substr(at + 4);
        // "trigger <name> on ...": the name as quote_ident wrote it.
        const std::size_t name_at = what.find("trigger ") + 8, name_end = what.find(" on ", name_at);
        std::string name = what.substr(name_at, name_end - name_at);
        if (name.size() >= 2 && name.front() == '"') name = name.substr(1, name.size() - 2);
        if (disabled_here(ctx, pg::relname(alter->relation), name)) continue;
        Finding& f = sink.add(ctx.statement, "ENABLE TRIGGER turns back on a disabled trigger: " + what +
                                                 " again from the moment this commits, as if it were created here: a slow "
                                                 "or failing function slows or fails those writes");
        f.relation = table;
        f.fix = "read " + function + "() as it is now before turning its trigger back on, and set lock_timeout before this";
        const auto known = trigger_function_why(ctx.statement, function);
        if (known && known->starts_with("returns NULL")) {
            f.message = "ENABLE TRIGGER turns back on a disabled trigger: " + what + ", and " + function +
                        "() returns NULL at the top level of its body: each such write is silently skipped (\"INSERT 0 0\"), "
                        "the application's included, from the moment it commits";
            f.risk = Risk::High;
            f.fix = "return NEW (OLD for DELETE) from " + function + "() for the rows to keep before turning its trigger back on";
        } else if (known) {
            f.message += "; " + function + "() is " + *known + ": if it returns NULL for a row, that write is silently skipped";
        }
    }
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* alter = ctx.as<AlterTableStmt>(); alter != nullptr && alter->relation != nullptr) {
        check_enable(alter, ctx, sink);
        return;
    }
    const auto* stmt = ctx.as<CreateTrigStmt>();
    if (stmt == nullptr) return;
    const std::string& table = ctx.display_name(stmt->relation);
    const LockFact* lock = existing(ctx.statement, table);
    if (lock == nullptr) return;  // a table created in this migration
    std::string function = pg::qualified_name(stmt->funcname) + "()";
    std::string events = event_text(stmt->events);
    std::string per = stmt->row ? " for every row of each " + events + " on " + table
                                               : " once per " + events + " statement on " + table;
    std::string trigger = quote_ident(pg::text(stmt->trigname));
    Finding& f = sink.add(ctx.statement, "CREATE TRIGGER " + trigger + " takes " + a_lock(*lock) +
                                             " while it is added, and from then on runs " + function + per +
                                             ": a slow or failing function slows or fails those writes");
    f.relation = table;
    f.fix = "set lock_timeout before it so the brief lock cannot queue writes, and keep " + function + " cheap";
    // A BEFORE ... FOR EACH ROW trigger whose function returns NULL skips the row: every INSERT,
    // UPDATE or DELETE it fires on then changes nothing, silently (PostgreSQL's trigger.c
    // ExecBR*Triggers; checked on PostgreSQL 15: INSERT 0 0).
    constexpr int k_before = 2;
    const std::string definition = stmt->row && (stmt->timing & k_before) != 0 && (stmt->events & (4 | 8 | 16)) != 0
                                       ? defined_here(ctx, pg::last_name(stmt->funcname))
                                       : std::string();
    // Otherwise what the catalog knows of it (a function an earlier migration made): the model's note.
    const auto known = definition.empty() ? trigger_function_why(ctx.statement, pg::last_name(stmt->funcname))
                                          : std::optional<std::string>();
    if (known && !known->starts_with("returns NULL")) {
        f.message += "; " + function + " is " + *known + ": if it returns NULL for a row, that " + events +
                     " is silently skipped (\"INSERT 0 0\"), so read its body before this merges";
        f.fix += "; check that " + function + " returns NEW (OLD for DELETE) for the rows to keep";
    }
    if ((!definition.empty() && trigger_returns_null_always(definition)) || (known && known->starts_with("returns NULL"))) {
        f.message = "CREATE TRIGGER " + trigger + " runs " + function + " BEFORE each row of every " + events + " on " + table +
                    ", and " + function + " returns NULL at the top level of its body: each such write is silently "
                    "skipped (\"INSERT 0 0\"), the application's included, from the moment it commits";
        f.risk = Risk::High;
        f.fix = "return NEW (OLD for DELETE) from " + function + " for the rows to keep; RETURN NULL only for the rows "
                "meant to be skipped, under a condition";
    }
    check_overwrite(stmt, ctx, f, trigger, function, table, events);
    // A built-in trigger function whose arguments do not fit the table (the model's note,
    // analyze/model/integrity.hpp): every write it fires on fails.
    const std::string tsv = std::string(k_dropped_constraint_prefix) + "trigger " + trigger + " calls ";
    for (const auto& note : ctx.statement.notes) {
        if (!note.starts_with(tsv)) continue;
        f.message = "CREATE TRIGGER " + trigger + " runs " + note.substr(tsv.size(), note.find(": ", tsv.size()) - tsv.size()) +
                    " on every " + events + " on " + table + ", but " + note.substr(note.find(": ", tsv.size()) + 2) +
                    ": each such write of the application fails, from the moment it commits (checked on PostgreSQL 15)";
        f.risk = Risk::High;
        f.fix = "give tsvector_update_trigger the tsvector column first, then the configuration, then text columns, in a "
                "BEFORE ... FOR EACH ROW trigger";
    }
}

}  // namespace

PGFENCE_RULE(create_trigger) {
    return Rule{"create-trigger", Risk::Medium,
                "CREATE TRIGGER blocks writes while it is added and adds work to every later write", check, nullptr,
                true, "locking"};
}

}  // namespace pgfence::analyze::rules
