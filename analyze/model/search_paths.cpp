#include "analyze/model/search_paths.hpp"

#include <algorithm>
#include <vector>

#include "analyze/base/ascii.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/parse/names.hpp"

namespace pgfence::analyze::model {
namespace {

const std::string& key() {
    static const std::string k(std::string("\0search-path", 12));
    return k;
}

// "role app" | "database app" | "role app in database d", then '\n', then the schemas, one a line.
std::string entry(const std::string& who, const VariableSetStmt* set) {
    std::string out = who;
    for (const A_Const* c : pg::each<A_Const>(set->args)) {
        if (c->isnull || c->val.node.type != T_String) continue;
        out += "\n" + std::string(pg::text(c->val.sval.sval));
    }
    return out;
}

// The schema part of a relation's display name ("billing.invoices" -> billing), "public" when
// unqualified.
std::string schema_of(const std::string& display) {
    std::string out;
    bool quoted = false;
    for (char ch : display) {
        if (ch == '"') {
            quoted = !quoted;
            continue;
        }
        if (ch == '.' && !quoted) return out;
        out += ch;
    }
    return "public";
}

}  // namespace

void remember_search_path(const pg::Node* stmt, Context& ctx) {
    std::string who;
    const VariableSetStmt* set = nullptr;
    if (const auto* role = pg::as<AlterRoleSetStmt>(stmt)) {
        set = role->setstmt;
        who = role->role == nullptr ? "every role"
              : role->role->roletype == ROLESPEC_CSTRING ? "role " + quote_ident(pg::text(role->role->rolename))
                                                         : std::string("the current role");
        if (role->database != nullptr) who += " in database " + quote_ident(pg::text(role->database));
    } else if (const auto* db = pg::as<AlterDatabaseSetStmt>(stmt)) {
        set = db->setstmt;
        who = "database " + quote_ident(pg::text(db->dbname));
    } else if (const auto* system = pg::as<AlterSystemStmt>(stmt)) {
        set = system->setstmt;  // every database's, from the next reload (postgresql.auto.conf)
        who = "the server";
    }
    if (set == nullptr) return;
    // RESET ALL, RESET search_path, SET search_path TO DEFAULT: the role or database has no path of
    // its own from then on; kept as an entry without schemas, which hides the earlier ones.
    // The setting's name as GUC lookup reads it, in any case (guc.c guc_name_compare).
    const bool path = set->name != nullptr && lowered(pg::text(set->name)) == "search_path";
    const bool reset = set->kind == VAR_RESET_ALL || ((set->kind == VAR_RESET || set->kind == VAR_SET_DEFAULT) && path);
    if (reset) {
        ctx.catalog.add_object_use(key(), who);
        return;
    }
    if (!path) return;
    if (set->kind == VAR_SET_CURRENT) {
        // SET search_path FROM CURRENT: the session's path (its SET, else the default "$user", public).
        std::string out = who;
        for (const std::string& schema : ctx.search_path.empty() ? std::vector<std::string>{"$user", "public"} : ctx.search_path) {
            out += "\n" + schema;
        }
        ctx.catalog.add_object_use(key(), out);
        return;
    }
    if (set->kind != VAR_SET_VALUE) return;
    ctx.catalog.add_object_use(key(), entry(who, set));
}

std::string remembered_default_path(const Catalog& catalog) {
    const std::vector<std::string>* entries = catalog.object_uses(key());
    if (entries == nullptr) return {};
    // A RESET's entry has no schemas; the list is full before anything after its last entry.
    for (const std::string& e : *entries) {
        if (const std::size_t end = e.find('\n'); end != std::string::npos) return e.substr(0, end);
    }
    return entries->size() >= Catalog::k_max_object_uses ? std::string("a role or database") : std::string();
}

bool remembered_path_puts_catalog_later(const Catalog& catalog) {
    const std::vector<std::string>* entries = catalog.object_uses(key());
    if (entries == nullptr) return false;
    // Each entry: who, then its schemas one a line (entry above). An earlier entry a later one
    // replaced counts too: which role a later migration connects as is not known.
    for (const std::string& e : *entries) {
        std::size_t line = e.find('\n');
        for (bool first = true; line != std::string::npos; first = false) {
            const std::size_t next = e.find('\n', line + 1);
            const std::string_view schema = std::string_view(e).substr(line + 1, next == std::string::npos ? std::string::npos : next - line - 1);
            if (schema == "pg_catalog") {
                if (!first) return true;
                break;
            }
            line = next;
        }
    }
    return false;
}

std::string creation_schema(const RangeVar* rv, const Context& ctx) {
    if (rv != nullptr && rv->schemaname != nullptr) return std::string(rv->schemaname);
    // The first schema of the session's path (namespace.c: an unqualified CREATE goes to the first
    // existing one); "$user" is skipped, as name_scope does (the role is not known here).
    for (const std::string& schema : ctx.search_path) {
        if (schema != "$user") return schema;
    }
    return "public";
}

void note_path_shadow(const std::string& schema, const std::string& display, const RelationInfo& existing,
                      StatementFacts& facts, const Context& ctx, std::string_view made) {
    const std::string theirs = schema_of(existing.display);
    if (theirs == schema) return;  // the same schema: the CREATE fails
    const std::vector<std::string>* paths = ctx.catalog.object_uses(key());
    if (paths == nullptr) return;
    for (std::size_t i = 0; i < paths->size(); ++i) {
        const std::string& path = (*paths)[i];
        const std::size_t end = path.find('\n');
        if (end == std::string::npos) continue;  // a RESET
        // A later SET or RESET for the same role or database replaces this path.
        const std::string who = path.substr(0, end);
        bool replaced = false;
        for (std::size_t j = i + 1; j < paths->size() && !replaced; ++j) {
            const std::string& later = (*paths)[j];
            replaced = later.substr(0, later.find('\n')) == who;
        }
        if (replaced) continue;
        int mine_at = -1, theirs_at = -1, at = 0;
        for (std::size_t begin = end + 1; begin <= path.size(); ++at) {
            const std::size_t stop = std::min(path.find('\n', begin), path.size());
            const std::string item = path.substr(begin, stop - begin);
            if (item == schema && mine_at < 0) mine_at = at;
            if (item == theirs && theirs_at < 0) theirs_at = at;
            begin = stop + 1;
        }
        if (mine_at < 0 || theirs_at < 0 || mine_at > theirs_at) continue;
        facts.notes.push_back(std::string(k_path_shadow_note) + display + " is made in schema " + quote_ident(schema) +
                              ", which the search_path the migrations gave " + path.substr(0, end) + " lists before " +
                              quote_ident(theirs) + ", where " + existing.display + " is: that path's sessions (the "
                              "application's) resolve the unqualified name " + quote_ident(existing.relname) +
                              (made == "view" ? " to the new view" : " to the new, empty table") +
                              " from the moment it commits");
    }
}

}  // namespace pgfence::analyze::model
