#include "analyze/model/grants.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_walk.hpp"

namespace pgfence::analyze::model {
namespace {

bool is_table(const RelationInfo& r) { return r.kind == "table" || r.kind == "partitioned table"; }

struct Privilege {
    std::string_view name;  // as GRANT spells it, lower-case
    char letter;            // aclitem's
};
// In GRANT's order, with utils/acl.h's letters: ACL_SELECT_CHR 'r', ACL_INSERT_CHR 'a',
// ACL_UPDATE_CHR 'w', ACL_DELETE_CHR 'd', ACL_TRUNCATE_CHR 'D', ACL_REFERENCES_CHR 'x',
// ACL_TRIGGER_CHR 't', ACL_MAINTAIN_CHR 'm' (PostgreSQL 17).
constexpr std::array<Privilege, 8> k_privileges{{{"select", 'r'}, {"insert", 'a'}, {"update", 'w'}, {"delete", 'd'},
                                                 {"truncate", 'D'}, {"references", 'x'}, {"trigger", 't'}, {"maintain", 'm'}}};

unsigned privilege_bit(std::string_view name) {
    for (std::size_t i = 0; i < k_privileges.size(); ++i) {
        if (k_privileges[i].name == name) return 1U << i;
    }
    return 0;
}

void change(RelationInfo& r, const GrantStmt* grant) {
    TableAcl acl = r.grantees;
    apply_table_grant(acl, grant);
    r.grantees = std::move(acl);
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

unsigned table_privileges(const GrantStmt* grant) {
    if (grant == nullptr) return 0;
    if (pg::length(grant->privileges) == 0) return k_all_table_privileges;  // ALL [PRIVILEGES]
    unsigned out = 0;
    for (const AccessPriv* p : pg::each<AccessPriv>(grant->privileges)) {
        // ALL PRIVILEGES (columns) has no name: every privilege a column takes.
        const unsigned bits = p->priv_name == nullptr ? privilege_bit("select") | privilege_bit("insert") | privilege_bit("update") |
                                                            privilege_bit("references")
                                                      : privilege_bit(pg::text(p->priv_name));
        out |= p->cols != nullptr ? bits << k_column_privileges : bits;
    }
    return out;
}

void apply_table_grant(TableAcl& acl, const GrantStmt* grant) {
    if (grant == nullptr || (!grant->is_grant && grant->grant_option)) return;  // REVOKE GRANT OPTION FOR
    unsigned bits = table_privileges(grant);
    // PostgreSQL's REVOKE: "When revoking privileges on a table, the corresponding column
    // privileges (if any) are automatically revoked on each column of the table, as well."
    if (!grant->is_grant) bits |= (bits & k_all_table_privileges) << k_column_privileges;
    for (const pg::Node* g : pg::each(grant->grantees)) {
        const std::string role = grantee_name(g);
        if (role.empty()) continue;
        if (grant->is_grant) {
            acl[role] |= bits;
            continue;
        }
        auto it = acl.find(role);
        if (it == acl.end()) continue;
        it->second &= ~bits;
        if (it->second == 0) acl.erase(it);
    }
}

std::string privilege_names(unsigned privileges) {
    std::string out;
    for (const unsigned shift : {0U, k_column_privileges}) {
        std::string names;
        for (std::size_t i = 0; i < k_privileges.size(); ++i) {
            if ((privileges >> shift & 1U << i) == 0) continue;
            std::string name(k_privileges[i].name);
            for (char& c : name) c = static_cast<char>(c - 'a' + 'A');
            names += (names.empty() ? "" : ", ") + name;
        }
        if (names.empty()) continue;
        out += (out.empty() ? "" : "; ") + names + (shift == 0 ? "" : " on columns");
    }
    return out;
}

std::string privilege_letters(unsigned privileges) {
    std::string out;
    for (std::size_t i = 0; i < k_privileges.size(); ++i) {
        if ((privileges & 1U << i) != 0) out += k_privileges[i].letter;
    }
    if ((privileges >> k_column_privileges) == 0) return out;
    out += '/';
    for (std::size_t i = 0; i < k_privileges.size(); ++i) {
        if ((privileges >> k_column_privileges & 1U << i) != 0) out += k_privileges[i].letter;
    }
    return out;
}

unsigned privileges_of_letters(std::string_view letters) {
    unsigned out = 0, shift = 0;
    for (const char c : letters) {
        if (c == '/') shift = k_column_privileges;
        for (std::size_t i = 0; i < k_privileges.size(); ++i) {
            if (k_privileges[i].letter == c) out |= 1U << (i + shift);
        }
    }
    return out;
}

void record_privileges(const pg::Node* stmt, Catalog& catalog) {
    if (const auto* defaults = pg::as<AlterDefaultPrivilegesStmt>(stmt)) {
        // FOR ROLE r: tables r creates, which need not be the migration's: not counted.
        bool for_role = false;
        for (const DefElem* d : pg::each<DefElem>(defaults->options)) for_role = for_role || pg::text(d->defname) == "roles";
        const GrantStmt* grant = defaults->action;
        if (for_role || grant == nullptr || grant->objtype != OBJECT_TABLE) return;
        TableAcl acl = catalog.default_table_privileges();
        apply_table_grant(acl, grant);
        catalog.set_default_table_privileges(std::move(acl));
        return;
    }
    const auto* grant = pg::as<GrantStmt>(stmt);
    if (grant == nullptr || grant->objtype != OBJECT_TABLE) return;
    if (grant->targtype == ACL_TARGET_OBJECT) {
        for (const RangeVar* rv : pg::each<RangeVar>(grant->objects)) {
            RelationInfo* r = catalog.find(std::string(pg::relname(rv)));
            if (r != nullptr && is_table(*r)) change(*r, grant);
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
        if (RelationInfo* r = catalog.find(name)) change(*r, grant);
    }
}

}  // namespace pgfence::analyze::model
