#include "analyze/model/extension_members.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "analyze/model/catalog.hpp"
#include "analyze/parse/names.hpp"

namespace pgfence::analyze::model {
namespace {

// Kept as Catalog object uses under a key no function can have (a name PostgreSQL stores never
// holds a NUL byte), so the catalog carries it from history and earlier files like its other facts.
std::string key(std::string_view extension) { return std::string("\0extension-member:", 18) + std::string(extension); }

// The extensions the migrations created, each as its name, then "\0cascade" when CREATE EXTENSION
// ... CASCADE created what it requires too (so it requires extensions, which pgfence may not know).
const std::string k_created_key("\0extensions-created", 19);

// What an extension's control file requires (`requires = ...`), for the extensions PostgreSQL 15
// ships: postgres/postgres contrib/earthdistance/earthdistance.control (`requires = 'cube'`), the
// only contrib control file with a `requires` line (checked against /usr/share/postgresql/15/extension).
struct Requires {
    std::string_view extension;
    std::string_view required;
};
constexpr Requires k_control_requires[] = {{"earthdistance", "cube"}};

std::vector<std::string_view> control_requires(std::string_view extension) {
    std::vector<std::string_view> out;
    for (const Requires& r : k_control_requires) {
        if (r.extension == extension) out.push_back(r.required);
    }
    return out;
}

std::string owner_key(std::string_view table) { return std::string("\0sequence-owned-by:", 19) + std::string(table); }

std::string kind(ObjectType type) {
    switch (type) {
        case OBJECT_TABLE: return "table";
        case OBJECT_SEQUENCE: return "sequence";
        case OBJECT_VIEW: return "view";
        case OBJECT_MATVIEW: return "materialized view";
        case OBJECT_FOREIGN_TABLE: return "foreign table";
        case OBJECT_TYPE: return "type";
        case OBJECT_DOMAIN: return "domain";
        case OBJECT_FUNCTION: return "function";
        case OBJECT_PROCEDURE: return "procedure";
        case OBJECT_SCHEMA: return "schema";
        default: return "object";
    }
}

}  // namespace

void remember_extension_member(const AlterExtensionContentsStmt* stmt, Context& ctx) {
    if (stmt == nullptr || stmt->action <= 0 || stmt->extname == nullptr) return;
    std::string what = kind(stmt->objtype);
    if (const List* names = pg::as<List>(stmt->object)) {
        what += " " + pg::qualified_name(names);
    } else if (const auto* with_args = pg::as<ObjectWithArgs>(stmt->object)) {
        what += " " + pg::qualified_name(with_args->objname) + "()";
    } else if (const auto* type = pg::as<TypeName>(stmt->object)) {
        what += " " + pg::qualified_name(type->names);
    } else if (const auto* name = pg::as<String>(stmt->object)) {
        what += " " + quote_ident(std::string(pg::text(reinterpret_cast<const pg::Node*>(name))));
    }
    ctx.catalog.add_object_use(key(pg::text(stmt->extname)), what);
}

void remember_sequence_owner(const AlterSeqStmt* stmt, Context& ctx) {
    if (stmt == nullptr || stmt->sequence == nullptr) return;
    for (const auto* option : pg::each<DefElem>(stmt->options)) {
        if (pg::text(option->defname) != "owned_by") continue;
        const List* names = pg::as<List>(option->arg);
        const int parts = pg::length(names);
        if (parts < 2) continue;  // OWNED BY NONE
        const std::string table(pg::text(pg::nth(names, parts - 2)));
        ctx.catalog.add_object_use(owner_key(table), "sequence " + pg::display_name(stmt->sequence) + " (ALTER SEQUENCE ... OWNED BY " +
                                                         pg::qualified_name(names) + ")");
    }
}

void remember_extension_created(const CreateExtensionStmt* stmt, Context& ctx) {
    if (stmt == nullptr || stmt->extname == nullptr) return;
    bool cascade = false;
    for (const auto* option : pg::each<DefElem>(stmt->options)) cascade = cascade || pg::text(option->defname) == "cascade";
    std::string entry(pg::text(stmt->extname));
    if (cascade) entry += std::string("\0cascade", 8);
    ctx.catalog.add_object_use(k_created_key, entry);
}

namespace {

// The members of `extension` an ALTER EXTENSION ... ADD gave it, as notes, each after `lead`
// ("DROP EXTENSION e also drops ", "DROP EXTENSION cube CASCADE also drops extension
// earthdistance, which requires cube, and with it ").
void note_members_of(const std::string& extension, const std::string& lead, StatementFacts& facts, Context& ctx) {
    const std::vector<std::string>* members = ctx.catalog.object_uses(key(extension));
    if (members == nullptr) return;
    for (const std::string& member : *members) {
        facts.notes.push_back(std::string(k_extension_member_note) + lead + member + ", which an earlier ALTER EXTENSION " +
                              quote_ident(extension) + " ADD made a member of it: a table goes with its rows, a sequence with the "
                              "DEFAULTs that use it");
    }
    if (members->size() >= Catalog::k_max_object_uses) {
        facts.notes.push_back(std::string(k_extension_member_note) + lead + "more members than pgfence keeps the names of (" +
                              std::to_string(Catalog::k_max_object_uses) + " shown)");
    }
}

// The extensions DROP EXTENSION `dropped` CASCADE drops with it (PostgreSQL's dependency.c: an
// extension depends on each one its control file requires, DEPENDENCY_NORMAL, so CASCADE follows
// it; PG15: DROP EXTENSION cube CASCADE dropped earthdistance and the table ADD had made its
// member), each as a note, then their members, and theirs in turn.
void note_dependent_extensions(const std::string& dropped, const std::string& how, StatementFacts& facts, Context& ctx,
                               std::set<std::string>& seen, int depth) {
    const std::vector<std::string>* created = ctx.catalog.object_uses(k_created_key);
    std::set<std::string> candidates;
    if (created != nullptr) {
        for (const std::string& entry : *created) candidates.insert(entry.substr(0, entry.find('\0')));
    }
    // One pgfence knows to require it may have been made before the migrations it read: judged
    // when the migrations gave it members.
    for (const Requires& r : k_control_requires) candidates.insert(std::string(r.extension));
    for (const std::string& other : candidates) {
        if (other == dropped || seen.contains(other) || depth > 8) continue;
        const std::vector<std::string_view> requires_ = control_requires(other);
        const bool requires_it = std::find(requires_.begin(), requires_.end(), dropped) != requires_.end();
        bool made_with_cascade = false;
        bool made = false;
        if (created != nullptr) {
            for (const std::string& entry : *created) {
                if (entry.substr(0, entry.find('\0')) != other) continue;
                made = true;
                made_with_cascade = made_with_cascade || entry.find('\0') != std::string::npos;
            }
        }
        const bool has_members = ctx.catalog.object_uses(key(other)) != nullptr;
        // Known to require it; or made WITH CASCADE, requiring extensions pgfence does not know
        // (maybe this one): judged only when its members hold the application's objects.
        const bool maybe = !requires_it && made_with_cascade && requires_.empty() && has_members;
        if (!(requires_it && (made || has_members)) && !maybe) continue;
        seen.insert(other);
        const std::string via = how + (maybe ? " may also drop" : " also drops") + " extension " + quote_ident(other) +
                                (maybe ? ", made WITH CASCADE (it requires extensions, maybe " + quote_ident(dropped) + ")"
                                       : ", which requires " + quote_ident(dropped));
        if (requires_it) {
            facts.notes.push_back(std::string(k_extension_member_note) + via +
                                  ": its functions, types and operators go, and with them the application's columns, indexes, views "
                                  "and DEFAULTs that use them");
        }
        note_members_of(other, via + ", and with it ", facts, ctx);
        note_dependent_extensions(other, via + ", and", facts, ctx, seen, depth + 1);
    }
}

}  // namespace

void note_extension_members(const DropStmt* stmt, StatementFacts& facts, Context& ctx) {
    if (stmt != nullptr && stmt->removeType == OBJECT_TABLE) {
        for (const pg::Node* o : pg::each(stmt->objects)) {
            const List* names = pg::as<List>(o);
            if (pg::length(names) == 0) continue;
            const std::string table(pg::last_name(names));
            const std::vector<std::string>* owned = ctx.catalog.object_uses(owner_key(table));
            if (owned == nullptr) continue;
            for (const std::string& sequence : *owned) {
                // Only a sequence another table's DEFAULT calls harms beyond the table dropped:
                // serial's own sequence, OWNED BY its column as pg_dump writes it, goes with the
                // table and nothing else uses it (a DBA's review of docs.rs: its DROP TABLE of a
                // queue was reported for the queue's own id sequence).
                const std::size_t open = sequence.find(" (");
                std::string shown = sequence.substr(9, open == std::string::npos ? std::string::npos : open - 9);
                std::string bare = shown.substr(shown.rfind('.') == std::string::npos ? 0 : shown.rfind('.') + 1);
                std::erase(bare, '"');
                bool used_elsewhere = false;
                for (const auto& [relname, info] : ctx.catalog.relations()) {
                    if (relname == table) continue;
                    used_elsewhere = used_elsewhere || std::find(info->default_sequences.begin(), info->default_sequences.end(), bare) !=
                                                           info->default_sequences.end();
                }
                if (!used_elsewhere) continue;
                facts.notes.push_back(std::string(k_extension_member_note) + "DROP TABLE " + pg::qualified_name(names) + " also drops " +
                                      sequence + ": the DEFAULTs that call nextval() on it go with it, and every later insert "
                                      "that leaves such a column out fails");
            }
        }
        return;
    }
    if (stmt == nullptr || stmt->removeType != OBJECT_EXTENSION) return;
    std::set<std::string> seen;
    for (const pg::Node* o : pg::each(stmt->objects)) seen.insert(std::string(pg::text(o)));
    for (const pg::Node* o : pg::each(stmt->objects)) {
        const std::string extension(pg::text(o));
        const std::string how = "DROP EXTENSION " + quote_ident(extension);
        note_members_of(extension, how + " also drops ", facts, ctx);
        if (stmt->behavior == DROP_CASCADE) note_dependent_extensions(extension, how + " CASCADE", facts, ctx, seen, 0);
    }
}

}  // namespace pgfence::analyze::model
