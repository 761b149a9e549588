#pragma once
// The files a command file reads values from (issue #53, red team R89b F1): approvals bind to what
// runs, and a deploy command that reads `$X` runs with the value another file gives X. `pr` reports
// a command file's unknowns that read a computed word again when the pull request changes one.
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/base/error.hpp"
#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

struct ValueSources {
    std::vector<std::string> files;  // repository-relative, at most 64
    // With a source whose path the file computes (`include $(ENV).mk`, `. "$DIR/env"`): the folders
    // it may be in ("" the top); any file in them may be one.
    std::vector<std::string> computed_in;
    // A computed source's literal folder (`config` of `config/$(ENV).mk`): any file in it or below may be one.
    std::vector<std::string> computed_under;
    // Files a deploy command gives a Helm chart's templates or Ansible's tasks: `helm -f F`,
    // `--values F` (helm_values); `ansible-playbook -i F`, `--inventory F`, `-e @F` and its playbooks (bot/template_values.hpp).
    std::vector<std::string> for_templates;
    // `helm -f F` and `--values F`: F with each word of the command that may be the chart's folder
    // (F with "" when it names none).
    std::vector<std::pair<std::string, std::string>> helm_values;
    // A helm command with `--set`/`--set-string`/`--set-file`: its line, with each word that may be the chart's folder.
    std::vector<std::pair<int, std::string>> helm_set;
    // The package.json whose scripts `npm`, `yarn` or `pnpm` runs (its `config` gives them values).
    std::vector<std::string> npm_files;
};

// The value files of the command file at `path` (repository-relative) read under the name `view`,
// with text `text`: make's `include`, `-include`, `sinclude`; just's `.env` (`set dotenv-load`,
// `dotenv-filename`, `dotenv-path`) and `import`s; the shell's `. F` and `source F`, `$(cat F)`,
// `$(< F)`, `jq ... F`, `cat F >> $GITHUB_ENV`; `--env-file F`; compose's `env_file:` and the `.env`
// beside it; Task's `dotenv:`; GitLab's `include: local:` and its string form. Linear in `text`.
// With `in_tree` (whether a path is a regular file of the head's tree), any word of a line that
// names such a file, and a word after `<`, is one too.
[[nodiscard]] ValueSources value_sources(std::string_view path, std::string_view view, std::string_view text,
                                         const std::function<bool(std::string_view)>& in_tree = {});

// The files of `command_files` (a head's command files by path, each with the name it is read
// under: shell_script_files.hpp) that read values from a file the pull request `changes` adds,
// changes or removes: a listed value file, or any file in a folder where a computed one may be.
// At most 4096 command files, each read once, and 64 value files each: linear in what they hold.
// A command file not read (past that bound, or larger than pgfence reads settings files) goes to
// `unread`: where its values come from is not known (issue #53: never silent). `npm_runs`: each
// changed package.json whose `config` block changed, with the command files that run its scripts.
[[nodiscard]] analyze::Result<std::set<std::string>> value_file_readers(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                                       const std::map<std::string, std::string>& command_files,
                                                                       std::uint64_t max_bytes, std::vector<std::string>& unread,
                                                                       std::map<std::string, std::set<std::string>>& npm_runs);

// Whether `line` reads a computed word: `$X`, `${X}`, `$(X)`, `$1`, `$@`, `${{ }}`, `{{ }}`.
[[nodiscard]] bool reads_computed_word(std::string_view line);

}  // namespace pgfence::bot
