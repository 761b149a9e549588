// REVOKE on tables, schemas, sequences, functions or the database, ALTER DEFAULT PRIVILEGES ...
// REVOKE (for the objects made from now on), and REVOKE of a role's membership: the application's queries that relied on the privilege fail ("permission denied")
// from the moment it commits, with no lock to show it. ALTER ... OWNER TO and REASSIGN OWNED take
// privileges too: the old owner's, which it held as owner and not by a GRANT.
#include <cctype>
#include <map>
#include <string>

#include "analyze/model/catalog.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/model/owner_note.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/file_syntax_index.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {


const char* object_kind(ObjectType type) {
    switch (type) {
        case OBJECT_TABLE: return "tables";
        case OBJECT_SEQUENCE: return "sequences";
        case OBJECT_SCHEMA: return "schemas";
        case OBJECT_DATABASE: return "databases";
        case OBJECT_FUNCTION:
        case OBJECT_PROCEDURE:
        case OBJECT_ROUTINE: return "functions";
        case OBJECT_TYPE:
        case OBJECT_DOMAIN: return "types";
        default: return "objects";
    }
}

// Privileges only DDL uses (CREATE on a schema or database, TEMPORARY, TRIGGER, REFERENCES): the
// application's queries rarely need them (PostgreSQL 15 revokes CREATE on public from PUBLIC itself).
bool ddl_only(const List* privileges) {
    if (pg::length(privileges) == 0) return false;  // ALL PRIVILEGES
    for (const AccessPriv* p : pg::each<AccessPriv>(privileges)) {
        const std::string_view name = p != nullptr && p->priv_name != nullptr ? pg::text(p->priv_name) : std::string_view();
        if (name != "create" && name != "temporary" && name != "temp" && name != "trigger" && name != "references") return false;
    }
    return true;
}

// Tables named by the REVOKE, every one created earlier in this file: nobody else used them yet.
// The file's CREATE TABLEs are read once (file_syntax_index.hpp).
bool only_new_tables(const StatementContext& ctx, const GrantStmt* grant) {
    if (grant->targtype != ACL_TARGET_OBJECT || grant->objtype != OBJECT_TABLE || pg::length(grant->objects) == 0) return false;
    if (ctx.stmts == nullptr) return false;
    const auto& created = per_file_syntax<std::map<std::string, int>>(ctx, [](std::map<std::string, int>& out, const auto& stmts) {
        for (std::size_t i = 0; i < stmts.size(); ++i) {
            const auto* create = pg::as<CreateStmt>(stmts[i]);
            if (create != nullptr && create->relation != nullptr) out.try_emplace(pg::display_name(create->relation), static_cast<int>(i));
        }
    });
    for (const RangeVar* rv : pg::each<RangeVar>(grant->objects)) {
        auto at = created.find(pg::display_name(rv));
        if (at == created.end() || at->second >= ctx.statement.index) return false;
    }
    return true;
}

// ---- OWNER TO, REASSIGN OWNED ----

const char* owned_kind(ObjectType type) {
    switch (type) {
        case OBJECT_TABLE: return "table";
        case OBJECT_VIEW: return "view";
        case OBJECT_MATVIEW: return "materialized view";
        case OBJECT_SEQUENCE: return "sequence";
        case OBJECT_FOREIGN_TABLE: return "foreign table";
        case OBJECT_SCHEMA: return "schema";
        case OBJECT_FUNCTION: return "function";
        case OBJECT_PROCEDURE: return "procedure";
        case OBJECT_ROUTINE: return "routine";
        default: return nullptr;
    }
}

std::string new_owner(const RoleSpec* role) {
    if (role == nullptr) return "another role";
    if (role->roletype == ROLESPEC_CSTRING) return quote_ident(pg::text(role->rolename));
    return "the current role";
}

// Was the function (procedure) named here created by an earlier statement of this file?
bool routine_created_earlier(const StatementContext& ctx, std::string_view name) {
    bool found = false;
    operation::for_each_earlier(ctx, [&](const StatementFacts&, const pg::Node* stmt) {
        const auto* create = pg::as<CreateFunctionStmt>(stmt);
        found = create != nullptr && pg::last_name(create->funcname) == name;
        return found;
    });
    return found;
}

// A built-in object: its old owner is the bootstrap superuser, which loses nothing (a superuser
// passes every privilege check; checked on PostgreSQL 15: it still alters pg_catalog.lo_import
// after OWNER TO another role).
bool built_in_schema(std::string_view schema) { return schema == "pg_catalog" || schema == "information_schema"; }

// name(argtypes) as regprocedure shows it, or name() when the statement lists no arguments.
std::string routine_signature(const ObjectWithArgs* routine) {
    std::string out = pg::qualified_name(routine->objname) + "(";
    bool first = true;
    for (const TypeName* type : pg::each<TypeName>(routine->objargs)) {
        if (!first) out += ", ";
        first = false;
        out += canonical_type(type);
    }
    return out + ")";
}

// The old owner keeps nothing it held as owner: PostgreSQL's ALTER ... OWNER TO rewrites the
// object's ACL with aclnewowner() (src/backend/utils/adt/acl.c), which gives the old owner's
// entries to the new one, and a default (NULL) ACL means "the owner's". Checked on PostgreSQL 15:
// the role that owned a table, a sequence or a schema and had no GRANT on it gets "permission
// denied" on its next SELECT, INSERT, nextval() or CREATE; a view it owned fails too, since a view
// reads its tables with its owner's privileges; a role that is a member of the new owner keeps them.
void report_owner(const StatementContext& ctx, Sink& sink, const char* kind, const std::string& name,
                  const RoleSpec* to) {
    const std::string who = new_owner(to);
    const bool routine = std::string_view(kind) == "function" || std::string_view(kind) == "procedure" ||
                         std::string_view(kind) == "routine";
    const bool schema = std::string_view(kind) == "schema";
    std::string lost = routine ? "the right to replace, alter or drop it (a later migration run as that role fails); "
                                 "EXECUTE stays with PUBLIC unless it was revoked, and a SECURITY DEFINER " +
                                     std::string(kind) + " now runs with " + who + "'s privileges"
                       : schema ? "USAGE and CREATE on it: each query of that role naming an object in " + name +
                                      " fails with \"permission denied for schema\", its own tables' included"
                                : "every privilege it held as owner: when the application connects as that role "
                                  "and has no GRANT of its own, each of its " +
                                      std::string(std::string_view(kind) == "sequence" ? "nextval() calls on " + name
                                                                                      : "queries on " + name + " (and on views it owned over it)") +
                                      " fails with \"permission denied\"";
    std::string keyword(kind);
    for (char& ch : keyword) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    Finding& f = sink.add(ctx.statement, "ALTER " + keyword + " " + name + " OWNER TO " + who +
                                             ": the old owner loses " + lost + ", from the moment it commits, with no "
                                             "lock to show it");
    if (routine) f.risk = Risk::Medium;
    if (!routine && !schema) f.relation = name;
    f.fix = "grant the old owner (the application's role) what its queries need on " + name +
            " first, or make it a member of " + who + ", then change the owner in a later migration";
}

bool has_note(const StatementFacts& statement, const std::string& note) {
    for (const auto& n : statement.notes) {
        if (n == note) return true;
    }
    return false;
}

// ALTER TABLE | VIEW | MATERIALIZED VIEW | SEQUENCE ... OWNER TO: on a relation that existed
// before this migration (in the history, or unknown to pgfence).
void check_alter_table_owner(const StatementContext& ctx, const AlterTableStmt* stmt, Sink& sink) {
    if (stmt->relation == nullptr) return;
    const char* kind = owned_kind(stmt->objtype);
    if (kind == nullptr) return;
    const std::string& name = ctx.display_name(stmt->relation);
    int index = -1;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        ++index;
        if (cmd->subtype != AT_ChangeOwner) continue;
        if (operation::existing(ctx.statement, name) == nullptr) return;  // created in this migration
        if (stmt->relation->schemaname != nullptr && built_in_schema(pg::text(stmt->relation->schemaname))) return;
        if (cmd->newowner != nullptr && cmd->newowner->roletype == ROLESPEC_CSTRING &&
            has_note(ctx.statement, owner_unchanged_note(name, quote_ident(pg::text(cmd->newowner->rolename))))) {
            return;  // the migrations gave it to that role already
        }
        ctx.subcommand = index;
        report_owner(ctx, sink, kind, name, cmd->newowner);
        ctx.subcommand = -1;
        return;
    }
}

void check_owner(const StatementContext& ctx, const AlterOwnerStmt* stmt, Sink& sink) {
    const char* kind = owned_kind(stmt->objectType);
    if (kind == nullptr) return;
    if (stmt->objectType == OBJECT_SCHEMA) {
        const std::string name(pg::text(stmt->object));
        if (operation::schema_created_earlier(ctx, name) || built_in_schema(name)) return;
        return report_owner(ctx, sink, kind, quote_ident(name), stmt->newowner);
    }
    const auto* routine = pg::as<ObjectWithArgs>(stmt->object);
    if (routine == nullptr) return;
    if (routine_created_earlier(ctx, pg::last_name(routine->objname))) return;
    if (pg::length(routine->objname) == 2 && built_in_schema(pg::text(pg::nth(routine->objname, 0)))) return;
    report_owner(ctx, sink, kind, routine_signature(routine), stmt->newowner);
}

// REASSIGN OWNED BY old TO new: every object the old roles own in this database (and the shared
// objects: databases, tablespaces) changes owner, with the harm of OWNER TO on each.
void check_reassign(const StatementContext& ctx, const ReassignOwnedStmt* stmt, Sink& sink) {
    const std::string from = role_list(stmt->roles);
    const std::string to = new_owner(stmt->newrole);
    Finding& f = sink.add(ctx.statement, "REASSIGN OWNED BY " + from + " TO " + to + ": every table, view, sequence, "
                                             "schema and function " + from + " owns in this database changes owner, and " +
                                             from + " loses every privilege it held as owner: when the application "
                                             "connects as " + from + " and has no GRANT of its own, each of its queries "
                                             "fails with \"permission denied\", from the moment it commits");
    f.fix = "grant " + from + " what the application needs (or make it a member of " + to +
            ") first, then reassign in a later migration; to retire a role, reassign only after no deployed code "
            "connects as it";
}

// ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA s] REVOKE ... ON TABLES | SEQUENCES | FUNCTIONS |
// TYPES | SCHEMAS FROM role: the objects that exist keep their privileges, but every one made from
// now on (by those roles, in those schemas) lacks them: the application's first query of a table a
// later migration creates fails "permission denied" (red team R68 B22, checked on PostgreSQL 15).
// pgfence does not track default privileges: every such REVOKE is reported, as REVOKE is.
void check_default_revoke(const StatementContext& ctx, const AlterDefaultPrivilegesStmt* stmt, Sink& sink) {
    const GrantStmt* grant = stmt->action;
    std::string scope;
    for (const DefElem* d : pg::each<DefElem>(stmt->options)) {
        const List* names = pg::as<List>(d->arg);
        if (pg::text(d->defname) == "roles") scope += " by " + role_list(names);
        if (pg::text(d->defname) != "schemas") continue;
        std::string schemas;
        for (const pg::Node* n : pg::each(names)) schemas += (schemas.empty() ? "" : ", ") + quote_ident(pg::text(n));
        scope += " in schema " + schemas;
    }
    const std::string kind = object_kind(grant->objtype);
    const std::string who = role_list(grant->grantees);
    const std::string what = grant->grant_option ? "the grant option" : "privileges";
    Finding& f = sink.add(ctx.statement, "ALTER DEFAULT PRIVILEGES REVOKE takes " + what + " on future " + kind + " (those created" +
                                             scope + " from now on) from " + who +
                                             ": the existing ones keep theirs, but each one a later migration creates is not "
                                             "accessible to " + who + ", and the application's queries of it fail with "
                                             "\"permission denied\"");
    if (grant->grant_option || ddl_only(grant->privileges)) f.risk = Risk::Medium;
    f.fix = "keep the default privileges the application relies on, or grant what it needs on each new object in the "
            "migration that creates it; revoke only once no later migration relies on them";
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* defaults = ctx.as<AlterDefaultPrivilegesStmt>(); defaults != nullptr && defaults->action != nullptr) {
        if (!defaults->action->is_grant) check_default_revoke(ctx, defaults, sink);
        return;
    }
    if (const auto* alter = ctx.as<AlterTableStmt>()) return check_alter_table_owner(ctx, alter, sink);
    if (const auto* owner = ctx.as<AlterOwnerStmt>()) return check_owner(ctx, owner, sink);
    if (const auto* reassign = ctx.as<ReassignOwnedStmt>()) return check_reassign(ctx, reassign, sink);
    if (const auto* grant = ctx.as<GrantStmt>(); grant != nullptr && !grant->is_grant) {
        if (only_new_tables(ctx, grant)) return;
        const std::string who = role_list(grant->grantees);
        const bool everyone = who.find("PUBLIC") != std::string::npos;
        const std::string what = grant->grant_option ? "the grant option" : "privileges";
        Finding& f = sink.add(ctx.statement,
                              "REVOKE takes " + what + " on " + object_kind(grant->objtype) + " from " + who +
                                  (everyone ? " (every role, the application's included unless granted otherwise)" : "") +
                                  ": queries of code that relied on them fail with \"permission denied\" from the moment "
                                  "it commits, with no lock to show it");
        if (grant->grant_option || ddl_only(grant->privileges)) f.risk = Risk::Medium;
        f.fix = "grant what the application needs to its own role first (checked against the queries it runs), then "
                "revoke in a later migration";
        return;
    }
    // ALTER GROUP writers DROP USER app: the old spelling of REVOKE writers FROM app (gram.y:
    // AlterGroupStmt, an AlterRoleStmt with action -1 and the members under "rolemembers";
    // AlterRole in src/backend/commands/user.c hands them to DelRoleMems, as REVOKE does).
    if (const auto* group = ctx.as<AlterRoleStmt>(); group != nullptr && group->action < 0) {
        for (const DefElem* d : pg::each<DefElem>(group->options)) {
            if (pg::text(d->defname) != "rolemembers") continue;
            const std::string members = role_list(pg::as<List>(d->arg));
            const std::string granted = group->role != nullptr && group->role->roletype == ROLESPEC_CSTRING
                                            ? quote_ident(pg::text(group->role->rolename))
                                            : std::string("the group");
            Finding& f = sink.add(ctx.statement, "ALTER GROUP " + granted + " DROP USER " + members + " (REVOKE " + granted +
                                                     " FROM " + members + "): the members lose every privilege that role gave "
                                                     "them, and code that relied on them fails with \"permission denied\"");
            f.fix = "grant what the application needs to its own role first, then revoke the membership in a later migration";
            return;
        }
    }
    if (const auto* role = ctx.as<GrantRoleStmt>(); role != nullptr && !role->is_grant) {
        std::string granted;
        for (const pg::Node* r : pg::each(role->granted_roles)) {
            const auto* access = pg::as<AccessPriv>(r);
            if (access != nullptr && access->priv_name != nullptr) granted += (granted.empty() ? "" : ", ") + quote_ident(pg::text(access->priv_name));
        }
        Finding& f = sink.add(ctx.statement, "REVOKE " + granted + " FROM " + role_list(role->grantee_roles) +
                                                 ": the members lose every privilege that role gave them, and code that "
                                                 "relied on them fails with \"permission denied\"");
        f.fix = "grant what the application needs to its own role first, then revoke the membership in a later migration";
    }
}

}  // namespace

PGFENCE_RULE(revoke_privileges) {
    return Rule{"revoke-privileges", Risk::High,
                "REVOKE, ALTER ... OWNER TO or REASSIGN OWNED takes privileges the running application may rely on: its queries fail", check, nullptr, true,
                "locking"};
}

}  // namespace pgfence::analyze::rules
