#include "analyze/model/extension_scripts.hpp"

#include <algorithm>
#include <string>

#include "analyze/parse/names.hpp"

namespace pgfence::analyze::model {

bool extension_script_known(std::string_view extension) {
    // PostgreSQL 15's extensions (/usr/share/postgresql/15/extension/*.control: contrib and
    // plpgsql), the procedural languages and transforms of its source tree (src/pl, contrib/*_plperl,
    // *_plpython), and pgvector (pgvector/pgvector sql/vector.sql: types, functions, operators,
    // access methods).
    static constexpr std::string_view k_known[] = {
        "adminpack", "amcheck", "autoinc", "bloom", "bool_plperl", "bool_plperlu", "btree_gin", "btree_gist", "citext", "cube",
        "dblink", "dict_int", "dict_xsyn", "earthdistance", "file_fdw", "fuzzystrmatch", "hstore", "hstore_plperl",
        "hstore_plperlu", "hstore_plpython3u", "insert_username", "intagg", "intarray", "isn", "jsonb_plperl", "jsonb_plperlu",
        "jsonb_plpython3u", "lo", "ltree", "ltree_plpython3u", "moddatetime", "old_snapshot", "pageinspect", "pg_buffercache",
        "pg_freespacemap", "pg_prewarm", "pg_stat_statements", "pg_surgery", "pg_trgm", "pg_visibility", "pg_walinspect",
        "pgcrypto", "pgrowlocks", "pgstattuple", "plperl", "plperlu", "plpgsql", "plpython3u", "pltcl", "pltclu",
        "postgres_fdw", "refint", "seg", "sslinfo", "tablefunc", "tcn", "tsm_system_rows", "tsm_system_time", "unaccent",
        "uuid-ossp", "vector", "xml2"};
    return std::find(std::begin(k_known), std::end(k_known), extension) != std::end(k_known);
}

bool model_extension_script(const pg::Node* stmt, StatementFacts& facts) {
    if (const auto* create = pg::as<CreateExtensionStmt>(stmt); create != nullptr && create->extname != nullptr) {
        const std::string name(pg::text(create->extname));
        if (extension_script_known(name)) return true;
        facts.notes.push_back("not visible to static analysis: CREATE EXTENSION " + quote_ident(name) +
                              " runs the extension's install script, which pgfence does not read: what it creates, "
                              "alters and locks (event triggers, changes to other objects) is not known");
        return false;
    }
    if (const auto* alter = pg::as<AlterExtensionStmt>(stmt); alter != nullptr && alter->extname != nullptr) {
        // ALTER EXTENSION x UPDATE [TO v]: the only form of AlterExtensionStmt (gram.y).
        std::string to;
        for (const DefElem* d : pg::each<DefElem>(alter->options)) {
            if (pg::text(d->defname) == "new_version" && d->arg != nullptr) to = " TO '" + std::string(pg::text(d->arg)) + "'";
        }
        facts.notes.push_back("not visible to static analysis: ALTER EXTENSION " + quote_ident(pg::text(alter->extname)) +
                              " UPDATE" + to + " runs the extension's update scripts, which pgfence does not read: what they "
                              "alter, rewrite and lock is not known (read the extension's upgrade notes)");
        return false;
    }
    return true;
}

}  // namespace pgfence::analyze::model
