// ALTER DATABASE / ROLE ... SET default_transaction_read_only = on (and ALTER SYSTEM SET): every
// new session of the database (or role) starts read-only, and the application's writes fail
// with "cannot execute INSERT in a read-only transaction". No lock is taken.
#include <cctype>
#include <string>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// Does the SET turn the setting on (on, true, yes, 1, and their prefixes PostgreSQL accepts: parse_bool)?
bool turns_on(const VariableSetStmt* set) {
    if (set == nullptr || set->kind != VAR_SET_VALUE || pg::text(set->name) != "default_transaction_read_only") return false;
    if (pg::length(set->args) != 1) return false;
    const auto* c = pg::as<A_Const>(pg::nth(set->args, 0));
    if (c == nullptr || c->isnull) return false;
    if (c->val.node.type == T_Integer) return c->val.ival.ival != 0;
    if (c->val.node.type == T_Boolean) return c->val.boolval.boolval;
    if (c->val.node.type != T_String) return false;
    std::string value(pg::text(c->val.sval.sval));
    for (char& ch : value) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    // PostgreSQL's parse_bool (utils/adt/bool.c): a prefix of true or yes, "on", or "1".
    const auto prefix_of = [&](std::string_view word) { return !value.empty() && word.substr(0, value.size()) == value; };
    return prefix_of("true") || prefix_of("yes") || value == "on" || value == "1";
}

void check(const StatementContext& ctx, Sink& sink) {
    std::string scope;
    const VariableSetStmt* set = nullptr;
    if (const auto* db = ctx.as<AlterDatabaseSetStmt>()) {
        set = db->setstmt;
        scope = "database " + quote_ident(pg::text(db->dbname));
    } else if (const auto* role = ctx.as<AlterRoleSetStmt>()) {
        set = role->setstmt;
        scope = role->role != nullptr && role->role->rolename != nullptr ? "role " + quote_ident(pg::text(role->role->rolename))
                                                                         : std::string("every role");
    } else if (const auto* system = ctx.as<AlterSystemStmt>()) {
        set = system->setstmt;
        scope = "server (every database, once the configuration is reloaded)";
    }
    if (!turns_on(set)) return;
    Finding& f = sink.add(ctx.statement, "default_transaction_read_only = on for the " + scope +
                                             ": every new session starts read-only, and the application's writes "
                                             "fail (\"cannot execute INSERT in a read-only transaction\") from its next "
                                             "connection on, with no lock to show it");
    f.fix = "do not change it in a migration; a maintenance window that makes the database read-only is an operation, "
            "run and reverted by hand";
}

}  // namespace

PGFENCE_RULE(read_only_default) {
    return Rule{"read-only-default", Risk::High,
                "ALTER DATABASE / ROLE / SYSTEM ... SET default_transaction_read_only = on makes every write fail",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
