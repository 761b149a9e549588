#include "analyze/names.hpp"
#include "analyze/json_access.hpp"
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
    if (ctx.kind() != "CreateTrigStmt") return;
    const json& stmt = ctx.body();
    std::string table = range_var_name(member(stmt, "relation"));
    const LockFact* lock = existing(ctx.statement, table);
    if (lock == nullptr) return;  // a table created in this migration
    std::string function = qualified_name(member(stmt, "funcname")) + "()";
    std::string events = event_text(stmt.value("events", 0));
    std::string per = stmt.value("row", false) ? " for every row of each " + events + " on " + table
                                               : " once per " + events + " statement on " + table;
    std::string trigger = quote_ident(stmt.value("trigname", std::string()));
    Finding& f = sink.add(ctx.statement, "CREATE TRIGGER " + trigger + " takes " + a_lock(*lock) +
                                             " while it is added, and from then on runs " + function + per +
                                             ": a slow or failing function slows or fails those writes");
    f.relation = table;
    f.fix = "set lock_timeout before it so the brief lock cannot queue writes, and keep " + function + " cheap";
}

}  // namespace

Rule rule_create_trigger() {
    return Rule{"create-trigger", Risk::Medium,
                "CREATE TRIGGER blocks writes while it is added and adds work to every later write", check, nullptr,
                true, "locking"};
}

}  // namespace pgfence::analyze::rules
