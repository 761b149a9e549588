#pragma once
// `pgfence pr` and what a changed command file runs, not its changed lines alone (issue #53, red
// team R89 F3, F4): approvals bind to what runs. A pull request that changes only a value a command
// reads (a Kubernetes container's `args:`, a make variable, a shell variable above the line, GitLab
// `variables:`, npm's `config`, a composite action's input `default:`, a caller's `with:`) changes
// what runs as surely as one that changes the command line.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/deploy_commands.hpp"
#include "analyze/model/facts.hpp"
#include "diff/change_set.hpp"

namespace pgfence::bot {

// The inputs changed workflows give the local actions and reusable workflows they call: by the
// callee's path (`uses: ./.github/actions/migrate` gives its action.yml and action.yaml), the
// `with:` keys on the pull request's lines. At most 64 callees a file.
using CallerValues = std::map<std::string, std::set<std::string>>;
void add_caller_values(const diff::ChangedFile& file, std::string_view text, CallerValues& out);
// A changed package.json `config` key: `npm_package_config_<key>` for the command files its scripts run.
void add_npm_config_values(const diff::ChangedFile& file, std::string_view text, CallerValues& out);

// The deploy-command unknowns (tools::deploy_command_unknowns) of the head's `head` text of a
// command file, a package.json or a YAML manifest `pr` reports: each whose line or whose values'
// lines (a workflow's env, matrix) the pull request changed; each that the base (`base`, nullopt
// for a new file) does not have as it is (its command resolves to other words: a changed `args:`
// item, a make variable); each that reads a name a changed line sets (`TASK=` above `npx knex
// $TASK`, a `variables:` key, `config.task` for `$npm_package_config_task`, an input's `default:`)
// or one of `caller_names` (`${{ inputs.task }}`, given by a caller's changed `with:`); in a shell
// script, Makefile, justfile or Taskfile any added or removed line that is not blank or a comment,
// and with `values_changed` (a file it reads values from changed: value_sources.hpp), re-reports
// each unknown whose line reads a computed word (`$X`, `$(X)`, `${{ }}`, `{{ }}`).
[[nodiscard]] std::vector<analyze::tools::CommandUnknown> changed_command_unknowns(
    const diff::ChangedFile& file, std::string_view view, std::string_view head, const std::optional<std::string>& base,
    const analyze::tools::ReadFile& head_read, const analyze::tools::ReadFile& base_read, const std::set<std::string>& caller_names,
    bool values_changed = false);

// The exec-form commands of a changed YAML file (tools/yaml_exec.hpp: a container's `command:` and
// `args:`, a Cloud Build step's `entrypoint:` and `args:`) that run a migration tool and that the
// base (`base`, nullopt for a new file) does not run as they are, each a settings change at its
// line: a changed `args:` item names no tool itself.
[[nodiscard]] std::vector<analyze::SettingChange> changed_exec_commands(std::string_view path, std::string_view head,
                                                                      const std::optional<std::string>& base);

}  // namespace pgfence::bot
