// ALTER TABLE ... ALTER COLUMN c DROP DEFAULT: what the migrations show of c, for the
// drop-column-default rule (inserts that leave c out fail when it is NOT NULL, store NULL otherwise).
#include <algorithm>
#include <utility>

#include "analyze/model/drop_default_note.hpp"
#include "analyze/model/integrity_note.hpp"
#include "analyze/model/alter_table_parts.hpp"
#include "analyze/parse/names.hpp"

namespace pgfence::analyze::model::alter {

void note_drop_default(const std::string& col, const Target& t, StatementFacts& facts, Context& ctx, bool identity) {
    const RelationInfo* rel = std::as_const(ctx.catalog).find(t.relname);
    if (rel == nullptr || rel->is_new) return;
    const ColumnInfo* c = ctx.catalog.column(t.relname, col);
    if (c == nullptr) return;
    // A column of a domain with constraints (a NOT NULL or CHECK): SET DEFAULT NULL stores a
    // default there, NULL coerced to the domain, which overrides the domain's own default
    // (AddRelationNewConstraints keeps a CoerceToDomain, unlike a bare NULL), and each insert that
    // leaves the column out checks NULL against the domain (drop-column-default reads the note).
    std::string domain = c->type;
    if (const auto paren = domain.find('('); paren != std::string::npos) domain.resize(paren);
    if (const std::optional<bool> constrained = ctx.catalog.domain_has_constraints(domain); constrained && *constrained) {
        facts.notes.push_back(domain_default_note(t.display, quote_ident(col), quote_ident(domain)));
    }
    // The migrations show the column has no default (made without one, or dropped already): DROP
    // DEFAULT changes nothing (Sequelize's changeColumn sends it for every column it changes
    // without a defaultValue: sequelize/src/dialects/postgres/query-generator.js, changeColumnQuery).
    if (c->has_default && !*c->has_default) {
        facts.notes.push_back(no_default_note(t.display, quote_ident(col)));
        return;
    }
    const bool key = std::find(rel->primary_key.begin(), rel->primary_key.end(), col) != rel->primary_key.end();
    // An identity column is NOT NULL (PostgreSQL sets it with the identity, and DROP IDENTITY keeps it).
    facts.notes.push_back(drop_default_note(t.display, quote_ident(col), c->not_null || key || identity));
}

}  // namespace pgfence::analyze::model::alter
