#include "analyze/model/collations.hpp"

#include <cctype>

namespace pgfence::analyze::model {
namespace {

// A DefElem's boolean as defGetBoolean reads it: true, false, on, off, 1, 0 (and nothing: true).
std::optional<bool> def_boolean(const DefElem* d) {
    if (d->arg == nullptr) return true;
    if (const Boolean* b = pg::as<Boolean>(d->arg)) return b->boolval;
    if (const Integer* i = pg::as<Integer>(d->arg)) {
        if (i->ival == 0 || i->ival == 1) return i->ival == 1;
        return std::nullopt;
    }
    std::string v(pg::text(d->arg));
    for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (v == "true" || v == "on") return true;
    if (v == "false" || v == "off") return false;
    return std::nullopt;
}

// Names initdb and PostgreSQL give deterministic collations (pg_collation after initdb:
// default, C, POSIX, ucs_basic, pg_c_utf8 and unicode on 17+, every libc locale of the system
// such as en_US or en_US.utf8, every ICU locale with "-x-icu" appended).
bool builtin_deterministic(const std::string& name) {
    if (name == "default" || name == "C" || name == "POSIX" || name == "ucs_basic" || name == "pg_c_utf8" ||
        name == "unicode" || name == "C.utf8" || name == "C.UTF-8")
        return true;
    if (name.ends_with("-x-icu")) return true;
    // ll_CC[.encoding][@modifier]: a libc locale.
    if (name.size() >= 5 && std::islower(static_cast<unsigned char>(name[0])) &&
        std::islower(static_cast<unsigned char>(name[1]))) {
        std::size_t i = 2;
        if (i < name.size() && std::islower(static_cast<unsigned char>(name[i]))) ++i;
        if (i + 2 < name.size() && name[i] == '_' && std::isupper(static_cast<unsigned char>(name[i + 1])) &&
            std::isupper(static_cast<unsigned char>(name[i + 2]))) {
            std::size_t rest = i + 3;
            return rest == name.size() || name[rest] == '.' || name[rest] == '@';
        }
    }
    return false;
}

}  // namespace

std::string collation_name(const CollateClause* clause) {
    return clause != nullptr ? std::string(pg::last_name(clause->collname)) : std::string();
}

std::string column_collation(const ColumnDef* def, const Catalog& catalog) {
    if (def == nullptr) return {};
    if (def->collClause != nullptr) return collation_name(def->collClause);
    if (def->typeName != nullptr && pg::length(def->typeName->names) > 0) {
        return catalog.domain_collation(std::string(pg::last_name(def->typeName->names)));
    }
    return {};
}

void record_collation(const pg::Node* stmt, Context& ctx) {
    if (const CreateDomainStmt* domain = pg::as<CreateDomainStmt>(stmt)) {
        if (pg::length(domain->domainname) == 0) return;
        std::string collation = collation_name(domain->collClause);
        if (collation.empty() && domain->typeName != nullptr && pg::length(domain->typeName->names) > 0) {
            collation = ctx.catalog.domain_collation(std::string(pg::last_name(domain->typeName->names)));
        }
        ctx.catalog.set_domain_collation(std::string(pg::last_name(domain->domainname)), collation);
        return;
    }
    const DefineStmt* define = pg::as<DefineStmt>(stmt);
    if (define == nullptr || define->kind != OBJECT_COLLATION || pg::length(define->defnames) == 0) return;
    std::string name(pg::last_name(define->defnames));
    std::optional<bool> deterministic = true;  // CREATE COLLATION's default
    for (const DefElem* d : pg::each<DefElem>(define->definition)) {
        std::string_view option = pg::text(d->defname);
        if (option == "deterministic") {
            deterministic = def_boolean(d);
        } else if (option == "from") {
            const List* from = pg::as<List>(d->arg);
            deterministic = from != nullptr ? collation_deterministic(std::string(pg::last_name(from)), ctx.catalog)
                                            : std::nullopt;
        }
    }
    if (deterministic) ctx.catalog.add_collation(name, *deterministic);
    else ctx.catalog.remove_collation(name);
}

std::optional<bool> collation_deterministic(const std::string& name, const Catalog& catalog) {
    if (name.empty()) return true;
    if (auto known = catalog.collation_deterministic(name)) return known;
    if (builtin_deterministic(name)) return true;
    return std::nullopt;
}

}  // namespace pgfence::analyze::model
