#pragma once
// Migration sets of another database kept beside a project's PostgreSQL ones: teable keeps Prisma's
// prisma/sqlite/migrations beside prisma/postgres/migrations, memos store/migration/{sqlite,mysql}
// beside store/migration/postgres. The project's own words decide, never the SQL's shape: Prisma's
// migration_lock.toml `provider`, a folder named after another database's driver whose parent
// also holds a folder named postgres, postgresql or pg, a folder `<prefix><driver>` beside
// `<prefix><PostgreSQL driver>` (river's riverdriver/riversqlite beside riverdriver/riverpgxv5),
// or a folder `<name>-<driver>` (or `_`) beside `<name>` (wiki's db/migrations-sqlite beside
// db/migrations). Such a set is not analysed as PostgreSQL: it
// is one skipped entry naming the file that said so. A set with no such marker stays PostgreSQL.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <vector>

#include "analyze/model/facts.hpp"
#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

struct OtherDatabase {
    std::string folder;    // the set's folder, in the form the migration's path was given
    std::string database;  // as the project names it: "sqlite", "mysql"
    std::string said_by;   // the file that says so (migration_lock.toml), or the folder itself
    int line = 0;          // the line of `said_by` that says so; 0 for a folder's name
    std::string sibling;   // the folder rule: the PostgreSQL sibling folder (its path)
};

// Whether `path` (in the same form as the migrations' paths) is a folder.
using IsFolder = std::function<bool(const std::string& path)>;

// The set of another database `migration` belongs to, read through `read` and `is_folder` (the
// working tree for `analyze`, the base commit for `pr`); nothing when its set is PostgreSQL's or
// nothing says otherwise.
[[nodiscard]] std::optional<OtherDatabase> other_database(std::string_view migration, const ReadFile& read, const IsFolder& is_folder);

// The provider a Prisma migration_lock.toml names and its line (0 when none), as Prisma reads it.
[[nodiscard]] std::pair<std::string, int> prisma_lock_provider(std::string_view text);

// Whether a Prisma provider or a driver folder's name is another database's (not PostgreSQL's).
[[nodiscard]] bool other_database_name(std::string_view name);

// Why the set is not analysed: "a sqlite migration set, not analysed as PostgreSQL:
// prisma/sqlite/migrations/migration_lock.toml:3 says provider = \"sqlite\"" (paths as given).
[[nodiscard]] std::string describe_other_database(const OtherDatabase& set);

// Whether a runner the project configures runs `path` whatever its folder is named: a psql
// command names or includes it, a Flyway location or a `find ... -exec psql` recurses into it.
using RunByTool = std::function<bool(const std::string& path)>;

// Takes out of `files` the migrations of other databases' sets, and gives one skipped report per
// set (its path the set's folder, its reason describe_other_database's), in the order first met.
// A file `run_by_tool` says a runner runs stays: a folder's name, which the analysed tree itself
// chooses, never hides what psql or Flyway sends to PostgreSQL (red team R78a B7).
[[nodiscard]] std::vector<FileReport> set_aside_other_databases(std::vector<std::string>& files, const ReadFile& read,
                                                                const IsFolder& is_folder, const RunByTool& run_by_tool = {});

// set_aside_other_databases reading the working tree: files up to 1 MiB, folders by stat.
[[nodiscard]] std::vector<FileReport> set_aside_other_databases(std::vector<std::string>& files, const RunByTool& run_by_tool = {});

}  // namespace pgfence::analyze::tools
