// CREATE SCHEMA named after a role: PostgreSQL's default search_path is `"$user", public`, and
// "$user" names the schema called like the session's role when one exists (namespace.c
// recomputeNamespacePath). From the moment it commits, that role's unqualified names resolve in the
// new schema first: a table, view or function created there of a name public has takes the
// application's reads and writes (red team F1 A_SCHEMAGRANT, checked on PostgreSQL 15: the app's
// `SELECT count(*) FROM orders` saw its 1 new row in app.orders, not public.orders' 2), and one
// it may not use fails "permission denied" (A_SCHEMAUSER).
// A role's name is known from: AUTHORIZATION r (CREATE SCHEMA AUTHORIZATION r names the schema r;
// CREATE SCHEMA r AUTHORIZATION r), or the file naming it as a role in GRANT ... TO, REVOKE ...
// FROM, OWNER TO, a policy's TO, ALTER ROLE, GRANT role TO. Quiet when the file creates the role
// earlier (CREATE ROLE / USER r: no session runs as it yet). A role only the database knows, named
// nowhere in the file, is not known to pgfence: its schema is not reported (docs/rules page).
#include <set>
#include <string>

#include "analyze/model/path_shadow_note.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

void add_roles(const List* roles, std::set<std::string>& out) {
    for (const pg::Node* node : pg::each(roles)) {
        if (const auto* role = pg::as<RoleSpec>(node); role != nullptr && role->roletype == ROLESPEC_CSTRING) {
            out.emplace(pg::text(role->rolename));
        }
    }
}

// The roles the file names as roles, and the ones it creates before statement `at`.
void roles_of_file(const StatementContext& ctx, std::set<std::string>& named, std::set<std::string>& created) {
    if (ctx.stmts == nullptr) return;
    const std::size_t at = static_cast<std::size_t>(ctx.statement.index);
    for (std::size_t i = 0; i < ctx.stmts->size(); ++i) {
        const pg::Node* node = (*ctx.stmts)[i];
        if (const auto* grant = pg::as<GrantStmt>(node)) add_roles(grant->grantees, named);
        if (const auto* grant = pg::as<GrantRoleStmt>(node)) add_roles(grant->grantee_roles, named);
        if (const auto* owner = pg::as<AlterOwnerStmt>(node); owner != nullptr && owner->newowner != nullptr &&
                                                              owner->newowner->roletype == ROLESPEC_CSTRING) {
            named.emplace(pg::text(owner->newowner->rolename));
        }
        if (const auto* policy = pg::as<CreatePolicyStmt>(node)) add_roles(policy->roles, named);
        if (const auto* alter = pg::as<AlterRoleStmt>(node); alter != nullptr && alter->role != nullptr &&
                                                            alter->role->roletype == ROLESPEC_CSTRING) {
            named.emplace(pg::text(alter->role->rolename));
        }
        if (const auto* table = pg::as<AlterTableStmt>(node)) {
            for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(table->cmds)) {
                if (cmd->subtype == AT_ChangeOwner && cmd->newowner != nullptr && cmd->newowner->roletype == ROLESPEC_CSTRING) {
                    named.emplace(pg::text(cmd->newowner->rolename));
                }
            }
        }
        if (const auto* role = pg::as<CreateRoleStmt>(node); role != nullptr && i < at) created.emplace(pg::text(role->role));
    }
}

// CREATE TABLE of a name an existing relation has in another schema, in a schema a search_path the
// migrations set lists first (analyze/model/search_paths.hpp notes it).
// A view likewise (CREATE VIEW app.orders over a public.orders table): the application's reads get
// the view's rows, and its writes go to the view (or fail where it is not updatable).
void check_path_shadow(const StatementContext& ctx, Sink& sink, bool view) {
    for (const std::string& note : ctx.statement.notes) {
        if (!note.starts_with(k_path_shadow_note)) continue;
        Finding& f = sink.add(ctx.statement, (view ? "CREATE VIEW: " : "CREATE TABLE: ") + note.substr(k_path_shadow_note.size()) +
                                                 (view ? ": its reads return the view's rows instead of the old relation's, and its "
                                                         "writes go through the view, or fail where the view cannot take them"
                                                       : ": its reads return none of the old table's rows, and its writes go to the new one"));
        f.fix = std::string(view ? "give the new view" : "give the new table") + " a name no schema of that path has, or create it in a schema the path lists after the "
                "existing one; qualify the names the application uses";
    }
}

void check(const StatementContext& ctx, Sink& sink) {
    if (ctx.as<CreateStmt>() != nullptr || ctx.as<ViewStmt>() != nullptr) return check_path_shadow(ctx, sink, ctx.as<ViewStmt>() != nullptr);
    const auto* schema = ctx.as<CreateSchemaStmt>();
    if (schema == nullptr) return;
    const RoleSpec* auth = schema->authrole;
    const std::string owner = auth != nullptr && auth->roletype == ROLESPEC_CSTRING ? std::string(pg::text(auth->rolename)) : "";
    const std::string name = schema->schemaname != nullptr ? std::string(pg::text(schema->schemaname)) : owner;
    if (name.empty() || name == "public") return;
    std::set<std::string> named, created;
    roles_of_file(ctx, named, created);
    if (created.count(name) > 0) return;
    std::string why;
    if (name == owner) why = "its owner, role " + quote_ident(name) + ", has its name";
    else if (named.count(name) > 0) why = "this migration names a role " + quote_ident(name);
    else return;
    Finding& f = sink.add(ctx.statement, "CREATE SCHEMA " + quote_ident(name) + ": " + why + ", and the default search_path "
                                             "\"$user\", public puts a schema named like the session's role first: from the moment "
                                             "it commits, that role's unqualified names resolve in " + quote_ident(name) + " before "
                                             "public, so a table, view or function made there of a name public has takes the "
                                             "application's reads and writes, or fails them \"permission denied\"");
    f.fix = "name the schema after no role (or set the role's search_path explicitly, ALTER ROLE ... SET search_path), and "
            "qualify the names the application uses";
}

}  // namespace

PGFENCE_RULE(schema_shadows_role_path) {
    return Rule{"schema-shadows-role-path", Risk::High,
                "A schema named after a role comes first in that role's default search_path, or a new table or view in a schema a search_path lists before an existing one's, and takes its unqualified names",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
