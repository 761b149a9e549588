#pragma once
// Column DEFAULTs PostgreSQL copies from one table to another (red team R85a F4): CREATE TABLE
// ... (LIKE src INCLUDING DEFAULTS | INCLUDING ALL), INHERITS (src) and PARTITION OF src give the
// new table src's defaults, and ALTER TABLE src ALTER COLUMN c SET DEFAULT (without ONLY) sets it
// on every table below src too (checked on PostgreSQL 15: an INSERT into the copy ran the
// source's `set_config('lock_timeout', '0', false)` in each case; LIKE without INCLUDING
// DEFAULTS copied none, and a child's own DEFAULT of the column replaces the parent's). The
// functions a source's DEFAULTs call (function_attach.hpp), set_config() among them, are
// attached to the copy, so its INSERT, COPY and `UPDATE ... = DEFAULT` run them.
#include <cstddef>
#include <vector>

#include "analyze/model/function_attach.hpp"

namespace pgfence::analyze {

// The DEFAULT attachments `create` copies from the tables it is made LIKE, INHERITS or is a
// PARTITION OF, added to `out` (the new table's own, already in `out`, are kept).
void copied_defaults(const CreateStmt* create, const Catalog& catalog, std::vector<Attachment>& out);

// `out[first...]`, a DEFAULT set by `alter` on its table, given to each table below it too (none for ONLY).
void inherited_defaults(const AlterTableStmt* alter, const Catalog& catalog, std::vector<Attachment>& out, std::size_t first);

}  // namespace pgfence::analyze
