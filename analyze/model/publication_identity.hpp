#pragma once
// Publications' tables without a replica identity, and replica identities taken away, as notes
// (publication_identity.cpp); the catalog keeps publications and replica identities.
#include "analyze/model/model.hpp"

namespace pgfence::analyze::model {

// CREATE / ALTER / DROP PUBLICATION and ALTER TABLE ... REPLICA IDENTITY; other statements: nothing.
void note_publication_identity(const pg::Node* stmt, StatementFacts& facts, Context& ctx);

}  // namespace pgfence::analyze::model
