// ALTER ROLE app NOLOGIN, ... CONNECTION LIMIT 0 (any limit but -1: report_limit), ... VALID UNTIL a past date, ... PASSWORD, ... NOINHERIT, and ALTER DATABASE
// app ALLOW_CONNECTIONS false or CONNECTION LIMIT 0: the role's (the database's) new connections
// are refused, the application's pool included, with no lock taken.
#include <cctype>
#include <optional>
#include <string>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// "role app", PUBLIC, CURRENT_USER ..., or "the role".
std::string role_name(const RoleSpec* role) {
    if (role == nullptr) return "the role";
    return role->roletype == ROLESPEC_CSTRING ? "role " + operation::role_spec_text(role) : operation::role_spec_text(role);
}

// A DefElem's value read as PostgreSQL's defGetBoolean reads it (commands/define.c): 0 or 1, or
// true/false/on/off as text; nullopt for anything else.
std::optional<bool> boolean_value(const DefElem* d) {
    if (const auto* number = pg::as<Integer>(d->arg)) return number->ival != 0;
    if (const auto* flag = pg::as<Boolean>(d->arg)) return flag->boolval;
    if (!pg::is<String>(d->arg)) return std::nullopt;
    std::string value(pg::text(d->arg));
    for (char& ch : value) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (value == "true" || value == "on") return true;
    if (value == "false" || value == "off") return false;
    return std::nullopt;
}

// A connection limit under this many is HIGH: below two instances of the common pools' default
// size (HikariCP's maximumPoolSize, node-postgres' Pool max: 10 each) or one PgBouncer
// default_pool_size (20), so most applications' connections are refused at once. At or above it,
// MEDIUM: pgfence does not know the pool sizes, and a deploy that starts new instances before
// stopping the old ones needs twice as many.
constexpr int k_pool_floor = 20;

// ALTER ROLE / DATABASE ... CONNECTION LIMIT n, n > 0 (-1 is no limit, 0 closes it: reported
// below): every connection past n but a superuser's is refused (checked on PostgreSQL 15: with
// CONNECTION LIMIT 2 the third connection of role app fails "FATAL: too many connections for role
// "app""; postinit.c checks rolconnlimit and datconnlimit at each login).
void report_limit(const StatementContext& ctx, Sink& sink, const std::string& statement, const std::string& who,
                  const std::string& error, int limit) {
    Finding& f = sink.add(ctx.statement, statement + " CONNECTION LIMIT " + std::to_string(limit) + ": " + who +
                                             " accepts at most " + std::to_string(limit) +
                                             " connections (superusers' aside): each connection past them (a pool larger "
                                             "than that, a second instance, the new release starting while the old one "
                                             "runs) fails \"" + error + "\", with no lock to show it; pgfence does not know "
                                             "the application's pool sizes" +
                                             (limit < k_pool_floor ? ", and " + std::to_string(limit) + " is below one "
                                                                     "common pool's default (20)"
                                                                   : std::string()));
    if (limit >= k_pool_floor) f.risk = Risk::Medium;
    f.fix = "size a connection limit from every instance's pool (instances x pool size, twice that during a deploy) "
            "and set it outside migrations, with the pools' sizes changed first";
}

// ALTER DATABASE app ALLOW_CONNECTIONS false, ... CONNECTION LIMIT 0: every new connection to
// the database is refused (checked on PostgreSQL 15: "database "app" is not currently accepting
// connections", "too many connections for database "app"").
void check_database(const AlterDatabaseStmt* alter, const StatementContext& ctx, Sink& sink) {
    std::string how;
    for (const DefElem* d : pg::each<DefElem>(alter->options)) {
        const std::string_view name = pg::text(d->defname);
        const auto* number = pg::as<Integer>(d->arg);
        if (name == "allow_connections" && boolean_value(d) == std::optional<bool>(false)) how = "ALLOW_CONNECTIONS false";
        if (name == "connection_limit" && number != nullptr && number->ival == 0) how = "CONNECTION LIMIT 0";
        if (name == "connection_limit" && number != nullptr && number->ival > 0) {
            const std::string db = quote_ident(pg::text(alter->dbname));
            report_limit(ctx, sink, "ALTER DATABASE " + db, "database " + db,
                         "too many connections for database " + std::string(pg::text(alter->dbname)), number->ival);
        }
    }
    if (how.empty()) return;
    Finding& f = sink.add(ctx.statement, "ALTER DATABASE ... " + how + ": database " + quote_ident(pg::text(alter->dbname)) +
                                             " refuses every new connection" +
                                             (how == "CONNECTION LIMIT 0" ? " but a superuser's" : ", a superuser's too") + ": "
                                             "each new connection of the application (a pool refilling, a new instance) "
                                             "fails, with no lock to show it");
    f.fix = "do not close a database in a migration; a maintenance window that does is an operation, run and reverted "
            "by hand";
}

// ALTER ROLE app RENAME TO ..., ALTER DATABASE app RENAME TO ...: the application connects by the
// old name, and each new connection is refused (checked on PostgreSQL 15: "role "app" does not
// exist", "database "app" does not exist").
void check_rename(const RenameStmt* rename, const StatementContext& ctx, Sink& sink) {
    if (rename->renameType != OBJECT_ROLE && rename->renameType != OBJECT_DATABASE) return;
    if (rename->subname == nullptr || rename->newname == nullptr) return;
    const bool role = rename->renameType == OBJECT_ROLE;
    const std::string old_name = quote_ident(pg::text(rename->subname));
    Finding& f = sink.add(ctx.statement, std::string(role ? "ALTER ROLE " : "ALTER DATABASE ") + old_name + " RENAME TO " +
                                             quote_ident(pg::text(rename->newname)) + ": each new connection that " +
                                             (role ? "logs in as " : "asks for database ") + old_name +
                                             " (the application's, configured with that name: a pool refilling, a new "
                                             "instance) is refused, \"" + (role ? "role " : "database ") +
                                             std::string(pg::text(rename->subname)) + " does not exist\", with no lock to show it" +
                                             (role ? "; an MD5 password is cleared by the rename too" : ""));
    f.fix = std::string("keep the old name until no deployed code connects with it; ") +
            (role ? "to move the application to another role, create that role, grant it what the old one has, and "
                    "switch the application's configuration first"
                  : "a database is renamed by hand, with the application stopped and its configuration changed");
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* db = ctx.as<AlterDatabaseStmt>()) return check_database(db, ctx, sink);
    if (const auto* rename = ctx.as<RenameStmt>()) return check_rename(rename, ctx, sink);
    const auto* alter = ctx.as<AlterRoleStmt>();
    if (alter == nullptr) return;
    std::string how;
    bool inherit = false;  // NOINHERIT
    for (const DefElem* d : pg::each<DefElem>(alter->options)) {
        const std::string_view name = pg::text(d->defname);
        const auto* flag = pg::as<Boolean>(d->arg);
        const auto* number = pg::as<Integer>(d->arg);
        if (name == "canlogin" && flag != nullptr && !flag->boolval) how = "NOLOGIN";
        if (name == "connectionlimit" && number != nullptr && number->ival == 0) how = "CONNECTION LIMIT 0";
        // A role created earlier in the file: no session uses it yet, its limit is its setup.
        if (name == "connectionlimit" && number != nullptr && number->ival > 0 && !operation::role_created_earlier(ctx, alter->role)) {
            report_limit(ctx, sink,
                         "ALTER ROLE " + (alter->role != nullptr ? operation::role_spec_text(alter->role) : role_name(nullptr)),
                         role_name(alter->role),
                         "too many connections for role " +
                             (alter->role != nullptr && alter->role->roletype == ROLESPEC_CSTRING
                                  ? std::string(pg::text(alter->role->rolename))
                                  : std::string("...")),
                         number->ival);
        }
        if (name == "validUntil") how = "VALID UNTIL (a date that may be past)";
        // A new password (or none): the application logs in with the one it is configured
        // with, which no longer matches (checked on PostgreSQL 15: "password authentication
        // failed for user").
        if (name == "password") how = d->arg == nullptr ? "PASSWORD NULL" : "PASSWORD";
        if (name == "inherit" && flag != nullptr && !flag->boolval) inherit = true;
    }
    if (inherit && how.empty()) {
        // NOINHERIT: the privileges of the roles granted to it are no longer its own (checked on
        // PostgreSQL 15: a SELECT through a granted role's privilege fails "permission denied").
        Finding& f = sink.add(ctx.statement, "ALTER ROLE ... NOINHERIT: " + role_name(alter->role) +
                                                 " no longer has the privileges of the roles granted to it: when the application "
                                                 "connects as it and reads or writes through such a grant, each query fails "
                                                 "\"permission denied\", with no lock to show it");
        f.fix = "grant the role what it needs directly, and check it with SET ROLE, before removing INHERIT; or keep INHERIT";
        return;
    }
    if (how.empty()) return;
    if (how.starts_with("PASSWORD")) {
        Finding& f = sink.add(ctx.statement, "ALTER ROLE ... " + how + ": " + role_name(alter->role) +
                                                 "'s password changes: when the application logs in as it with the password it "
                                                 "is configured with, each new connection (a pool refilling, a new instance) "
                                                 "fails \"password authentication failed\", with no lock to show it");
        f.fix = "rotate a password outside migrations: create a second login role (or set the new password in the "
                "application's secret store first), deploy, then retire the old one";
        return;
    }
    Finding& f = sink.add(ctx.statement, "ALTER ROLE ... " + how + ": " + role_name(alter->role) +
                                             " can no longer open connections: when the application connects as it, "
                                             "each new connection (a pool refilling, a new instance) is refused, "
                                             "with no lock to show it");
    f.fix = "retire a role only after no deployed code connects as it (pg_stat_activity shows its sessions), "
            "in a later release";
}

}  // namespace

PGFENCE_RULE(role_login_removed) {
    return Rule{"role-login-removed", Risk::High,
                "ALTER ROLE ... NOLOGIN, CONNECTION LIMIT 0 (or a small limit), PASSWORD or NOINHERIT, ALTER DATABASE ... ALLOW_CONNECTIONS false or CONNECTION LIMIT: the application's connections or queries are refused", check, nullptr,
                true, "locking"};
}

}  // namespace pgfence::analyze::rules
