#pragma once
// What a migration's name says to its tool, for the files a plan adds beside it: popx's
// autocommit names, the version a tool reads from a name, and the versions a plan's new
// migrations take so that they sort right after the file and collide with no other migration
// of its set (README "Migration plans").
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/known_migrations.hpp"

namespace pgfence::analyze {

// popx's (ory/x match.go) name of a file it runs outside a transaction, lower-cased:
// <version>_<name>[.<dialect>].autocommit.(up|down).sql.
[[nodiscard]] bool popx_autocommit_name(std::string_view name);

// A name as pop and popx read it (ory/x popx/match.go:
// `^(\d+)_([^.]+)(\.[a-z0-9]+)?(|\.autocommit)\.(up|down)\.(sql|fizz)$`), lower-cased.
struct PopName {
    std::string_view version;
    std::string_view dialect;  // as written ("postgres", "mysql"); empty: every dialect ("all")
    bool autocommit = false;
    bool down = false;
};
[[nodiscard]] bool pop_name(std::string_view name, PopName& out);

// golang-migrate's name of a migration (source/parse.go's Regex,
// `^([0-9]+)_(.*)\.(down|up)\.(.*)$`, which every source driver applies: file, iofs, go-bindata):
// any extension, `000002_x.up.pgsql` as much as `.up.sql`; its postgres driver sends the file's
// text to the server as SQL whatever the extension (database/postgres/postgres.go Run). The
// name with its extension replaced by "sql" (`000002_x.up.sql`) when it is such a name with
// another extension; empty for any other name (an `.up.sql` name included).
[[nodiscard]] std::string golang_migrate_as_sql(std::string_view name);

// A file of SQL migrations by its name: *.sql, Synapse's *.sql.postgres, or golang-migrate's
// <version>_<name>.(up|down).<any extension> (golang_migrate_as_sql).
[[nodiscard]] bool sql_migration_name(std::string_view path);

// Whether pop and popx run a file of this dialect on PostgreSQL (pop's CanonicalDialect:
// postgres, postgresql, pg); cockroach, mysql, sqlite3 ... are other databases.
[[nodiscard]] bool postgres_dialect(std::string_view dialect);

// The migrations of `known` in the migration set of `path` (migration_set), `path` itself left
// out; `known` holds absolute, lexically normal paths. Costs the set's size, not all of `known`.
[[nodiscard]] std::vector<std::string> set_siblings(std::string_view path, const KnownMigrations* known);

// What the other known files of `path`'s set (set_siblings's) say by their pop names, for a
// file whose own is `self`; costs the set's pop names of `self`'s version, not the whole set.
struct PopSiblings {
    bool autocommit = false;  // one is popx's `.autocommit.` file
    bool pop = false;         // one is pop's: a dialect in its name, or `.fizz`
    // Only when `self` has no dialect: one of its version and direction is PostgreSQL's, which
    // pop and popx run instead of it.
    bool postgres_file = false;
    // Only when `self` is an up file of another database's dialect: an up file of its version has
    // no dialect or PostgreSQL's (one pop and popx would run on PostgreSQL).
    bool postgres_runs = false;
};
[[nodiscard]] PopSiblings pop_siblings(std::string_view path, const KnownMigrations* known, const PopName& self);

// The versions of a plan's migrations 2..1+count. `name` is the original's file name (its
// folder's name for Prisma and diesel), `flyway` says how its version is written
// (V<1.2>__x.sql), `siblings` the set's other migrations. Each version is the text that replaces
// the original's in the name (digits laid out as the original's, diesel's dashes kept; Flyway's
// dotted version). Timestamps (YYYYMMDDHHMMSS) step by one second, other numbers by one, Flyway
// adds a part (1.2.1, or 1.2.0.1 when 1.2.1 is taken); all stay below the next migration's
// version when there is room. `note` says which files must be renumbered when there is not.
struct PlanVersions {
    std::vector<std::string> versions;  // empty: the name has no version
    std::string note;
};
[[nodiscard]] PlanVersions plan_versions(std::string_view name, bool flyway, int count,
                                         const std::vector<std::string>& siblings);

// `name` with its version replaced by `version` (from plan_versions).
[[nodiscard]] std::string with_version(std::string_view name, bool flyway, std::string_view version);

}  // namespace pgfence::analyze
