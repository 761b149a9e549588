#pragma once
// GRANT and REVOKE on tables, and ALTER DEFAULT PRIVILEGES ... ON TABLES, into the catalog
// (RelationInfo::grantees, Catalog::default_table_privileges): which privileges each role has on a
// table, for a copy-and-swap whose new table gets none of them (model/table_swap.hpp; red team R69
// C11, R72 F4, checked on PostgreSQL 15: after ALTER TABLE users RENAME TO _bkp_users; CREATE
// TABLE users ..., the role the old users was granted to gets "permission denied for table users").
#include <string>
#include <string_view>

#include "analyze/model/catalog.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze::model {

// A table's privileges (TableAcl, catalog.hpp), one bit each in GRANT's order (SELECT, INSERT,
// UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER, MAINTAIN), and the same privilege on some of its
// columns k_column_privileges bits up (GRANT SELECT (email) ON users: pg_attribute.attacl).
inline constexpr unsigned k_column_privileges = 8;
inline constexpr unsigned k_all_table_privileges = 0xFF;

// A grantee as the catalog keeps it: the role's name, "public" for PUBLIC; "" for none and for
// CURRENT_ROLE, CURRENT_USER and SESSION_USER (the role running the migration, most often the
// owner, who keeps every privilege).
[[nodiscard]] std::string grantee_name(const pg::Node* role);

// The privileges a GRANT or REVOKE on tables names (ALL: every one).
[[nodiscard]] unsigned table_privileges(const GrantStmt* grant);
// `acl` after a GRANT (adds to each grantee) or REVOKE (takes away; one of a table's privileges
// takes that privilege on its columns too, as PostgreSQL's REVOKE does) on a table; a REVOKE GRANT
// OPTION FOR leaves the privileges.
void apply_table_grant(TableAcl& acl, const GrantStmt* grant);
// "SELECT, INSERT, UPDATE (on columns)", for a message.
[[nodiscard]] std::string privilege_names(unsigned privileges);
// As aclitem letters (utils/acl.h ACL_*_CHR: "raw" for SELECT, INSERT, UPDATE; column privileges
// after a "/": "raw/r"), for a note; and back.
[[nodiscard]] std::string privilege_letters(unsigned privileges);
[[nodiscard]] unsigned privileges_of_letters(std::string_view letters);

void record_privileges(const pg::Node* stmt, Catalog& catalog);

}  // namespace pgfence::analyze::model
