#pragma once
// `pgfence pr` and the files a migration tool's settings loading reads beyond the main settings
// files (analyze/tools/settings_surface.hpp): the lines of another tool's settings a pull request
// changes (other_tool_lines: knexfile, .sequelizerc, diesel.toml, .env, node-config's files,
// Spring Boot's application*.yml, command lines in Makefiles, scripts and CI workflows), and the
// files another settings file names: each module a knexfile, a .sequelizerc or a sequelize
// config/config.js loads by a relative path (followed as Node's require() follows it,
// transitively, within the repository), the configuration file `.sequelizerc`'s `config` names,
// the diesel settings file a .env's DIESEL_CONFIG_FILE names, and any *.toml with a
// [migrations_directory] section (diesel --config-file takes any name).
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/base/error.hpp"
#include "analyze/model/facts.hpp"
#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// Whether `path` is sequelize-cli's default configuration (config/config.json or config.js).
[[nodiscard]] bool sequelize_config_name(std::string_view path);
// semantic-release's and release-it's settings files (.releaserc*, release.config.*, .release-it.*,
// .config/releaserc*), by their path (bot/release_surface.cpp).
[[nodiscard]] bool release_config_path(std::string_view path);
// A line of a release tool's JSON or YAML settings that may change what it runs (other_tool_lines).
[[nodiscard]] bool release_settings_line(std::string_view line);

// Whether `path` is one of node-config's files and no other tool's (a Spring Boot
// config/application.yml, a sequelize config/config.json are theirs).
[[nodiscard]] bool node_config_only(std::string_view path);

// Empty when `path` is no other tool's settings file; otherwise whether a line of it counts.
[[nodiscard]] std::function<bool(std::string_view)> other_tool_lines(std::string_view path);

// The lines of a changed settings file that the pull request added and that count (`counts`, by
// default other_tool_lines), each a SettingChange at its line.
[[nodiscard]] std::vector<analyze::SettingChange> other_tool_changes(const diff::ChangedFile& file, std::string_view text,
                                                                   std::function<bool(std::string_view)> counts = {});

// The counting lines of `base_text` that `head_text` no longer has (a setting removed: its value
// goes back to the tool's default), each a SettingChange at line 1.
[[nodiscard]] std::vector<analyze::SettingChange> removed_tool_settings(std::string_view path, std::string_view base_text,
                                                                      std::string_view head_text,
                                                                      const std::function<bool(std::string_view)>& counts);

// Whether a package.json or a command file of the head or the base runs node-pg-migrate (whose
// settings node-config's files hold).
[[nodiscard]] analyze::Result<bool> uses_node_pg_migrate(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                         std::uint64_t max_bytes);

struct SurfaceFile {
    std::string why;        // "knexfile.js:1 loads it", printable
    bool storage = false;   // a sequelize configuration: only its migrationStorage* / seederStorage* lines count
    std::string knexfile;   // the knexfile that loads it, when one does (its settings are knex's)
    bool environment = false;  // an application's environment file (tools/env_files.hpp): its tool and Spring variables count
    // A module TypeORM requires at initialisation (an entity, a subscriber: tools/tool_runners.hpp):
    // not a settings file, but its changed lines that import a driver or write another module's
    // value are unknown (red team R79 B15).
    bool loaded_module = false;
    // A file an .npmrc's userconfig / globalconfig names: npm reads it as an .npmrc, so its lines
    // count as one's do (its node-options, script-shell, ...).
    bool npmrc = false;
    // A script a command file runs by name (tools::scripts_run_by_name): its lines are commands, so
    // those that run a migration tool or say a deploy command count (issue #53).
    bool command_script = false;
};

// What a settings script reads that pgfence follows no further: a module by a computed name
// (`require(path.join(__dirname, name))`), at its line.
struct ComputedModule {
    std::string script;
    int line = 1;
    std::string expr;  // printable
    // A path alias pgfence does not resolve (`require("#boot")`, a bundler's `@/db`), not a computed name.
    bool by_name = false;
};

struct Surface {
    std::map<std::string, SurfaceFile> files;   // by repository path
    std::vector<ComputedModule> computed;
    // A settings script loads node-config (`require('config')`): node-config's files are its too.
    std::string node_config_why;                // "knexfile.js loads the config package", or ""
    std::vector<std::string> env_names;         // the variables the settings scripts read (sorted)
    std::string env_why;                        // which script reads them
    bool env_computed = false;                  // one reads a variable by a computed name
};

// The files of `commit` another settings file names (see above; at most a few hundred: a
// settings file names a handful of modules), and what its scripts read beyond them. A module a
// script loads by a path alias (package.json "imports", tsconfig "paths") is resolved as the
// analysis resolves it, in the checkout at `checkout` (the head's); without one, or when it names
// no one file of the repository, it is a load pgfence does not follow (`computed`).
[[nodiscard]] analyze::Result<Surface> settings_surface_at(const diff::Repository& repo, const std::string& commit,
                                                           std::uint64_t max_bytes, const std::string& checkout = {});

// Adds to `added` a report per file of the base's or the head's surface the pull request changed
// (its added and removed settings lines, migration-tool-settings-changed; unknown when too large
// to read), skipping and extending `listed`.
[[nodiscard]] analyze::Result<bool> add_surface_reports(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                        const analyze::AnalyzeOptions& options, std::set<std::string>& listed,
                                                        std::vector<analyze::FileReport>& added);

}  // namespace pgfence::bot
