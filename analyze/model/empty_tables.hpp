#pragma once
// Tables proven empty within one transaction. An ALTER TABLE t ADD COLUMN c ... NOT NULL without
// a default fails on any row, and TRUNCATE t removes them all: once either has run, the ACCESS
// EXCLUSIVE lock it took keeps every other session from adding a row until the transaction ends.
// Later statements of that transaction read, scan, validate or rewrite t in no time (their locks
// are unchanged: t stays blocked for others). A COMMIT, ROLLBACK or ROLLBACK TO ends the proof,
// and so does a statement that may add rows to t (INSERT, COPY FROM, MERGE, ATTACH PARTITION,
// INHERIT, user code, a statement the model does not know).
#include <string>

#include "analyze/model/model.hpp"

namespace pgfence::analyze::model {

// The statement being modelled proves `relname` empty (`how` says by what); kept by
// keep_empty_tables when a transaction is open after it.
void prove_empty(StatementFacts& facts, Context& ctx, const std::string& relname, const std::string& how);
// The statement's scans and rewrites of tables proven empty (their locks are LockFact::empty) are
// left out of its cost facts, with a note saying why.
void use_empty_tables(StatementFacts& facts, const Context& ctx);
// After the statement: what may have added rows is forgotten, then what it proved is kept while
// `in_transaction` (the transaction state after it). `stmt` is null for an unparsable statement.
void keep_empty_tables(const pg::Node* stmt, const StatementFacts& facts, Context& ctx, bool in_transaction);

}  // namespace pgfence::analyze::model
