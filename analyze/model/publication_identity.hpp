#pragma once
// CREATE PUBLICATION's tables without a primary key, as notes (publication_identity.cpp).
#include "analyze/model/model.hpp"

namespace pgfence::analyze::model {

void note_published_without_key(const CreatePublicationStmt* stmt, StatementFacts& facts, Context& ctx);

}  // namespace pgfence::analyze::model
