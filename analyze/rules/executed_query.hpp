#pragma once
// The query a utility statement runs: COPY (query) TO, EXPLAIN ANALYZE, PREPARE (read as run by
// the EXECUTEs that follow), DECLARE CURSOR, CREATE TABLE AS / MATERIALIZED VIEW ... WITH DATA,
// as function_calls.cpp follow_calls reads them; the statement itself otherwise. A rule that looks
// for calls in a statement walks from here, so `COPY (SELECT lo_unlink(1)) TO STDOUT` is judged
// as the SELECT is (red team F1 W_COPYEXISTINGFN).
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze::rules {

[[nodiscard]] inline const pg::Node* executed_query(const pg::Node* stmt) {
    if (const auto* copy = pg::as<CopyStmt>(stmt); copy != nullptr && copy->query != nullptr) return copy->query;
    if (const auto* explain = pg::as<ExplainStmt>(stmt)) return executed_query(explain->query);
    if (const auto* prepare = pg::as<PrepareStmt>(stmt)) return executed_query(prepare->query);
    if (const auto* cursor = pg::as<DeclareCursorStmt>(stmt)) return cursor->query;
    if (const auto* ctas = pg::as<CreateTableAsStmt>(stmt); ctas != nullptr && (ctas->into == nullptr || !ctas->into->skipData)) {
        return ctas->query;
    }
    return stmt;
}

}  // namespace pgfence::analyze::rules
