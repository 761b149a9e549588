// ALTER TABLE ... ALTER COLUMN c SET STORAGE: the column's type as the migrations show it, for the
// set-storage-plain rule (PLAIN on a type whose values can outgrow a page makes the writes of
// such values fail).
#include "analyze/model/alter_table_parts.hpp"
#include <utility>
#include "analyze/model/storage_note.hpp"
#include "analyze/parse/names.hpp"

namespace pgfence::analyze::model::alter {

void note_storage(const std::string& col, const Target& t, StatementFacts& facts, Context& ctx) {
    const RelationInfo* rel = std::as_const(ctx.catalog).find(t.relname);
    if (rel == nullptr || rel->is_new) return;
    const ColumnInfo* c = ctx.catalog.column(t.relname, col);
    if (c == nullptr || c->type.empty()) return;
    facts.notes.push_back(storage_note(t.display, quote_ident(col), c->type));
}

}  // namespace pgfence::analyze::model::alter
