// ALTER ROLE / ALTER USER app NOBYPASSRLS, or NOSUPERUSER: row-level security now applies to the
// role. PostgreSQL skips a table's policies for a superuser and for a role with BYPASSRLS
// (check_enable_rls, src/backend/utils/misc/rls.c: has_bypassrls_privilege, which is true for a
// superuser too); once the attribute is gone, each query the role runs on a table with row security
// enabled returns only the rows a policy admits to it, none where no policy names it, and its writes
// that no policy admits fail (red team h1 T_NOBYPASS2, PostgreSQL 15: the application read its RLS
// table whole, then 0 rows). NOSUPERUSER also subjects it to every privilege check it passed as a
// superuser. No lock shows either: the catalog row changes and the next query sees it.
// Quiet for a role created earlier in the same file: no deployed code connects as it yet.
#include <string>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    const auto* alter = ctx.as<AlterRoleStmt>();
    if (alter == nullptr) return;
    bool no_bypass = false, no_superuser = false;
    for (const DefElem* d : pg::each<DefElem>(alter->options)) {
        const std::string_view name = pg::text(d->defname);
        const auto* flag = pg::as<Boolean>(d->arg);
        if (flag == nullptr || flag->boolval) continue;
        if (name == "bypassrls") no_bypass = true;
        if (name == "superuser") no_superuser = true;
    }
    if (!no_bypass && !no_superuser) return;
    const RoleSpec* role = alter->role;
    if (operation::role_created_earlier(ctx, role)) return;
    const std::string who = role == nullptr ? std::string("the role")
                            : role->roletype == ROLESPEC_CSTRING ? "role " + quote_ident(pg::text(role->rolename))
                                                                 : std::string("the current role");
    const std::string what = no_superuser ? (no_bypass ? "NOSUPERUSER NOBYPASSRLS" : "NOSUPERUSER") : "NOBYPASSRLS";
    std::string message = "ALTER ROLE ... " + what + ": row-level security now applies to " + who +
                          ": on each table with row security enabled, its queries return only the rows a policy admits "
                          "to it (none where no policy names it) and its writes no policy admits fail";
    if (no_superuser) {
        message += "; and every privilege check it passed as a superuser now applies: its queries on objects it has no "
                   "GRANT on fail \"permission denied\"";
    }
    message += ", from the moment it commits, with no lock or error at migration time to show it";
    Finding& f = sink.add(ctx.statement, message);
    f.fix = "check with SET ROLE what the application's role reads from each table with row security before and after; "
            "create policies admitting its rows (and grant what it needs) first, then remove the attribute in a later "
            "migration";
}

}  // namespace

PGFENCE_RULE(role_row_security_applies) {
    return Rule{"role-row-security-applies", Risk::High,
                "ALTER ROLE ... NOBYPASSRLS or NOSUPERUSER: row-level security (and, for NOSUPERUSER, every privilege check) now applies to the application's role: its queries see fewer rows or fail",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
