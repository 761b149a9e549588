#pragma once
// DO blocks: the static SQL inside a PL/pgSQL body is analysed like the statements of the
// file, so the common idempotent patterns (IF NOT EXISTS ... THEN ALTER TABLE ...; or
// EXCEPTION WHEN duplicate_object) get real lock facts. Dynamic SQL stays unknown.
#include "analyze/model/model.hpp"

namespace pgfence::analyze {

// Fills `facts` for a DoStmt; `body_line` is the file line where the body's text starts.
void model_do_block(const DoStmt* stmt, StatementFacts& facts, model::Context& ctx, int body_line);

}  // namespace pgfence::analyze
