#pragma once
// The package.json scripts a deploy's commands run, and the package each runs in (split from
// deploy_commands.cpp, moves only). Not for use outside analyze/migrations: deploy_commands.hpp is the API.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pgfence::analyze::tools::deploy_detail {

// A package.json's scripts: (line, name, command) of each `"name": "command"` inside "scripts".
struct Script {
    int line = 1;
    std::string name;
    std::string command;
};


std::vector<Script> package_scripts(std::string_view text);

// The package.json scripts a command runs (`npm run X`, `npm run-script X`, `npm start`,
// `yarn X`, `yarn run X`, `pnpm X`, `pnpm run X`, `bun run X`), with the words it passes on
// (`npm run migrate down`, `npm run migrate -- down`: node-pg-migrate's documented use is a
// `"migrate": "node-pg-migrate"` script given its verb so).
struct ScriptRun {
    std::string name;
    std::string args;  // at most 64 words, joined by blanks
    // The package it runs in (red team R81a B7): `folder`, relative to where the command runs
    // (npm --prefix / -C, pnpm -C / --dir, yarn --cwd), or the workspace `workspace` names (npm -w /
    // --workspace, pnpm --filter / -F, `yarn workspace X run Y`); `every` for npm's --workspaces / -ws.
    std::optional<std::string> folder;
    std::optional<std::string> workspace;
    bool every = false;
    // Named by npm-run-all, run-s, run-p or concurrently's `npm:` shorthand: `name` may be a glob
    // of script names (PackageScripts::why).
    bool runner = false;
    // pnpm's `pnpm run "/regex/"`: every script the regular expression matches (pnpm.io/cli/run,
    // "Running multiple scripts"), not read.
    bool regex = false;
    // Run by lerna in each package: its packages are lerna.json's (Workspaces::root_of).
    bool lerna = false;
};

// `patterns`: the command's words as glob patterns (simple_commands), where npm-run-all's come from.
std::vector<ScriptRun> scripts_run(const std::vector<std::string>& words, const std::vector<std::string>* patterns = nullptr);
// The lifecycle scripts `pm`'s `command` (the word at `at` of `words`) runs: pack, publish and
// version (npm's stage, `yarn npm publish`, `bun pm pack`), in the folders its package arguments
// name or else where it runs; false for another command (deploy_lifecycle.cpp).
bool lifecycle_runs(std::string_view pm, std::string_view command, const std::vector<std::string>& words, std::size_t at,
                    const std::optional<std::string>& folder, const std::optional<std::string>& workspace, bool every,
                    std::vector<ScriptRun>& out);
// The lifecycle scripts a release tool runs across the workspace when `words[k]` names it: lerna's
// publish and version (in the root and each package), changesets' publish (each package), as
// ScriptRuns with `every` (and the root's without); false for another program (deploy_lifecycle.cpp).
bool release_tool_runs(const std::vector<std::string>& words, std::size_t k, std::vector<ScriptRun>& out);
// The scripts each simple command of `command` runs.
std::vector<ScriptRun> scripts_run_in(std::string_view command);

// npm's command for the word after `npm` (npm lib/utils/cmd-list.js deref: a command, an alias such
// as `rum` or `urn` for run, or a unique abbreviation such as `run-scr`), "" for none (deploy_npm.cpp).
std::string npm_command(std::string_view word);

// Why a command runs tasks through turbo, lerna or nx that pgfence does not follow (a task in each
// workspace package: its script, turbo.json's dependsOn, nx's project.json), "" when it runs none or
// only tasks named as a deploy's step, which each package.json's scripts are read for (deploy_npm.cpp).
std::string task_runner_unknown(const std::vector<std::string>& words);
// The tasks a turbo, lerna or nx command runs, and the filters it names (turbo --filter, lerna
// --scope, nx --projects or `nx run P:T`'s P is in the task); nullopt when it runs none (deploy_npm.cpp).
struct TaskRun {
    std::string runner;  // turbo, lerna or nx
    std::vector<std::string> tasks;
    std::vector<std::string> filters;
    // What pgfence did not find after the runner's options (its subcommand, its tasks): the
    // command is unknown, never clean.
    std::string unknown;
};
std::optional<TaskRun> task_run(const std::vector<std::string>& words);
// The nx part of task_run: the tasks of the nx command whose subcommand is words[v] (deploy_nx.cpp).
void nx_task_run(const std::vector<std::string>& words, std::size_t v, TaskRun& out);
// The command `nx exec [options] -- COMMAND` runs in each nx project's folder (each = true) or
// `nx watch [options] -- COMMAND` where nx runs, its words joined; nullopt for another (deploy_nx.cpp).
struct NxCommand {
    std::string command;
    bool each = false;
};
std::optional<NxCommand> nx_command(const std::vector<std::string>& words);
// Whether a script's name is a deploy's migrate step, read in every package.json (deploy_commands.cpp).
bool deploy_task_name(std::string_view name);
// Whether it is a developer's helper by its name: the destructive direction, a test or development run.
bool helper_task_name(std::string_view name);

// A task pattern of npm-run-all, run-s or run-p (npm-run-all lib/match-tasks.js: minimatch over
// the name with `:` and `/` swapped, brace sets expanded), matched against script names
// (deploy_npm.cpp). Not ok where the pattern has syntax pgfence does not match as minimatch does (an
// extglob, a `{1..3}` sequence, a POSIX class, more than 64 alternatives, past 256 bytes).
class ScriptPattern {
public:
    explicit ScriptPattern(std::string_view pattern);
    [[nodiscard]] bool ok() const { return m_ok; }
    [[nodiscard]] std::size_t size() const;
    [[nodiscard]] bool matches(std::string_view name) const;

private:
    bool m_ok = true;
    std::vector<std::string> m_alternatives;  // the pattern with its brace sets expanded
};

// A package.json's scripts by name, each one's destructive_command worked out once (a script
// named a thousand times costs one reading).
class PackageScripts {
public:
    // What a script's command that runs tasks across workspace packages (turbo, pnpm -r) runs, from
    // this package's folder (deploy_workspaces.cpp): nullopt when the command runs none.
    std::function<std::optional<std::string>(const std::vector<std::string>& words)> workspace_run;
    // Why a script's command runs the project's own program that connects to PostgreSQL, from this
    // package's folder (other_runners.hpp driver_program_unknown), "" when it does not; not asked of
    // a service's script (`start`, `serve`, `start:prod`).
    std::function<std::string(const std::vector<std::string>& words)> program_run;
    explicit PackageScripts(std::vector<Script> scripts) : m_scripts(std::move(scripts)), m_why(m_scripts.size()), m_own(m_scripts.size()), m_runs(m_scripts.size()), m_busy(m_scripts.size()) {
        for (std::size_t i = 0; i < m_scripts.size(); ++i) m_by_name.emplace(m_scripts[i].name, i);
    }
    [[nodiscard]] const std::vector<Script>& all() const { return m_scripts; }
    // Why the script `name` is destructive or names settings pgfence does not read; "" when neither, or there is none.
    // With the scripts it runs in turn (32 deep; each read once).
    std::string why(const std::string& name);
    // The same for the script run with `args` after its command (worked out anew, for the first 64
    // runs with arguments), its pre and post scripts around it, a pattern's every match.
    std::string why(const ScriptRun& run);

private:
    std::string event_why(const std::string& name, const std::string& args);
    int m_depth = 0;
    std::vector<Script> m_scripts;
    std::unordered_map<std::string, std::size_t> m_by_name;
    std::vector<std::optional<std::string>> m_why;
    std::vector<std::optional<std::string>> m_own;  // what each script's own command says
    std::vector<std::vector<ScriptRun>> m_runs;     // the scripts of this package each runs
    std::vector<char> m_busy;                       // being worked out
    std::size_t m_cycles = 0;                       // the times a script being worked out was met
    std::size_t m_visits = 256u << 10;
    std::size_t m_with_args = 0;
    std::size_t m_glob_budget = 16u << 20;  // the steps of matching globs against names (PackageScripts::why)
};

// `rel` joined to `folder`, `.` and `..` folded; nullopt when it leaves the top, is absolute or
// computed (`$DIR`): a folder pgfence cannot tell.
std::optional<std::string> join_folder(std::string_view folder, std::string_view rel);
// The top-level "name" of a package.json (depth 1 only: a nested "name" is another's).
std::string package_name(std::string_view text);
// The strings of a JSON array that opens at `open` ('[') and ends at the first ']', at most 64
// (lerna.json's "packages", package.json's "workspaces", turbo.json's "dependsOn").
std::vector<std::string> json_strings(std::string_view text, std::size_t open);
// The workspace patterns of a root: package.json "workspaces" (an array, or {"packages": [...]},
// docs.npmjs.com/cli/using-npm/workspaces, Yarn's) and pnpm-workspace.yaml's `packages:` list.
std::vector<std::string> workspace_patterns(std::string_view package_json, std::string_view pnpm_yaml);

}  // namespace pgfence::analyze::tools::deploy_detail
