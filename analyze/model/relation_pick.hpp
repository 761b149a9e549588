#pragma once
// Which of the relations of one relname a statement names (red team R67 A16): the catalog keys
// relations by relname and puts another schema's aside (Catalog::pick_schema); before a statement
// is modelled, each relation it names is brought back by the schema it names, or for an unqualified
// name the first schema of the migration's search_path that has one (public without a SET).
#include <string>

#include "analyze/model/model.hpp"

namespace pgfence::analyze::model {

// `relname` as `schema` names it ("": unqualified, found along ctx.search_path).
void pick_relation(Context& ctx, const std::string& relname, const std::string& schema);
// Every relation `stmt` names at its top: CREATE INDEX, DROP, INSERT / UPDATE / DELETE / MERGE,
// TRUNCATE, LOCK, COMMENT, GRANT / REVOKE, RENAME, ALTER ... SET SCHEMA, CLUSTER, REINDEX, VACUUM.
void pick_named_relations(const pg::Node* stmt, Context& ctx);

}  // namespace pgfence::analyze::model
