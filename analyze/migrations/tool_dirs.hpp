#pragma once
// The folders migration tools other than Flyway read their migrations from, as their settings in
// the project's own files name them (Flyway's locations: flyway_settings.hpp). Each reader below
// mirrors what the tool itself reads; the tool's source is cited at each one in tool_dirs.cpp.
// A folder the settings name as a constant is followed (its files are migrations of that tool);
// one they compute (an environment variable the repository does not set, an expression) is not
// known, and says why, at its line.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

struct ToolDir {
    std::string tool;     // "diesel", "knex", "mikro-orm", "dbmate", "sqlx", "typeorm", "node-pg-migrate", "goose"
    std::string setting;  // the setting as the tool names it: "[migrations_directory] dir", "DBMATE_MIGRATIONS_DIR"
    int line = 1;         // where the settings file sets it
    // Relative to the same root as the settings file's path ("" with `unknown` set, unless
    // loads_unread says what it selects): a folder of the repository, never absolute and never above its top.
    std::string folder;
    std::string unknown;   // why the folder is not known (then `folder` is empty), printable
    bool scripts = false;  // the tool also runs JavaScript/TypeScript files from it (knex, TypeORM, node-pg-migrate)
    // The setting runs a program whose SQL pgfence does not see (`prisma db seed`, Rails' db:seed),
    // `unknown` says which: no folder is in question (review84 FU-12).
    bool program = false;
    // The file a TypeORM CLI's `-d FILE` names (repository-relative), while it is not yet read:
    // read_tool_dirs with a reader replaces the entry by what that file's DataSource names.
    std::string data_source;
    // Why the files this entry selects run but are not read (then each the pull request adds or
    // changes is an unknown statement at its line 1), printable: a psql run whose file is computed
    // (`for f in $(ls)`: `folder` empty, any .sql file), a declarative applier's desired-state file
    // (`psqldef --file F`: `folder` is F), whose DDL the tool computes. With it `folder` selects a
    // file, a glob, or every file below a folder, also where `unknown` is set: "" any .sql file, "**"
    // any file whose content psql would run (psql_runs_text), `db/patches/**` a computed psql file's folder,
    // `**/fix.sql` a file an absolute path or an unresolved include names.
    std::string loads_unread;
    // psql (tool "psql"): the variables its command line sets to a constant (`-v name=value`,
    // `--set`, `--variable`; a value with `$` or a backquote is computed, not constant), which the
    // file's `:name` then stands for (parse/psql_variables.hpp).
    std::vector<std::string> psql_constants;
    // knex: the knexfile's `migrations.loadExtensions` as written (".migration"), which replace its
    // default list: files of the folder ending so are required as JavaScript (tool_loads).
    std::vector<std::string> load_extensions;
    // mikro-orm: its migrations.glob where not the default '!(*.d).{js,ts,cjs}': which files of the
    // folder umzug loads is then not read, and every file below it counts as loaded (tool_loads).
    std::string glob;
    // mikro-orm: the configuration file (repository-relative) another setting names and this entry
    // was read from (package.json's configPaths, MIKRO_ORM_CLI_CONFIG, --config): `pr` counts each
    // of its changed lines as a settings change.
    std::string named_file;
    // typeorm: the part of its `migrations` glob below `folder` ("**/migrations/**/*.ts" for
    // ormconfig's "**/migrations/**/*.ts", whose folder is "."): TypeORM loads only the files the
    // glob matches (typeorm_glob_files.hpp), not every script below the folder (review90 A).
    std::string typeorm_glob;
};

// The setting of the ToolDir a Cargo.toml that depends on sqlx gives: sqlx-cli's default folder,
// `migrations` beside it, which holds only where no migrate!() of the project names a folder.
inline constexpr std::string_view k_cargo_sqlx_default = "Cargo.toml: sqlx dependency, sqlx-cli's default --source";

// A file of the same repository by its repository-relative path; nullopt when it is not a regular
// file within the size limit.
using ReadFile = std::function<std::optional<std::string>(const std::string& path)>;

// Whether `path` (repository-relative or as given) is a file one of these tools reads its
// migrations folder from: diesel.toml, knexfile.*, .env, ormconfig.* or a data source file,
// config/default.json, package.json, .sequelizerc, a Rust source file, any JavaScript/TypeScript
// file (read_tool_dirs reads the ones that make a DataSource).
[[nodiscard]] bool tool_settings_file(std::string_view path);
// A test runner's script, by the names jest and vitest select by default (jest's testMatch
// `**/__tests__/**/*.?([mc])[jt]s?(x)` and `**/?(*.)+(spec|test).?([mc])[jt]s?(x)`, vitest's include
// `**/*.{test,spec}.?(c|m)[jt]s?(x)`): a test, not the tool's settings. Its `createConnection({...})`
// is a test's factory, its `sequelize.sync({ force: true })` resets the test database (review88:
// automatisch, chartbrew). What it spawns is still read (test_review87_precision push_command_control).
[[nodiscard]] bool test_script(std::string_view path);
// tool_settings_file by its name alone (a script's, any script's, aside).
[[nodiscard]] bool named_settings_file(std::string_view path);
// A script read only because any script may make a TypeORM DataSource or set up the tool's
// connections, not by a name a tool looks for: read up to --max-file-size as a migration is
// (speckle's 2.6 MB generated/gql/graphql.ts was an unknown "settings file larger than 1 MiB").
[[nodiscard]] bool script_settings_only(std::string_view path);

// Whether a script's text makes a TypeORM DataSource (new DataSource(...), createConnection(...)):
// its `migrations` are TypeORM's whatever the file is named.
[[nodiscard]] bool data_source_text(std::string_view text);

// The migration folders the settings file at `path` names, in line order. A file that names none
// (a .rs file without migrate!, a package.json without node-pg-migrate) gives none. A TypeORM
// `-d FILE` in a package.json script is followed through `read` (typeorm_data_source.hpp); with
// no reader it is unknown at its line.
[[nodiscard]] std::vector<ToolDir> read_tool_dirs(std::string_view path, std::string_view text, const ReadFile& read = {});

// The knex settings (migrations.directory) of a module the knexfile at `knexfile` loads
// (`module.exports = require('./config/knex')`), relative to the knexfile's folder, where the CLI runs.
[[nodiscard]] std::vector<ToolDir> read_knex_module(std::string_view path, std::string_view text, std::string_view knexfile);

// A ToolDir for `value` as the tool reads it relative to `base` (unknown, saying why, when it is
// absolute or climbs above the repository's top), and one whose folder is not known.
[[nodiscard]] ToolDir folder_dir(std::string tool, std::string setting, int line, std::string_view base, std::string_view value, bool scripts);
[[nodiscard]] ToolDir unknown_dir(std::string tool, std::string setting, int line, std::string why, bool scripts);

// The seed folders (seeds.directory) of the knexfile at `path`, relative to `run_folder`, where
// the CLI runs; none when it names none (then knex reads ./seeds).
[[nodiscard]] std::vector<ToolDir> read_knex_seeds(std::string_view path, std::string_view text, std::string_view run_folder);

// Whether `file` lies in `dir`'s folder and is a file its tool runs (.sql, or a script where the
// tool runs scripts).
[[nodiscard]] bool in_tool_dir(std::string_view file, const ToolDir& dir);

// Whether the tool loads `file` from `dir` when it runs: in_tool_dir's files, and those it loads
// that pgfence does not read as its migrations (node-pg-migrate's folder: every file but dot
// files, any extension). Such a file is an unknown statement at its line 1.
[[nodiscard]] bool tool_loads(std::string_view file, const ToolDir& dir);

// Whether psql, given `text` as a file, would run SQL or a meta-command of it: a line that opens
// with a backslash, or a statement (split as PostgreSQL's lexer splits them) that parses. A
// Dockerfile, a shell script, a CSV or an .env file does neither (each piece is a syntax error);
// a file of SQL named .yaml or .md does. How a "**" selection (a psql file whose name a command
// computes, with no folder spelled) picks the files it may run, by content, not by name (red team
// R71 F1 and N1).
[[nodiscard]] bool psql_runs_text(std::string_view text);

// Why `file` is a file the tool loads from `dir` that pgfence does not read (printable), or "".
[[nodiscard]] std::string unread_loaded_file(std::string_view file, const ToolDir& dir);

// A file name's last extension, lower-cased (".sql"), or "".
[[nodiscard]] std::string lower_ext(std::string_view file);

// "diesel.toml:2 ([migrations_directory] dir) puts diesel's migrations in ops/sql", printable.
[[nodiscard]] std::string describe(std::string_view settings_path, const ToolDir& dir);

}  // namespace pgfence::analyze::tools
