#pragma once
// What the migrations show of an integrity check a statement removes from an existing table, as
// notes and facts for the integrity-not-enforced and foreign-key-without-index rules
// (analyze/integrity_note.hpp): a dropped constraint's kind, a dropped unique index, a foreign
// key left without an index, a disabled trigger the migrations made.
#include <string>

#include "analyze/model/catalog.hpp"
#include "analyze/model/facts.hpp"
#include "analyze/model/model.hpp"

namespace pgfence::analyze::model {

// ALTER TABLE relation DROP CONSTRAINT name [CASCADE], before the catalog forgets it.
void note_dropped_constraint(const std::string& relname, const std::string& display, const std::string& constraint,
                             bool cascade, StatementFacts& facts, const Context& ctx);
// DROP INDEX of `info` (an index of `table` the catalog knows), before the catalog forgets it:
// a unique index's note (and, when another index of the table still refuses its duplicates, a
// still_enforced_note), and the foreign keys of `table` it was the only index for.
void note_dropped_index(const std::string& table, const std::string& index, const std::string& display,
                        const RelationInfo& info, bool cascade, StatementFacts& facts, const Context& ctx);
// ALTER TABLE relation DISABLE TRIGGER name (or ENABLE REPLICA TRIGGER name): whether the
// migrations created a trigger of that name on it.
void note_disabled_trigger(const std::string& relname, const std::string& display, const std::string& trigger,
                           StatementFacts& facts, const Context& ctx);

// ALTER TABLE relation ALTER COLUMN col SET DEFAULT <expr>: whether col is the table's primary key
// or a unique index's only key, and the sequences that are its own (key_default_note).
void note_key_default(const std::string& relname, const std::string& display, const std::string& col,
                      StatementFacts& facts, const Context& ctx);

// CREATE TRIGGER ... EXECUTE FUNCTION tsvector_update_trigger(...) or tsvector_update_trigger_column(...)
// (PostgreSQL's built-in trigger functions, tsvector_op.c tsvector_update_trigger) on a table whose
// columns the catalog knows: why every write it fires on fails, as tsv_trigger_note says.
void note_tsvector_trigger(const CreateTrigStmt* stmt, StatementFacts& facts, const Context& ctx);

}  // namespace pgfence::analyze::model
