// Publications and replica identities: the tables a statement starts publishing the UPDATEs and
// DELETEs of that the migrations show without a primary key, as notes (analyze/publication_note.hpp)
// for the replica-identity-missing rule. CREATE PUBLICATION and ALTER PUBLICATION ... ADD / SET
// (publication.c: a table, FOR TABLES IN SCHEMA s, FOR ALL TABLES) alike, with the publish list
// the publication has (kept in the catalog; one the migrations did not create is taken to publish
// UPDATE and DELETE, PostgreSQL's default); ALTER PUBLICATION ... SET (publish = ...) that starts
// publishing them notes the tables it already publishes. A table's schema is the one its name
// was written with, "public" when unqualified (the default search_path). ALTER TABLE ... REPLICA
// IDENTITY DEFAULT on a table without a primary key that had FULL or USING INDEX takes its
// identity away (checked on PostgreSQL 15: UPDATE then fails "does not have a replica identity
// and publishes updates").
#include "analyze/model/publication_identity.hpp"
#include <utility>

#include <cctype>
#include <optional>
#include <string>

#include "analyze/parse/names.hpp"
#include "analyze/model/publication_note.hpp"

namespace pgfence::analyze::model {

namespace {

// At most this many tables are noted: a schema of many tables makes a bounded report.
constexpr std::size_t k_noted = 50;

bool without_key(const RelationInfo& rel, const Catalog& catalog) {
    const char identity = catalog.replica_identity(rel.relname);
    return (rel.kind == "table" || rel.kind == "partitioned table") && !rel.temporary && rel.primary_key.empty() &&
           identity != 'f' && identity != 'i';
}

// The schema a relation's name was written with ("public" when unqualified), as PostgreSQL
// folds it: unquoted lower-cased.
std::string schema_of(const RelationInfo& rel) {
    const std::size_t dot = rel.display.rfind('.');
    if (dot == std::string::npos) return "public";
    std::string schema = rel.display.substr(0, dot);
    if (const std::size_t inner = schema.rfind('.'); inner != std::string::npos) schema = schema.substr(inner + 1);
    if (schema.size() >= 2 && schema.front() == '"' && schema.back() == '"') return schema.substr(1, schema.size() - 2);
    for (char& c : schema) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return schema;
}

// Does WITH (publish = '...') publish UPDATE or DELETE? Not given: nullopt.
std::optional<bool> publish_option(const List* options) {
    for (const DefElem* d : pg::each<DefElem>(options)) {
        if (pg::text(d->defname) != "publish") continue;
        std::string value(pg::text(d->arg));
        for (char& ch : value) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return value.find("update") != std::string::npos || value.find("delete") != std::string::npos;
    }
    return std::nullopt;
}

// The objects of a FOR / ADD / SET / DROP list: relnames and schemas.
PublicationInfo objects_of(const List* pubobjects, const Context& ctx) {
    PublicationInfo out;
    for (const PublicationObjSpec* spec : pg::each<PublicationObjSpec>(pubobjects)) {
        if (spec->pubtable != nullptr && spec->pubtable->relation != nullptr) {
            out.tables.insert(std::string(pg::relname(spec->pubtable->relation)));
        } else if (spec->pubobjtype == PUBLICATIONOBJ_TABLES_IN_SCHEMA && spec->name != nullptr) {
            out.schemas.insert(std::string(pg::text(spec->name)));
        } else if (spec->pubobjtype == PUBLICATIONOBJ_TABLES_IN_CUR_SCHEMA) {
            std::string first = "public";
            for (const std::string& schema : ctx.search_path) {
                if (schema == "$user") continue;
                first = schema;
                break;
            }
            out.schemas.insert(first);
        }
    }
    return out;
}

// Notes each table of `objects` without a replica identity (every table for all_tables).
void note_tables(const PublicationInfo& objects, StatementFacts& facts, const Context& ctx) {
    std::size_t noted = 0;
    auto note = [&](const std::string& display) {
        if (noted == k_noted) return;
        const std::string text = publication_note(display);
        for (const auto& n : facts.notes) {
            if (n == text) return;
        }
        facts.notes.push_back(text);
        ++noted;
    };
    if (objects.all_tables || !objects.schemas.empty()) {
        for (const auto& [relname, rel] : ctx.catalog.relations()) {
            if (rel != nullptr && without_key(*rel, ctx.catalog) &&
                (objects.all_tables || objects.schemas.count(schema_of(*rel)) > 0)) {
                note(rel->display);
            }
        }
    }
    for (const std::string& table : objects.tables) {
        const RelationInfo* rel = std::as_const(ctx.catalog).find(table);
        if (rel != nullptr && without_key(*rel, ctx.catalog)) note(rel->display);
    }
}

void create_publication(const CreatePublicationStmt* stmt, StatementFacts& facts, Context& ctx) {
    PublicationInfo info = objects_of(stmt->pubobjects, ctx);
    info.all_tables = stmt->for_all_tables;
    info.changes = publish_option(stmt->options).value_or(true);
    note_tables(info, facts, ctx);  // the rule reads the publish list from the statement itself
    ctx.catalog.set_publication(std::string(pg::text(stmt->pubname)), std::move(info));
}

void alter_publication(const AlterPublicationStmt* stmt, StatementFacts& facts, Context& ctx) {
    const std::string name(pg::text(stmt->pubname));
    PublicationInfo* known = ctx.catalog.publication(name);
    PublicationInfo info = known != nullptr ? *known : PublicationInfo{};
    if (const std::optional<bool> changes = publish_option(stmt->options)) {
        if (*changes && !info.changes) note_tables(info, facts, ctx);
        info.changes = *changes;
    }
    if (pg::length(stmt->pubobjects) > 0) {
        PublicationInfo objects = objects_of(stmt->pubobjects, ctx);
        if (stmt->action == AP_DropObjects) {
            for (const auto& t : objects.tables) info.tables.erase(t);
            for (const auto& s : objects.schemas) info.schemas.erase(s);
        } else {
            if (info.changes) note_tables(objects, facts, ctx);
            if (stmt->action == AP_SetObjects) {
                info.tables = std::move(objects.tables);
                info.schemas = std::move(objects.schemas);
            } else {
                info.tables.insert(objects.tables.begin(), objects.tables.end());
                info.schemas.insert(objects.schemas.begin(), objects.schemas.end());
            }
        }
    }
    if (!info.changes) facts.notes.push_back(std::string(k_publication_inserts_only_note));
    ctx.catalog.set_publication(name, std::move(info));
}

// REPLICA IDENTITY: kept per table; DEFAULT on a table without a primary key whose identity was
// FULL or USING INDEX leaves it none.
void replica_identity(const AlterTableStmt* stmt, StatementFacts& facts, Context& ctx) {
    if (stmt->relation == nullptr) return;
    const std::string relname(pg::relname(stmt->relation));
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        const auto* identity = pg::as<ReplicaIdentityStmt>(cmd->def);
        if (cmd->subtype != AT_ReplicaIdentity || identity == nullptr) continue;
        const char before = ctx.catalog.replica_identity(relname);
        const RelationInfo* rel = std::as_const(ctx.catalog).find(relname);
        if (identity->identity_type == 'd' && (before == 'f' || before == 'i') && rel != nullptr && rel->primary_key.empty() &&
            (rel->kind == "table" || rel->kind == "partitioned table")) {
            facts.notes.push_back(std::string(k_identity_removed_note) + rel->display);
        }
        ctx.catalog.set_replica_identity(relname, identity->identity_type);
    }
}

}  // namespace

void note_publication_identity(const pg::Node* stmt, StatementFacts& facts, Context& ctx) {
    if (const auto* create = pg::as<CreatePublicationStmt>(stmt)) {
        create_publication(create, facts, ctx);
    } else if (const auto* alter = pg::as<AlterPublicationStmt>(stmt)) {
        alter_publication(alter, facts, ctx);
    } else if (const auto* table = pg::as<AlterTableStmt>(stmt)) {
        replica_identity(table, facts, ctx);
    } else if (const auto* drop = pg::as<DropStmt>(stmt); drop != nullptr && drop->removeType == OBJECT_PUBLICATION) {
        for (const pg::Node* name : pg::each(drop->objects)) ctx.catalog.remove_publication(std::string(pg::text(name)));
    }
}

}  // namespace pgfence::analyze::model
