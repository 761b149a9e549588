#pragma once
// The files a command file runs as shell scripts whatever their names (red team R88c F1): a Rails
// `bin/setup`, a `script/deploy`, `sh tools/reset.txt`, `. tools/db.conf`. pgfence reads a command
// file's commands by its name (settings_surface.hpp command_file: .sh, .bash, Makefiles, CI files);
// these are read the same way, under shell_view's name.
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/deploy_commands.hpp"

namespace pgfence::analyze::tools {

// Whether `text` starts with a shell's `#!` line (`#!/bin/sh`, `#!/usr/bin/env bash`, `#!/bin/bash -e`,
// dash, zsh, ksh).
[[nodiscard]] bool shell_shebang(std::string_view text);

// The name a shell script is read under: its own when command_file takes it, else with ".sh"
// added, so that every reader keyed on a command file's name (tool_dirs, psql_files,
// deploy_command_unknowns) reads it as one.
[[nodiscard]] std::string shell_view(std::string_view path);

// The files of the repository the lines of command file `path` (or of a shell_view name) run as
// shell scripts, other than command files themselves: `sh|bash|dash|zsh|ksh FILE`, `. FILE`,
// `source FILE` whatever FILE's name, and a file run by its path (`./bin/db-maintenance`) whose
// first line is a shell's `#!`, or no `#!` at all: execve fails with ENOEXEC and the shell runs
// the file itself (bash manual, "Command Search and Execution": "it is assumed to be a shell
// script"; POSIX sh, "Command Search and Execution"). Not a file an interpreter is given (`node
// x.js`) or whose `#!` names another. At most 64; `read` gives a file's text (a file by its path
// is read to see its first line).
[[nodiscard]] std::vector<ScriptRunByName> shell_scripts_run(std::string_view path, std::string_view text, const ReadFile& read);

}  // namespace pgfence::analyze::tools
