// CREATE EVENT TRIGGER t ON event EXECUTE FUNCTION f(), and ALTER EVENT TRIGGER t ENABLE: from
// the moment it commits PostgreSQL runs f() around every DDL statement of that event, in every
// session: later migrations, the application's own CREATE TEMP TABLE, an extension's update. An
// error in f() fails each of them (checked on PostgreSQL 15 by red team G1: a ddl_command_start
// trigger whose function raises made the application's CREATE TEMP TABLE fail, and every later
// migration's DDL). Nothing in the lock model shows this. HIGH when the function, created in the
// same file, raises at the ERROR level (RAISE EXCEPTION, RAISE 'message' or RAISE with no level,
// which is EXCEPTION: plpgsql's pl_gram.y); MEDIUM otherwise, since pgfence does not judge when
// the body fails.
#include <regex>
#include <string>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// The text of the CREATE FUNCTION of `name` among the file's statements before `before`, or "".
std::string function_text(const StatementContext& ctx, const std::string& name) {
    std::string text;
    for (std::size_t i = 0; i < ctx.file.statements.size() && i < ctx.stmts->size(); ++i) {
        if (&ctx.file.statements[i] == &ctx.statement) break;
        const auto* create = pg::as<CreateFunctionStmt>((*ctx.stmts)[i]);
        if (create != nullptr && pg::last_name(create->funcname) == name) text = ctx.file.statements[i].sql;  // the last one counts
    }
    return text;
}

// A RAISE at the ERROR level: RAISE EXCEPTION, RAISE 'message', RAISE SQLSTATE ..., RAISE
// USING ..., a RAISE with no level at all (the default level, and the re-raise of a handler).
bool raises_error(const std::string& body) {
    static const std::regex k_raise(R"(\braise\b(?!\s+(debug|log|info|notice|warning)\b))", std::regex::icase);
    return std::regex_search(body, k_raise);
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* create = ctx.as<CreateEventTrigStmt>()) {
        if (create->trigname == nullptr || create->eventname == nullptr) return;
        const std::string function(pg::last_name(create->funcname));
        const std::string event(create->eventname);
        const bool raises = raises_error(function_text(ctx, function));
        Finding& f = sink.add(ctx.statement,
                              "CREATE EVENT TRIGGER " + quote_ident(create->trigname) + " runs " + function + "() around every " +
                                  event + " DDL statement" + (create->whenclause != nullptr ? " its TAG filter matches" : "") +
                                  " of every session from the moment it commits (later migrations, the application's CREATE "
                                  "TEMP TABLE, extension updates): " +
                                  (raises ? function + "() raises an error, so each of those statements fails"
                                          : "an error in " + function + "() fails each of them, and what it does is done each time"));
        if (raises) f.risk = Risk::High;
        f.fix = "ship an event trigger only with a function that cannot fail (catch and log its errors), tested against the DDL "
                "your migrations and the application run; filter it with WHEN TAG IN (...)";
        return;
    }
    if (const auto* alter = ctx.as<AlterEventTrigStmt>()) {
        if (alter->trigname == nullptr || alter->tgenabled == 'D') return;  // DISABLE: nothing runs any more
        Finding& f = sink.add(ctx.statement, "ALTER EVENT TRIGGER " + quote_ident(alter->trigname) +
                                                 " ENABLE turns on a function that runs around DDL statements of every session "
                                                 "from the moment it commits: an error in it fails each of them");
        f.fix = "review the event trigger's function (what it does, whether it can fail) before enabling it";
    }
}

}  // namespace

PGFENCE_RULE(create_event_trigger) {
    return Rule{"create-event-trigger", Risk::Medium,
                "CREATE EVENT TRIGGER runs a function around every DDL statement of every session; an error in it fails them",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
