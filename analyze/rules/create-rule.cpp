// CREATE [OR REPLACE] RULE r AS ON INSERT | UPDATE | DELETE TO t DO [ALSO | INSTEAD] ...: from
// then on the rewriter changes every such statement on t, the application's included. DO INSTEAD
// NOTHING makes those writes report success and change nothing; DO INSTEAD <action> runs the
// action in their place; DO ALSO adds the action to each of them. No lock shows any of this.
// The actions themselves are followed where a later write fires them (rule_actions.hpp).
#include <string>

#include "analyze/parse/names.hpp"
#include "analyze/model/rule_actions.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/operation_dml.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

std::string event_text(CmdType event) {
    switch (event) {
        case CMD_INSERT: return "INSERT";
        case CMD_UPDATE: return "UPDATE";
        case CMD_DELETE: return "DELETE";
        default: return {};
    }
}

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<RuleStmt>();
    if (stmt == nullptr || stmt->relation == nullptr || stmt->rulename == nullptr) return;
    const std::string event = event_text(stmt->event);
    const std::string& table = ctx.display_name(stmt->relation);
    const LockFact* lock = existing(ctx.statement, table);
    if (lock == nullptr) return;  // a table created in this migration: no write of it exists yet
    const std::string rule = quote_ident(pg::text(stmt->rulename));
    const std::optional<std::string> actions = rule_actions_text(ctx.statement.sql);
    const std::string shown = actions ? shortened(*actions, 80) : std::string();
    if (stmt->event == CMD_SELECT) {
        // ON SELECT DO INSTEAD SELECT ...: a view's "_RETURN" rule, its definition (PostgreSQL
        // 15's rewriteDefine.c DefineQueryRewrite; CREATE OR REPLACE RULE "_RETURN" replaces the
        // view's query as CREATE OR REPLACE VIEW does). Checked on PostgreSQL 15 (red team F1,
        // V_RULE): `... DO INSTEAD SELECT * FROM things WHERE false` left the view empty. Which
        // rows the new query keeps is not judged, so any redefinition of an existing view is.
        Finding& f = sink.add(ctx.statement, "CREATE RULE " + rule + " AS ON SELECT TO " + table + " redefines what every query of " +
                                                 table + " returns" + (actions ? " (now `" + shown + "`)" : std::string()) +
                                                 ", as CREATE OR REPLACE VIEW would: the rows the new query drops (all of them, "
                                                 "with WHERE false) vanish for the running release from the moment it commits, "
                                                 "with no lock or error to show it; pgfence does not judge which rows it keeps");
        f.relation = table;
        f.fix = "redefine the view with CREATE OR REPLACE VIEW, keeping its FROM and WHERE, or add a new view for the new rows";
        return;
    }
    if (event.empty()) return;
    const std::string when = stmt->whereClause != nullptr ? " that matches the rule's WHERE" : "";
    std::string effect;
    if (stmt->instead && !actions) {
        effect = "is silently discarded: it reports success and " +
                 std::string(stmt->event == CMD_INSERT ? "inserts" : stmt->event == CMD_UPDATE ? "updates" : "deletes") +
                 " nothing";
    } else if (stmt->instead) {
        effect = "runs `" + shown + "` instead of itself";
    } else if (actions) {
        effect = "also runs `" + shown + "`, in the writer's transaction";
    } else {
        return;  // DO ALSO NOTHING changes nothing
    }
    Finding& f = sink.add(ctx.statement, "CREATE RULE " + rule + " rewrites every later " + event + " on " + table +
                                             ", the application's included: from the moment it commits, each " + event +
                                             when + " " + effect + ", with no lock or error to show it");
    f.relation = table;
    if (lock->kind == "view") f.risk = Risk::Medium;  // rules are how some views take writes
    f.fix = "make the change in the application or with an explicit statement in the migration; when a rule is "
            "meant, review what every " + event + " on " + table + " will do from now on";
}

}  // namespace

PGFENCE_RULE(create_rule) {
    return Rule{"create-rule", Risk::High,
                "CREATE RULE on an existing table rewrites every later INSERT, UPDATE or DELETE of it", check, nullptr,
                true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
