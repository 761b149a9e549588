// ALTER DATABASE / ROLE / SYSTEM ... SET statement_timeout = 1 (or transaction_timeout,
// idle_in_transaction_session_timeout, idle_session_timeout, lock_timeout) below a second: every new session of the database (or
// role) starts with it, and the application's ordinary queries are cancelled ("canceling
// statement due to statement timeout", checked on PostgreSQL 15 with a role's statement_timeout
// of 1) or its sessions terminated. idle_session_timeout at any value above 0 (idle_session): a
// pool's idle connections are killed. No lock is taken.
#include <string>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

constexpr long k_too_short_ms = 1000;

// What each setting does to the application once it is too short.
std::string_view effect_of(std::string_view name) {
    if (name == "statement_timeout") return "each of its statements that runs longer is cancelled";
    if (name == "transaction_timeout") return "each of its transactions that lasts longer is ended, and its session with it";
    if (name == "idle_in_transaction_session_timeout") {
        return "each of its sessions that waits that long inside a transaction (a round trip to the application) is terminated";
    }
    // Checked on PostgreSQL 15 with a role's setting of 1: "FATAL: terminating connection due to
    // idle-session timeout" between two statements; "canceling statement due to lock timeout" for
    // an UPDATE of a row another transaction holds.
    if (name == "idle_session_timeout") {
        return "each of its sessions is terminated as soon as it sits idle that long between two statements (a pooled "
               "connection waiting for its next request)";
    }
    if (name == "lock_timeout") return "each of its statements that waits longer for a lock (a row another transaction is updating) fails";
    return {};
}

// The SET's value in milliseconds (a bare number is milliseconds for these settings).
std::optional<long> value_ms(const VariableSetStmt* set) {
    if (pg::length(set->args) != 1) return std::nullopt;
    const auto* c = pg::as<A_Const>(pg::nth(set->args, 0));
    if (c == nullptr || c->isnull) return std::nullopt;
    if (c->val.node.type == T_Integer) return static_cast<long>(c->val.ival.ival);
    if (c->val.node.type == T_Float) return duration_ms(pg::text(c->val.fval.fval));
    if (c->val.node.type == T_String) return duration_ms(pg::text(c->val.sval.sval));
    return std::nullopt;
}

// idle_session_timeout at any value: a pool keeps connections idle between requests by design, so
// the server closes them under it and the pool hands out dead ones (checked on PostgreSQL 15 with a
// role's idle_session_timeout = '2s': a query after 3 s idle fails "FATAL: terminating connection
// due to idle-session timeout"). PostgreSQL's documentation warns against enforcing it on
// connections made through connection-pooling software (runtime-config-client.html).
void idle_session(const StatementContext& ctx, Sink& sink, const std::string& scope, long ms) {
    Finding& f = sink.add(ctx.statement, "idle_session_timeout = " + std::to_string(ms) + "ms for " + scope +
                                             ": every new session starts with it, and each session that sits idle that "
                                             "long between two statements is terminated by the server; a connection pool "
                                             "keeps its connections idle between requests by design, so it hands the "
                                             "application dead connections (\"terminating connection due to idle-session "
                                             "timeout\", \"connection to server was lost\"), from its next connection on, "
                                             "with no lock to show it");
    f.fix = "leave idle_session_timeout at 0 for the application's roles and databases; close idle connections in the "
            "pool (its idle timeout) or the pooler instead";
}

void check(const StatementContext& ctx, Sink& sink) {
    std::string scope;
    const VariableSetStmt* set = nullptr;
    if (const auto* db = ctx.as<AlterDatabaseSetStmt>()) {
        set = db->setstmt;
        scope = "the database " + quote_ident(pg::text(db->dbname));
    } else if (const auto* role = ctx.as<AlterRoleSetStmt>()) {
        set = role->setstmt;
        scope = role->role != nullptr && role->role->rolename != nullptr ? "the role " + quote_ident(pg::text(role->role->rolename))
                                                                         : std::string("every role");
    } else if (const auto* system = ctx.as<AlterSystemStmt>()) {
        set = system->setstmt;
        scope = "the server (every database, once the configuration is reloaded)";
    }
    if (set == nullptr || set->kind != VAR_SET_VALUE || set->name == nullptr) return;
    const std::string name(pg::text(set->name));
    const std::string_view effect = effect_of(name);
    if (effect.empty()) return;
    const std::optional<long> ms = value_ms(set);
    if (!ms || *ms <= 0) return;  // 0 turns it off
    if (name == "idle_session_timeout") return idle_session(ctx, sink, scope, *ms);
    if (*ms >= k_too_short_ms) return;
    Finding& f = sink.add(ctx.statement, name + " = " + std::to_string(*ms) + "ms for " + scope +
                                             ": every new session starts with it, and " + std::string(effect) +
                                             ": the application's ordinary queries fail from its next connection on, "
                                             "with no lock to show it");
    f.fix = "set a timeout for the migration's own session (SET " + name + " = ...) instead; a default for the "
            "application's role or database is configuration, chosen with the application's slowest query in view";
}

}  // namespace

PGFENCE_RULE(default_timeout_too_short) {
    return Rule{"default-timeout-too-short", Risk::High,
                "ALTER DATABASE / ROLE / SYSTEM ... SET statement_timeout (or a like timeout) under a second, or "
                "idle_session_timeout at any value, fails the application's queries or kills its pooled connections",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
