#include "analyze/names.hpp"
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

void check(const StatementContext& ctx, Sink& sink) {
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
}

}  // namespace

PGFENCE_RULE(create_trigger) {
    return Rule{"create-trigger", Risk::Medium,
                "CREATE TRIGGER blocks writes while it is added and adds work to every later write", check, nullptr,
                true, "locking"};
}

}  // namespace pgfence::analyze::rules
