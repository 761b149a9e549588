#pragma once
// What deploy_commands.cpp, deploy_packages.cpp and deploy_scripts.cpp share (split from
// deploy_commands.cpp, moves only): a command line's words, the scripts and make/just targets a
// deploy's commands run (followed into, as command lines), and the package.json scripts they run.
// Not for use outside analyze/migrations: deploy_commands.hpp is the API.
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/migrations/deploy_commands.hpp"

namespace pgfence::analyze::tools::deploy_detail {

// `s` as shown in a reason: its first 80 bytes, control characters and backquotes replaced.
std::string printable(std::string_view s);
std::string lower(std::string_view s);
// A command line's simple commands, each as its words: split at the shell's separators (`&&`,
// `||`, `;`, `|`, `&`, a backquote), words at blanks; parentheses (a subshell, `$(VAR)` of make,
// which must not cut the command in two), the brackets and commas of an exec form (`CMD ["npx",
// "knex", ...]`) and of JSON are dropped, as a word never needs them to name a tool or its verb.
// Quotes are dropped and join what they touch, as the shell joins `migrate:'rollback'` into
// `migrate:rollback` (red team R81a B4); a quoted key before `:` (`"release":"knex ..."`) is a word of
// its own. An opening backquote leaves a `$`` word in the
// command it cuts: a command substitution. echo's and printf's arguments are left out (printed, not
// run) where the line neither pipes, redirects nor substitutes a command. `patterns`: the same
// commands with each word as a glob pattern keeps it (`'db:{reset,seed}'`), for npm-run-all's
// patterns. Linear in the line.
std::vector<std::vector<std::string>> simple_commands(std::string_view line, std::vector<std::vector<std::string>>* patterns = nullptr);

// The tool a word starts: its last path part without an npm version (`node_modules/.bin/knex`,
// `node-pg-migrate@7`), or the package's bin script run with node (`node_modules/knex/bin/cli.js`).
std::string tool_word(std::string_view word);
bool flag_word(std::string_view w);

// The scripts a deploy's commands run by name, followed (issue #53): at most this deep, this many
// and this many bytes in all, each once (a script that runs itself, or two that run each other,
// are read once).
constexpr int k_most_script_depth = 8;
constexpr std::size_t k_most_scripts = 64;
constexpr std::size_t k_most_script_bytes = 4u << 20;

struct Follow {
    int depth = 0;
    std::set<std::string> seen;
    std::size_t scripts = 0;
    std::size_t bytes = 0;
    std::string base;  // where the script being read runs: its caller's folder (the shell's working folder)
    bool keep_helpers = false;  // a Makefile read for a target a command runs: its helper-named targets count
    // The caller's names for folders (own_dir_assignment) a script it sources (`. lib.sh`, `source`) shares.
    std::vector<std::pair<std::string, std::string>> dirs;
    bool spawns = false;  // the text is a code script's spawned commands (deploy_spawns.cpp), read as lines
};

// The unknowns of a command file (or, `run_script`, of a script a command runs by name, read as
// a shell script whatever its name), following the scripts and targets its lines run (deploy_commands.cpp).
std::vector<CommandUnknown> command_unknowns(std::string_view path, std::string_view text, const ReadFile& read, Follow& follow, bool run_script);

// The repository script a simple command runs by name, as the shell finds it: the command word
// itself when it is a path (`./scripts/deploy`, `scripts/migrate.sh`), or the file a shell or
// `source` is given (`bash scripts/migrate.sh`, `. ./env.sh`; not `sh -c '...'`, whose words are
// the command itself). Leading words that are not the command are passed over: a YAML list's `-`
// and `run:`, a Dockerfile's RUN, variable assignments, sudo, exec, env. "" when it runs none.
std::string script_word(const std::vector<std::string>& words);
// Why the script `word` a command at `base` runs hides what pgfence must see, "" when it does not:
// its own lines read as a command file's are (destructive verbs, unread settings, the scripts they
// run in turn), or it cannot be read (a computed name, a path leaving the repository).
std::string script_unknown(std::string_view word, std::string_view base, const ReadFile& read, Follow& follow);
// The end of script_unknown's reason for a script that is not a file of the repository.
inline constexpr std::string_view k_not_in_repository =
    ", which is not a file of the repository (the deploy writes, downloads or builds it when it runs): pgfence does not see what it runs";
// Why a package.json script named to migrate (`db:migrate:deploy`) runs the project's own Node or
// Python program (`node ./dist/scripts/apply-migrations.js`, `tsx src/migrate.ts`), which pgfence
// does not model (own_runners.cpp); "" for any other (`start: node server.js`).
// The same for one command's script word (script_word), whatever names it.
std::string own_program_unknown(std::string_view script, std::string_view base, const ReadFile& read);
std::string own_runner_unknown(std::string_view name, std::string_view command, std::string_view base, const ReadFile& read);
// Why the target a `make T` / `just T` command runs hides what pgfence must see, "" when it does
// not: its recipe's lines, read as the file's other lines are, helper-named targets included (a
// deploy runs it). The file: GNUmakefile, makefile or Makefile of the folder (GNU make's order,
// make manual "What Name to Give Your Makefile"), or justfile / Justfile; `-f F`, `-C D` followed.
std::string target_unknown(const std::vector<std::string>& words, std::string_view base, const ReadFile& read, Follow& follow);

// A script line that names the script's own folder (`DIR=$(dirname "$0")`, `ROOT="$(cd "$(dirname
// "${BASH_SOURCE[0]}")/.." && pwd)"`), or one of those `known` and a path (`ROOT="$DIR/.."`): (the
// name, the folder it holds, from the top), folded.
std::optional<std::pair<std::string, std::string>> own_dir_assignment(std::string_view line, std::string_view script,
                                                                      const std::vector<std::pair<std::string, std::string>>& known);
// A script line that names the folder the shell runs in (`dir=$(pwd)`, `dir="$PWD"`; deploy_pwd.cpp):
// (the name, `cwd`, from the top); nullopt for any other value or when `cwd` is not known.
std::optional<std::pair<std::string, std::string>> pwd_assignment(std::string_view line, const std::optional<std::string>& cwd);
// A line that opens an array assignment it does not close (`results=(`; shell_arrays.cpp), and what
// a following line is: words of the array, its `)` alone, or anything else (then read as a command).
bool opens_array(std::string_view line);
enum class ArrayLine { words, closes, other };
ArrayLine array_line(std::string_view line);
// `line` with those names, and `$(dirname "$0")` itself, replaced by their folder from the top,
// marked k_from_top: a later `cd` on the line does not move it.
constexpr char k_from_top = '\x01';
std::string with_own_dirs(std::string_view line, const std::vector<std::pair<std::string, std::string>>& dirs, std::string_view script);
// Whether `text` names `name` other than as a reference (`$NAME`, `${NAME}`): an assignment, `read NAME`.
bool bare_mention(std::string_view text, std::string_view name);
// A word that starts with such a folder: the path from the top (nullopt when not marked or it leaves the top).
std::optional<std::string> from_top_path(std::string_view word);

// deploy_wrappers.cpp. A command's words with the wrappers before its program taken out
// (`timeout 600 ./ci/migrate` -> `./ci/migrate`, `dotenv -e .env -- make deploy` -> `make deploy`;
// timeout, nice, stdbuf, flock, xargs, sudo, env, cross-env, dotenv, npx, retry, doppler run --...),
// their options skipped; the leading YAML keys, RUN and assignments kept. `unsure`: the first
// wrapper with an option pgfence does not know (where its command starts is a guess), or "".
struct Unwrapped {
    std::vector<std::string> words;
    std::string unsure;
};
Unwrapped unwrap(const std::vector<std::string>& words);
// Whether a word starts a migration tool whose verbs pgfence reads (tool_word; deploy_verbs.cpp).
bool migration_tool_word(std::string_view word);
// A Makefile's variables as its lines set them (`KNEX = npx knex`, `:=`, `?=`, `+=`): the literal
// value, or nullopt where make computes it (`$(shell ...)`, `!=`, a backquote, `+=` onto a value
// from the environment). At most 256.
using MakeVariables = std::map<std::string, std::optional<std::string>, std::less<>>;
MakeVariables make_variables(std::string_view text);
// A recipe line with `$(NAME)` / `${NAME}` of literal variables (and make's own `$(MAKE)`) replaced,
// as make expands a recipe before the shell runs it; others are left as written.
std::string with_make_variables(std::string_view line, const MakeVariables& vars);
// Why a recipe line runs a variable that is not a literal one of the file, and names a migration
// tool (`$(KNEX) migrate:rollback`, KNEX from the environment or `$(shell ...)`), as its program; "".
std::string unresolved_make_program(std::string_view line, const MakeVariables& vars);

// The file a command or an `env:` key sets BASH_ENV to (bash sources it before every script), or "".
std::string bash_env_file(const std::vector<std::string>& words);

// A workflow line that adds a folder to $GITHUB_PATH: nullopt when it adds none (or an absolute one,
// the runner's), an empty inner value when the folder is computed, else the folder as written
// relative to the repository's top (`$PWD/bin` -> `bin`).
std::optional<std::optional<std::string>> github_path_folder(std::string_view line);

// Why a workflow command's bare program (`knex`) is a file of a repository folder an earlier step
// put on $GITHUB_PATH that hides what pgfence must see (read as a script), or one a computed folder
// may hold when it names a migration tool; "".
std::string path_program_unknown(const std::vector<std::string>& words, const std::vector<std::optional<std::string>>& folders, const ReadFile& read,
                                 Follow& follow);

// In a JavaScript action's action.yml (`runs.using: node20`), the file a `main:`, `pre:` or `post:`
// line names, as a repository path; "" for any other line or file.
std::string node_action_file(std::string_view path, std::string_view text, std::string_view line);

// deploy_spawns.cpp. The commands a Node or Python script runs (child_process's exec, execSync,
// execFile, spawn, spawnSync, execa; subprocess.run, call, check_call, check_output, Popen,
// os.system, os.popen): (line, the command as a shell line, or `computed` where its program or
// arguments are not literals). A script with no such call gives none.
struct Spawned {
    int line = 1;
    std::string command;
    bool computed = false;
    std::string call;  // the function's name
};
std::vector<Spawned> spawned_commands(std::string_view text, bool python);
// The unknowns of a Node or Python script a command runs: its spawned commands read as a script's
// lines, at their lines; a computed spawn unknown at its line.
std::vector<CommandUnknown> spawn_unknowns(std::string_view path, std::string_view text, const ReadFile& read, Follow& follow, bool python);
// The same read from a list of spawned commands in line order (spawned_commands, actions_exec_commands).
std::vector<CommandUnknown> spawned_unknowns(std::string_view path, const std::vector<Spawned>& spawned, const ReadFile& read, Follow& follow);
// In an actions/github-script step's JavaScript, its `exec` argument's calls (@actions/exec:
// exec.exec(commandLine, args?, options?), exec.getExecOutput(...)): the command line with a literal
// args array joined; `computed` for anything else (a variable, a template with ${}, options).
std::vector<Spawned> actions_exec_commands(std::string_view text);
// Where `t[at]` starts `.exec(` or `.getExecOutput(` (after the word `exec`): just past the '('; else 0.
std::size_t actions_exec_at(std::string_view t, std::size_t at);
// Whether a file a command runs is a Node or Python script (its extension or its `#!` line).
bool code_script(std::string_view path, std::string_view text, bool* python);

}  // namespace pgfence::analyze::tools::deploy_detail
