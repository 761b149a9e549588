#pragma once
// SQL files that no migration tool runs, found by walking a folder (stranger review 87): a
// benchmark query (speckle's test-queries/*.sql, one with a typo that failed the run), an
// integration test's schema shaper (formbricks' apps/web/integration/*.sql), a database
// container's init script (speckle's setup/db/10-docker_postgres_init.sql, which a compose file
// mounts into /docker-entrypoint-initdb.d: the postgres image's docker-entrypoint.sh runs those
// files once, on an empty data directory, never on the database the migrations change).
// The project's own words decide, never a folder's name alone: a .sql file is set aside only when
// - the project has migrations pgfence reads elsewhere (another file kept),
// - no tool claims it by its name or markers (prepare_source says plain SQL),
// - no folder on its path is named as a tool's convention names its folder ("migrations",
//   Flyway's sql, sqitch's deploy ...), and no settings file names its folder (`named`),
// - no psql run or Flyway location pgfence follows runs it (`run_by_tool`),
// - it was not given by name on the command line (`given`).
// A mount into /docker-entrypoint-initdb.d by a compose file sets it aside whatever its folder.
// Each file set aside is a skipped report saying why, never left out unseen.
#include <string>
#include <vector>

#include "analyze/migrations/other_database.hpp"

namespace pgfence::analyze::tools {

struct LooseSqlScope {
    std::vector<std::string> named;  // files of the folders the tools' settings name (absolute, normal)
    std::vector<std::string> given;  // the paths given on the command line
    RunByTool run_by_tool;
};

// Takes the loose SQL files out of `files` and gives a skipped report for each.
[[nodiscard]] std::vector<FileReport> set_aside_loose_sql(std::vector<std::string>& files, const LooseSqlScope& scope);

// The compose file and line that mount `file` (absolute, normal) or a folder holding it into
// /docker-entrypoint-initdb.d, read from the compose files in `file`'s folder and each one above
// it up to `top` (absolute, normal); "" when none. "path:line" on success.
[[nodiscard]] std::string initdb_mount(const std::string& file, const std::string& top);

}  // namespace pgfence::analyze::tools
