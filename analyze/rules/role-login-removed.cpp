// ALTER ROLE app NOLOGIN, ... CONNECTION LIMIT 0, ... VALID UNTIL a past date: the role's new
// connections are refused, the application's pool included, with no lock taken.
#include <string>

#include "analyze/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

std::string role_name(const RoleSpec* role) {
    if (role == nullptr) return "the role";
    switch (role->roletype) {
        case ROLESPEC_CSTRING: return "role " + quote_ident(pg::text(role->rolename));
        case ROLESPEC_PUBLIC: return "PUBLIC";
        case ROLESPEC_CURRENT_ROLE: return "CURRENT_ROLE";
        case ROLESPEC_CURRENT_USER: return "CURRENT_USER";
        case ROLESPEC_SESSION_USER: return "SESSION_USER";
    }
    return "the role";
}

void check(const StatementContext& ctx, Sink& sink) {
    const auto* alter = ctx.as<AlterRoleStmt>();
    if (alter == nullptr) return;
    std::string how;
    for (const DefElem* d : pg::each<DefElem>(alter->options)) {
        const std::string_view name = pg::text(d->defname);
        const auto* flag = pg::as<Boolean>(d->arg);
        const auto* number = pg::as<Integer>(d->arg);
        if (name == "canlogin" && flag != nullptr && !flag->boolval) how = "NOLOGIN";
        if (name == "connectionlimit" && number != nullptr && number->ival == 0) how = "CONNECTION LIMIT 0";
        if (name == "validUntil") how = "VALID UNTIL (a date that may be past)";
    }
    if (how.empty()) return;
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
                "ALTER ROLE ... NOLOGIN or CONNECTION LIMIT 0 refuses the role's new connections", check, nullptr,
                true, "locking"};
}

}  // namespace pgfence::analyze::rules
