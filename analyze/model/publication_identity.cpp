// CREATE PUBLICATION: the tables it publishes that the migrations show without a primary key, as
// notes (analyze/publication_note.hpp) for the replica-identity-missing rule. FOR ALL TABLES
// publishes every table of the database (the catalog's ordinary and partitioned tables, temporary
// ones aside); FOR TABLE names them. FOR TABLES IN SCHEMA is left to the rule: the catalog does not
// keep schemas.
#include "analyze/model/publication_identity.hpp"

#include "analyze/parse/names.hpp"
#include "analyze/model/publication_note.hpp"

namespace pgfence::analyze::model {

namespace {

// At most this many tables are noted: a schema of many tables makes a bounded report.
constexpr std::size_t k_noted = 50;

bool without_key(const RelationInfo& rel) {
    return (rel.kind == "table" || rel.kind == "partitioned table") && !rel.temporary && rel.primary_key.empty();
}

}  // namespace

void note_published_without_key(const CreatePublicationStmt* stmt, StatementFacts& facts, Context& ctx) {
    if (stmt == nullptr) return;
    std::size_t noted = 0;
    if (stmt->for_all_tables) {
        for (const auto& [relname, rel] : ctx.catalog.relations()) {
            if (noted == k_noted) break;
            if (rel != nullptr && without_key(*rel)) {
                facts.notes.push_back(publication_note(rel->display));
                ++noted;
            }
        }
        return;
    }
    for (const PublicationObjSpec* spec : pg::each<PublicationObjSpec>(stmt->pubobjects)) {
        if (noted == k_noted) break;
        if (spec->pubtable == nullptr || spec->pubtable->relation == nullptr) continue;
        const RelationInfo* rel = ctx.catalog.find(std::string(pg::relname(spec->pubtable->relation)));
        if (rel != nullptr && without_key(*rel)) {
            facts.notes.push_back(publication_note(pg::display_name(spec->pubtable->relation)));
            ++noted;
        }
    }
}

}  // namespace pgfence::analyze::model
