#pragma once
// The files a migration tool's own settings loading reads beyond its main settings file, and the
// lines of them that decide which migrations run against which history table: node-config's whole
// file set (node-pg-migrate), Spring Boot's spring.flyway / spring.liquibase keys in YAML, a
// knexfile's or a sequelize config's required modules, diesel's DIESEL_CONFIG_FILE, and a
// migration tool's command line in a Makefile, a script, a compose file or a CI workflow.
// `pgfence pr` reports a pull request's added lines there (migration-tool-settings-changed);
// tool_dirs.cpp follows the folders they name.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgfence::analyze::tools {

// `value` relative to the folder `base`, as a repository path (`..` and `.` resolved); "" when it
// climbs above the repository's top or is absolute.
[[nodiscard]] std::string repository_path(std::string_view base, std::string_view value);

// Whether `path` is a file node-config loads: a file directly in a `config/` folder with one of the
// extensions node-config parses. node-config loads default, {NODE_ENV}, {NODE_ENV}-{instance},
// {hostname}, {deployment}, local, local-{NODE_ENV} and custom-environment-variables, each in
// every extension of lib/util.js's `order` list (node-config/node-config parser.js: 'js', 'cjs',
// 'mjs', 'ts', 'json', 'jsonc', 'json5', 'hjson', 'toml', 'coffee', 'iced', 'yaml', 'yml', 'cson',
// 'properties', 'xml'); the deploy's NODE_ENV, hostname and instance are not in the repository,
// so every base name counts.
[[nodiscard]] bool node_config_file(std::string_view path);

// Whether a line of a node-config file sets one of node-pg-migrate's settings that decide which
// migrations run and where their history is kept (salsita/node-pg-migrate bin/node-pg-migrate.ts
// readJson of the `config` package's section: migrations-dir, migrations-table,
// migrations-schema, schema, use-glob, ignore-pattern, check-order, database-url-var).
[[nodiscard]] bool node_pg_migrate_line(std::string_view line);

// Whether `path` is a file that may start a migration tool with its command line: Makefile,
// GNUmakefile, *.mk, justfile, Taskfile.yml, a shell script, a docker-compose file, a Dockerfile,
// a CI workflow (.github/workflows/*.yml, .gitlab-ci.yml, .circleci/config.yml, bitbucket-pipelines.yml,
// Buildkite's and Woodpecker's pipelines, Cloud Build's cloudbuild.yaml), a deploy platform's file
// (fly.toml, render.yaml, Platform.sh's .platform.app.yaml hooks, ...).
[[nodiscard]] bool command_file(std::string_view path);
// By its name, a file make reads (Makefile, Makefile.deploy, db.Makefile, *.mk, *.make), just
// reads (justfile, *.just, *.justfile) or flyctl reads (fly.toml, fly.<env>.toml, fly.json, fly.yaml).
[[nodiscard]] bool make_file_name(std::string_view name);
[[nodiscard]] bool just_file_name(std::string_view name);
[[nodiscard]] bool fly_config_name(std::string_view name);

// Whether such a file's commands run from the repository's top rather than the file's folder
// (a CI workflow; a shell script may run from either).
[[nodiscard]] bool runs_from_top(std::string_view path);

// Whether a line of such a file runs a migration tool (goose, dbmate, golang-migrate's migrate
// with -path / -source / -database, flyway, liquibase, node-pg-migrate, knex, sequelize,
// typeorm, diesel, sqlx) or sets one of their environment variables (GOOSE_*, DBMATE_*, FLYWAY_*,
// DIESEL_*, SPRING_FLYWAY_* / SPRING_LIQUIBASE_*, Spring's schema and SQL-initialization variables of
// spring_env.hpp, DATABASE_URL is not one).
[[nodiscard]] bool tool_command_line(std::string_view line);

// Why a line preloads code into a Node process that may be the migration tool's, "" when it does
// not: node's `-r` / `--require` / `--import` / `--loader` / `--experimental-loader` (on a `node`
// command line, in NODE_OPTIONS, or an .npmrc's `node-options`, which npm puts in NODE_OPTIONS for
// every script it runs) naming a module other than a well-known register hook (dotenv/config,
// ts-node/register, ...). The preloaded module runs first and may replace what a migration calls
// (red team R78b B2). `npmrc`: the line is an .npmrc's.
[[nodiscard]] std::string preload_line(std::string_view line, bool npmrc);

// Whether `name` is a tsconfig file (tsconfig.json, tsconfig.build.json, ...), whose "ts-node"
// section preloads code as node's -r does.
[[nodiscard]] bool tsconfig_name(std::string_view name);

// preload_line() of each line of a command file, package.json or .npmrc, and a tsconfig's "ts-node"
// `require`, `compiler` and `transpiler`: (line, why).
[[nodiscard]] std::vector<std::pair<int, std::string>> preload_lines(std::string_view path, std::string_view text);

// preload_line() of each line of a file npm reads as an .npmrc whatever its name (one an .npmrc's
// userconfig / globalconfig names): (line, why).
[[nodiscard]] std::vector<std::pair<int, std::string>> npmrc_preload_lines(std::string_view text);

// The files an .npmrc's `userconfig` / `globalconfig` name, which npm then reads as .npmrc files
// (@npmcli/config: the userconfig value, set by the project config, loads the user config; a path
// value is resolved from npm's working folder, the project's). `path` is repository-relative, ""
// when the value reads the environment, starts at home or leaves the repository.
struct NpmrcNamed {
    int line = 1;
    std::string key;
    std::string path;
};
[[nodiscard]] std::vector<NpmrcNamed> npmrc_named_files(std::string_view npmrc_path, std::string_view text);

// A settings file a tool's command line names (in a package.json script or a command file): knex's
// --knexfile, node-pg-migrate's --config-file / -f and --envPath, sequelize's --options-path and
// --config, dbmate's --env-file, diesel's --config-file, flyway's -configFiles (comma-separated),
// liquibase's --defaults-file, db-migrate's --config, graphile-migrate's --config / -c; relative to `base` (the folder the command runs in). A value that
// reads the environment or is quoted is left out (the line itself is reported as a tool line).
struct NamedFile {
    int line = 1;
    std::string flag;
    std::string path;  // repository-relative
};
[[nodiscard]] std::vector<NamedFile> named_settings_files(std::string_view path, std::string_view text, std::string_view base);

// The 1-based lines of a Spring Boot application*.yml / .yaml / .properties file that set a key
// under spring.flyway or spring.liquibase (the YAML key path by indentation, or a dotted key),
// whatever the key: Spring Boot binds every one of them to FlywayProperties / LiquibaseProperties
// (spring-boot FlywayAutoConfiguration, LiquibaseAutoConfiguration), clean-disabled,
// clean-on-validation-error, table, schemas, baseline-version and locations among them.
[[nodiscard]] std::vector<int> spring_migration_lines(std::string_view name, std::string_view text);

// A module a script loads by a relative path (`require('./config/knex')`, `import x from '../m'`),
// resolved against the script's folder; `spec` empty when the argument is not one plain string
// literal (then `expr` says what it is). Packages (`require('pg')`) are not listed.
struct ScriptModule {
    int line = 1;
    std::string spec;  // repository-relative, without the extension Node would add
    std::string expr;  // the argument as written, printable
};
[[nodiscard]] std::vector<ScriptModule> relative_modules(std::string_view path, std::string_view text);

// The environment variables a script reads by name (`process.env.NAME`, `process.env['NAME']`),
// and whether it reads one by a computed name (`process.env[key]`, `const { X } = process.env`
// counts as named X only when written so; a spread or a computed key is computed).
struct ScriptEnv {
    std::vector<std::string> names;
    bool computed = false;
};
[[nodiscard]] ScriptEnv script_env(std::string_view text);

// Whether a script loads the package `name` (`require('config')`, `from "config"`).
[[nodiscard]] bool loads_package(std::string_view text, std::string_view name);

// The files Node's require() tries for `spec`, in its order (LOAD_AS_FILE then LOAD_AS_DIRECTORY),
// with the extensions knex's and sequelize-cli's loaders register (.js .cjs .mjs .ts .cts .mts .json).
[[nodiscard]] std::vector<std::string> module_candidates(const std::string& spec);

// Each `KEY=value` of a .env for `key` (dotenv syntax, quotes removed): the line and the value,
// nullopt when it reads another variable ($NAME).
struct EnvValue {
    int line = 1;
    std::optional<std::string> value;
    std::string raw;  // printable
};
[[nodiscard]] std::vector<EnvValue> env_values(std::string_view text, std::string_view key);

}  // namespace pgfence::analyze::tools
