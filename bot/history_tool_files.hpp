#pragma once
// The base's history replays only files the migration tool runs (issue #53, red team h2 item 4):
// a file the globs select in a folder whose tool never loads it made nothing in production, and a
// check it seems to add would let a later statement be judged safe (a SET NOT NULL "proven" by a
// CHECK that is not there scans the table under ACCESS EXCLUSIVE).
#include <map>
#include <string>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::bot {

// Why the tool of `path`'s folder never loads it, or "" when it may (its settings read through
// `read`, paths relative to the repository's top):
// - knex loads only its loadExtensions from its migrations.directory (knex/knex
//   lib/migrations/migrate/MigrationGenerator.js / configuration-merger.js DEFAULT_LOAD_EXTENSIONS:
//   .co .coffee .eg .iced .js .cjs .mjs .litcoffee .ls .ts), so a .sql file there never runs;
//   sequelize-cli's migrations-path likewise takes only .js, .cjs, .cts and .ts files
//   (sequelize/cli src/core/migrator.js getMigrator: pattern /^(?!.*\.d\.ts$).*\.(cjs|js|cts|ts)$/);
// - node-pg-migrate, without use-glob, reads the files directly in its folder, no subfolder
//   (salsita/node-pg-migrate src/migration.ts getMigrationFilePaths: readdir of the folder, its
//   files and links).
// `folders` keeps what each folder's settings said, so a history of many files reads them once.
struct FolderTools {
    std::string script_tool;  // the script tool that runs the folder (knex, sequelize) or ""
    std::string skipped_by;   // why node-pg-migrate, running a folder above, reads none of it, or ""
};
[[nodiscard]] std::string tool_never_loads(const std::string& path, const analyze::tools::ReadFile& read,
                                           std::map<std::string, FolderTools>& folders);

}  // namespace pgfence::bot
