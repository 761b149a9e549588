// REVOKE on tables, schemas, sequences, functions or the database, and REVOKE of a role's
// membership: the application's queries that relied on the privilege fail ("permission denied")
// from the moment it commits, with no lock to show it.
#include <map>
#include <string>

#include "analyze/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/file_syntax_index.hpp"
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

void check(const StatementContext& ctx, Sink& sink) {
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
                "REVOKE takes privileges the running application may rely on: its queries fail", check, nullptr, true,
                "locking"};
}

}  // namespace pgfence::analyze::rules
