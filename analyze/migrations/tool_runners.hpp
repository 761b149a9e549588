#pragma once
// The repository files that run in a migration tool's process besides its settings scripts (red
// team R79 B11, B15): the project's own runner (a `node scripts/migrate.js` that calls
// knex.migrate.latest(), a wrapper that requires knex's CLI, a bin/migrate with a node shebang),
// the scripts npm runs before and after a script that runs the tool (`premigrate`, `postmigrate`:
// docs.npmjs.com/cli/using-npm/scripts "Pre & Post Scripts"), and the modules a TypeORM data
// source's `entities` and `subscribers` name, which DataSource.initialize() requires (typeorm/typeorm
// src/data-source/DataSource.ts buildMetadatas, src/util/DirectoryExportedClassesLoader.ts
// importClassesFromDirectories: every match of each glob). Their top-level code runs before any
// migration, so what the migrations call, and what the database holds, may not be what pgfence
// reads. This file says which files those are; tool_runner_code says what in one is unknown.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::orm {
class SharedLoads;
}

namespace pgfence::analyze::tools {

struct ToolRunner {
    int line = 1;      // the line of the command file that runs it
    std::string path;  // repository-relative
    std::string how;   // "runs it with node before knex migrate:latest (npm's premigrate)", printable
};

// The scripts the command lines of `path` (a package.json's scripts, a workflow, a Procfile, a
// Dockerfile, any command_file) run that are the migration tool's process: a file run with node
// (ts-node, tsx, babel-node) or as a program by its path whose text runs migrations
// (loads_migration_tool), and in a
// package.json any file npm's pre/post script of a script that runs the tool runs. `read` gives a
// repository file's text (nothing when it is not a regular file).
[[nodiscard]] std::vector<ToolRunner> tool_runners(std::string_view path, std::string_view text, const ReadFile& read);

// Whether a script's text runs migrations: it loads a migration tool's CLI or migrator (knex's
// bin, sequelize-cli, umzug, node-pg-migrate, db-migrate, graphile-migrate, ...), or loads an ORM
// and calls its migrator (`knex.migrate.latest()`, `dataSource.runMigrations()`).
[[nodiscard]] bool loads_migration_tool(std::string_view text);

// The modules a TypeORM data source or ormconfig loads at initialisation: each `entities` /
// `subscribers` setting's globs (repository-relative), or why they are not known (a value computed
// when the tool runs). A list of classes is the data source's own imports, followed with it.
struct LoadedGlobs {
    int line = 1;
    std::string setting;             // "entities"
    std::vector<std::string> globs;  // "src/entity/**/*.{js,ts}"
    std::string unknown;             // printable
};
[[nodiscard]] std::vector<LoadedGlobs> typeorm_loaded_globs(std::string_view path, std::string_view text);

// Whether the repository file `file` matches one of `g`'s globs (`*`, `?`, `**/`, `{a,b}` as
// TypeORM's glob package reads them, a script's extension only).
[[nodiscard]] bool loaded_by(std::string_view file, const LoadedGlobs& g);

// What in a file of the tool's process pgfence does not know, as (1-based line, why): a shebang's
// preload (settings_surface.hpp preload_line), writes to other modules' values and the modules it
// loads (orm/module_writes.hpp settings_module_writes, drivers included; an entity's own writes
// only), its own imports of a
// database driver or a way to run programs, the SQL it sends itself (`knex.raw`, `.query`,
// `knex.schema`), and a script the lexer cannot read to its end. `runner`: SQL calls count (a
// runner's; an entity's top-level code is judged by its imports and writes).
// `entity_loads`: for an entity (runner false), the loader its modules are followed through, shared
// by every entity of the data source (none: its own code only).
[[nodiscard]] std::vector<std::pair<int, std::string>> tool_runner_code(std::string_view path, std::string_view text, bool runner,
                                                                        orm::SharedLoads* entity_loads = nullptr);

}  // namespace pgfence::analyze::tools
