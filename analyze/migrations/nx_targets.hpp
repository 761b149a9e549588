#pragma once
// The commands an nx target runs (red team R89b F7): a project.json target of the executor
// nx:run-commands (or its `command` shorthand), with nx.json's targetDefaults, its options'
// `{args.X}` and each configuration, as nx runs them. Other executors run code pgfence does not read.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

struct NxTargetCommand {
    int line = 1;         // of the command's string in the file that sets it (project.json, or nx.json's targetDefaults)
    bool in_nx_json = false;
    std::string command;  // as nx hands it to the shell: `{args.X}` put in, options forwarded
    std::string cwd;      // where it runs, from the workspace root ("" the root); "\x01" when computed
};

struct NxTarget {
    std::string unknown;  // why what it runs is not known ("" when `commands` says it all)
    std::vector<NxTargetCommand> commands;
};

// The target `target` of a project.json (`project`, the project's folder `project_root` from the
// workspace root) with nx.json's text (`nx_json`, "" when none): nullopt when neither defines it.
// At most 64 commands (each configuration's too).
[[nodiscard]] std::optional<NxTarget> nx_target(std::string_view project, std::string_view nx_json, std::string_view project_root, std::string_view target);

// The names of the targets a project.json defines, or nx.json's targetDefaults (`defaults`); at most 256.
[[nodiscard]] std::vector<std::string> nx_target_names(std::string_view text, bool defaults);

// Whether a file is nx's project.json or nx.json (their targets' commands are command lines).
[[nodiscard]] bool nx_file(std::string_view path);

// Such a file's commands as a shell script of the same lines, run from the workspace root `root`
// (the folder of the nearest nx.json up, `read` finds it): each run-commands command of a target
// `counts` (project.json's targets, nx.json's targetDefaults) on the line of its string, in a
// subshell that goes to its cwd. Another executor's target of that name: none (where a command
// runs it by name, it is unknown there). At most 64 targets.
[[nodiscard]] std::string nx_file_commands(std::string_view path, std::string_view text, const ReadFile& read, const std::function<bool(std::string_view)>& counts,
                                           std::string& root);

}  // namespace pgfence::analyze::tools
