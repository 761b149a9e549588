// pg_terminate_backend() and pg_cancel_backend() in a migration: every session (or query) they
// reach is ended, the application's included, with no lock taken (issue #53: an outage without
// a lock is still an outage).
#include <string>

#include "analyze/names.hpp"
#include "analyze/pg_walk.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

struct Calls {
    std::string function;       // the first one called
    bool over_activity = false;  // reads pg_stat_activity: the sessions it ends are picked by a query
};

void walk(const pg::Node* node, Calls& calls, int depth) {
    if (node == nullptr || depth > 200) return;
    if (const auto* call = pg::as<FuncCall>(node)) {
        const std::string name(pg::last_name(call->funcname));
        if (calls.function.empty() && (name == "pg_terminate_backend" || name == "pg_cancel_backend")) calls.function = name;
    }
    if (const auto* rv = pg::as<RangeVar>(node)) {
        calls.over_activity = calls.over_activity || pg::relname(rv) == "pg_stat_activity";
    }
    pg::each_child(node, [&](const pg::Node* child) { walk(child, calls, depth + 1); });
}

void check(const StatementContext& ctx, Sink& sink) {
    if (ctx.stmt == nullptr) return;
    Calls calls;
    walk(ctx.stmt, calls, 0);
    if (calls.function.empty()) return;
    const bool terminate = calls.function == "pg_terminate_backend";
    Finding& f = sink.add(ctx.statement,
                          calls.function + "() " + (terminate ? "ends the sessions" : "cancels the running queries") +
                              " it is given" +
                              (calls.over_activity ? ", here every one a query over pg_stat_activity picks" : "") +
                              ": the application's " + (terminate ? "connections are closed" : "queries fail") +
                              " mid-request, with no lock to show it, and requests in flight fail");
    f.fix = "wait for the sessions to finish instead (a lock_timeout on the statement that needs them gone, retried), "
            "or end specific sessions by hand, out of band, after checking what they are";
}

}  // namespace

PGFENCE_RULE(terminate_backends) {
    return Rule{"terminate-backends", Risk::High,
                "pg_terminate_backend() and pg_cancel_backend() end other sessions' work, the application's included",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
