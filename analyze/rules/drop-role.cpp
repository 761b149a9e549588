// DROP ROLE: the role's new connections fail; DROP OWNED BY: every object the role owns is
// dropped, tables with their rows, and its privileges revoked. Neither takes a table lock the
// model shows (DROP OWNED's objects are not known from the SQL).
#include <string>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {


void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* drop = ctx.as<DropRoleStmt>()) {
        Finding& f = sink.add(ctx.statement, "DROP ROLE " + role_list(drop->roles) +
                                                 ": code that connects as it (or SET ROLE to it) fails from the moment it "
                                                 "commits; PostgreSQL refuses while it owns objects or holds privileges, "
                                                 "which then makes the migration fail");
        f.fix = "retire a role only after no deployed code connects as it, in a later release, with REASSIGN OWNED "
                "first";
        return;
    }
    if (const auto* owned = ctx.as<DropOwnedStmt>()) {
        Finding& f = sink.add(ctx.statement, "DROP OWNED BY " + role_list(owned->roles) +
                                                 " drops every object it owns in this database, tables with all their "
                                                 "rows, and revokes its privileges: which objects is not known here");
        f.risk = Risk::Critical;
        f.fix = "REASSIGN OWNED BY the role TO another first, so that DROP OWNED only revokes privileges; "
                "drop the objects that should go with their own reviewed statements";
    }
}

}  // namespace

PGFENCE_RULE(drop_role) {
    return Rule{"drop-role", Risk::High,
                "DROP ROLE breaks code that connects as it; DROP OWNED deletes everything the role owns", check, nullptr,
                true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
