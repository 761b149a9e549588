#pragma once
// What a deploy's command lines make a migration tool do beyond the folder it reads (red team R79
// B9, B6, B8, B13, B18, B19, B20): run the down direction, reset, clean or drop the database, or
// read its settings from a file or an environment variable pgfence does not read as that tool's.
// pgfence analyses the up halves and the default settings files only, so each such line is an
// unknown statement at its line (`analyze`), and a line of a pull request that says one is a
// migration-tool settings change (`pr`). Read in the command files settings_surface.hpp
// command_file names and in package.json, as the shell hands the commands over (logical_lines).
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

// Why a command (one logical line) runs a migration tool's down, rollback, undo, reset, clean or
// drop verb, printable; "" when it runs none.
[[nodiscard]] std::string destructive_command(std::string_view command);

// Why a command line names settings the tool reads that pgfence does not read as that tool's
// (db-migrate's, graphile-migrate's and sequelize-cli's --config, Flyway's -configFiles and
// FLYWAY_CONFIG_FILES, node-config's NODE_CONFIG, libpq's PGSERVICEFILE and PGSYSCONFDIR); "".
[[nodiscard]] std::string unread_settings_command(std::string_view command);

// Whether one physical line says either (`pgfence pr`: the line is a settings change).
[[nodiscard]] bool deploy_command_line(std::string_view line);

struct CommandUnknown {
    int line = 1;
    std::string why;  // printable
    std::string target;  // in a Makefile or justfile: the target or recipe the line is in
    // The other lines whose values the command was read with (a workflow's env, matrix and
    // working-directory): `pr` reviews the command when the pull request changes one of them.
    std::vector<int> uses;
};

// The unknowns of a command file, a package.json or a dotenv file at `path` (repository-relative):
// destructive commands and unread settings. In a package.json, a script counts where its name is a
// deploy's migrate step (migrate, deploy, release, start, postinstall, build: not one that names
// the destructive direction itself, a developer's `db:rollback`); in a command file, also a
// `npm run X` / `yarn X` / `pnpm X` whose package.json script X (read through `read`, from the
// folder the command runs in) is destructive. A Makefile's or justfile's target whose name names the
// destructive direction (`migrate-down:`) is a developer's helper, as the package.json one.
[[nodiscard]] std::vector<CommandUnknown> deploy_command_unknowns(std::string_view path, std::string_view text, const ReadFile& read);

// The scripts of the repository a command file's lines run by name (`./scripts/release`, `bash
// scripts/migrate.sh`): (line, repository path), at most 64; a computed or outside one is left out
// (deploy_command_unknowns reports it).
struct ScriptRunByName {
    int line = 1;
    std::string path;
    std::string view;  // shell_scripts_run: the name it is read under (named_command_files.hpp command_view); "": shell_view's
};
// `read`, when given, also finds the bin an `npx` of the repository's own package runs (deploy_npx_bins.cpp).
[[nodiscard]] std::vector<ScriptRunByName> scripts_run_by_name(std::string_view path, std::string_view text, const ReadFile& read = {});

// The project's own programs that migrate (own_runners.cpp: review87 miss 1) the command lines of
// `path` run: in a package.json a script named to migrate (`db:migrate:deploy: node
// dist/scripts/apply-migrations.js`), in a command file a program so named; a built one's
// TypeScript source too. `pr` reviews a change to one, or to a module it loads. At most 64.
struct OwnRunner {
    int line = 1;
    std::string path;  // repository-relative
    std::string how;   // "script db:migrate:deploy", printable
};
[[nodiscard]] std::vector<OwnRunner> own_runner_programs(std::string_view path, std::string_view text, const ReadFile& read);

}  // namespace pgfence::analyze::tools
