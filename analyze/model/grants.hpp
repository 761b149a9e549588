#pragma once
// GRANT and REVOKE on tables, and ALTER DEFAULT PRIVILEGES ... ON TABLES, into the catalog
// (RelationInfo::grantees, Catalog::default_table_grantees): which roles a table's privileges name,
// for a copy-and-swap whose new table gets none of them (rules/renamed_aside.hpp, and the
// recreated tables of analyzer_checks.cpp; red team R69 C11,
// checked on PostgreSQL 15: after ALTER TABLE users RENAME TO _bkp_users; CREATE TABLE users ...,
// the role the old users was granted to gets "permission denied for table users").
#include <string>

#include "analyze/model/catalog.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze::model {

// A grantee as the catalog keeps it: the role's name, "public" for PUBLIC; "" for none and for
// CURRENT_ROLE, CURRENT_USER and SESSION_USER (the role running the migration, most often the
// owner, who keeps every privilege).
[[nodiscard]] std::string grantee_name(const pg::Node* role);

void record_privileges(const pg::Node* stmt, Catalog& catalog);

}  // namespace pgfence::analyze::model
