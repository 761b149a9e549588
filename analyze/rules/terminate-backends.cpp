// pg_terminate_backend() and pg_cancel_backend() in a migration: every session (or query) they
// reach is ended, the application's included, with no lock taken (issue #53: an outage without
// a lock is still an outage). lo_unlink() (large objects deleted) and pg_reload_conf() (pending
// configuration applied to every session) likewise reach past the migration.
#include <string>

#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_walk.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/executed_query.hpp"
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
        if (calls.function.empty() && (name == "pg_terminate_backend" || name == "pg_cancel_backend" ||
                                       name == "lo_unlink" || name == "pg_reload_conf")) {
            calls.function = name;
        }
    }
    if (const auto* rv = pg::as<RangeVar>(node)) {
        calls.over_activity = calls.over_activity || pg::relname(rv) == "pg_stat_activity";
    }
    pg::each_child(node, [&](const pg::Node* child) { walk(child, calls, depth + 1); });
}

void check(const StatementContext& ctx, Sink& sink) {
    if (ctx.stmt == nullptr) return;
    Calls calls;
    walk(executed_query(ctx.stmt), calls, 0);
    if (calls.function.empty()) return;
    // lo_unlink(oid) deletes the large object: its data is gone for every row that points at it
    // (checked on PostgreSQL 15: lo_get of it then fails "large object ... does not exist").
    if (calls.function == "lo_unlink") {
        Finding& f = sink.add(ctx.statement, "lo_unlink() deletes the large objects it is given, with their data: every "
                                                 "row that still points at one reads \"large object ... does not exist\", "
                                                 "from the moment it commits");
        f.fix = "delete large objects only once no row references them (vacuumlo finds the orphans), out of band";
        return;
    }
    // pg_reload_conf() makes every session reread postgresql.conf and ALTER SYSTEM's file: whatever
    // was changed there and not yet applied takes effect now, for the application too.
    if (calls.function == "pg_reload_conf") {
        Finding& f = sink.add(ctx.statement, "pg_reload_conf() makes the server and every session reread its "
                                                 "configuration: settings changed there (or by ALTER SYSTEM) and not yet "
                                                 "applied take effect for the application's sessions now, whatever they are");
        f.risk = Risk::Medium;
        f.fix = "reload the configuration by hand, after checking what changed (pg_file_settings shows what is pending)";
        return;
    }
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
                "pg_terminate_backend(), pg_cancel_backend(), lo_unlink() and pg_reload_conf() reach past the migration: other "
                "sessions' work ended, large objects deleted, configuration reloaded",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
