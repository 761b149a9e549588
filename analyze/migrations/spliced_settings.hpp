#pragma once
// Settings of the JavaScript migration tools that the tool writes into SQL text itself, on each
// connection or in its own statements, or that change how the migrations' names are read; and
// code a tool's configuration module runs when the tool loads it. Red team R78a B3, B4, B5: a
// Sequelize `searchPath` of `public; DROP TABLE users`, a db-migrate `schema` holding a quote, a
// TypeORM `migrationsTableName` closing its CREATE TABLE, `quoteIdentifiers: false`, a
// config/database.js that opened `pg` itself: each dropped a table while the migrations read clean.
//
// What each tool does with them (each tool's source):
// - Sequelize 6 (lib/dialects/postgres/connection-manager.js connect): `SET client_min_messages TO
//   <dialectOptions.clientMinMessages>`, `SET TIME ZONE INTERVAL '<timezone>' HOUR TO MINUTE` or
//   `SET TIME ZONE '<timezone>'`, `SET search_path to <searchPath>` when prependSearchPath is on
//   (and query.js prefixes each query with it), all unquoted; `quoteIdentifiers: false` sends
//   createTable('Users') as `CREATE TABLE Users`, which PostgreSQL folds to users
//   (lib/dialects/abstract/query-generator.js quoteIdentifier);
// - db-migrate-pg (index.js): `SET search_path TO "<schema>"`, the quote not doubled;
// - node-pg-migrate (src/runner.ts): `SET search_path TO "<schema>"` and its migrations table's
//   schema, unescaped;
// - knex (lib/dialects/postgres/index.js setSchemaSearchPath): `set search_path to "<a>","<b>"`;
// - TypeORM (MigrationExecutor): the migrations table's name and schema inside its CREATE TABLE
//   and INSERT, between double quotes it does not double.
// A value that is a plain identifier (a time zone, a message level) is read; any other, or one
// computed when the tool runs, is unknown at its line. A search path or schema other than public
// re-points every unqualified name the migrations use: a note says so.
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

struct SplicedSetting {
    int line = 1;
    std::string why;      // printable
    bool unknown = true;  // false: a note only (a plain search path other than public)
};

// The settings of `text` (the file at `path`) that a migration tool writes into its SQL, in order;
// none when `path` is not a settings file of such a tool (a Sequelize or node-config configuration,
// database.json, .db-migraterc, .pgmigraterc, a knexfile, a TypeORM ormconfig or data source).
[[nodiscard]] std::vector<SplicedSetting> spliced_settings(std::string_view path, std::string_view text);

// The lines of a configuration module the tool loads with require() (a Sequelize config.js, what
// .sequelizerc's `config` names when it is in a config/ folder, a node-config module, a knexfile,
// a TypeORM data source) that import a database driver or a way to run programs: that code runs
// when the tool loads the module, before any migration, and pgfence does not follow it. The same
// list the migration scripts are held to (orm/escapes.hpp driver_module), less the tool's own package.
[[nodiscard]] std::vector<SplicedSetting> config_module_code(std::string_view path, std::string_view text);

// The same for a file another setting names as `tool`'s configuration, whatever its name
// (.sequelizerc's `config`: tools/sequelize_rc.hpp).
[[nodiscard]] std::vector<SplicedSetting> spliced_settings_for(std::string_view path, std::string_view text, const std::string& tool);
[[nodiscard]] std::vector<SplicedSetting> config_module_code_for(std::string_view path, std::string_view text, const std::string& tool);

// The tool that loads the JavaScript/TypeScript settings module at `path` with require(), in the
// process that then runs the migrations ("knex", "sequelize-cli", "TypeORM", "node-config",
// "graphile-migrate"), or "" when it is none: a knexfile, .sequelizerc, config/config.js and
// config/database.js, node-config's default module, ormconfig.js, a TypeORM data source, .gmrc.js.
// Its statements are read by orm/settings_module.hpp (default-deny).
[[nodiscard]] std::string settings_module_tool(std::string_view path, std::string_view text);

// The settings modules a command line names at another path (in package.json's scripts or a
// command file: tools/settings_surface.hpp command_file): `knex --knexfile X` (knex bin/cli.js
// initKnex), `sequelize --config X` (sequelize-cli src/core/yargs.js), `typeorm -d X` /
// `--dataSource X` (typeorm src/commands/*Command.ts); repository-relative, with the tool.
struct NamedModule {
    int line = 1;
    std::string path;
    std::string tool;
};
[[nodiscard]] std::vector<NamedModule> named_settings_modules(std::string_view path, std::string_view text);

}  // namespace pgfence::analyze::tools
