#include "analyze/model/grants.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_walk.hpp"

namespace pgfence::analyze::model {
namespace {

bool is_table(const RelationInfo& r) { return r.kind == "table" || r.kind == "partitioned table"; }

void change(RelationInfo& r, const std::vector<std::string>& roles, bool grant) {
    for (const std::string& role : roles) {
        const bool has = std::find(r.grantees.begin(), r.grantees.end(), role) != r.grantees.end();
        if (grant && !has) r.grantees.push_back(role);
        if (!grant && has) {
            std::vector<std::string> kept;
            for (const std::string& g : r.grantees) {
                if (g != role) kept.push_back(g);
            }
            r.grantees.edit() = std::move(kept);
        }
    }
}

}  // namespace

std::string grantee_name(const pg::Node* node) {
    const auto* role = pg::as<RoleSpec>(node);
    if (role == nullptr) return {};
    switch (role->roletype) {
        case ROLESPEC_CSTRING: return std::string(pg::text(role->rolename));
        case ROLESPEC_PUBLIC: return "public";
        // The role running the migration: most often the owner, who keeps every privilege.
        case ROLESPEC_CURRENT_ROLE:
        case ROLESPEC_CURRENT_USER:
        case ROLESPEC_SESSION_USER: return {};
    }
    return {};
}

void record_privileges(const pg::Node* stmt, Catalog& catalog) {
    if (const auto* defaults = pg::as<AlterDefaultPrivilegesStmt>(stmt)) {
        // FOR ROLE r: tables r creates, which need not be the migration's: not counted.
        bool for_role = false;
        for (const DefElem* d : pg::each<DefElem>(defaults->options)) for_role = for_role || pg::text(d->defname) == "roles";
        const GrantStmt* grant = defaults->action;
        if (for_role || grant == nullptr || !grant->is_grant || grant->objtype != OBJECT_TABLE) return;
        for (const pg::Node* g : pg::each(grant->grantees)) {
            if (std::string role = grantee_name(g); !role.empty()) catalog.add_default_table_grantee(role);
        }
        return;
    }
    const auto* grant = pg::as<GrantStmt>(stmt);
    if (grant == nullptr || grant->objtype != OBJECT_TABLE) return;
    // A REVOKE of some privileges leaves the others: only REVOKE ALL takes the role off.
    if (!grant->is_grant && grant->privileges != nullptr) return;
    std::vector<std::string> roles;
    for (const pg::Node* g : pg::each(grant->grantees)) {
        if (std::string role = grantee_name(g); !role.empty()) roles.push_back(std::move(role));
    }
    if (grant->targtype == ACL_TARGET_OBJECT) {
        for (const RangeVar* rv : pg::each<RangeVar>(grant->objects)) {
            RelationInfo* r = catalog.find(std::string(pg::relname(rv)));
            if (r != nullptr && is_table(*r)) change(*r, roles, grant->is_grant);
        }
        return;
    }
    if (grant->targtype != ACL_TARGET_ALL_IN_SCHEMA) return;
    // ON ALL TABLES IN SCHEMA s: the tables of s the catalog shows (unqualified ones taken as public's).
    std::vector<std::string> schemas;
    for (const pg::Node* s : pg::each(grant->objects)) schemas.emplace_back(pg::text(s));
    std::vector<std::string> names;
    for (const auto& [relname, info] : catalog.relations()) {
        if (info == nullptr || !is_table(*info)) continue;
        const std::size_t dot = info->display.find('.');
        std::string schema = dot == std::string::npos ? "public" : info->display.substr(0, dot);
        if (schema.size() >= 2 && schema.front() == '"' && schema.back() == '"') schema = schema.substr(1, schema.size() - 2);
        if (std::find(schemas.begin(), schemas.end(), schema) != schemas.end()) names.push_back(relname);
    }
    for (const std::string& name : names) {
        if (RelationInfo* r = catalog.find(name)) change(*r, roles, grant->is_grant);
    }
}

}  // namespace pgfence::analyze::model
