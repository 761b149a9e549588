#pragma once
// psql's start-up file as a PSQLRC setting names it (red team R71 F5). psql runs, before the files
// it is given (unless -X), the file $PSQLRC names, or rather the first of `$PSQLRC-<version>`
// (15.4), `$PSQLRC-<major>` (15) and `$PSQLRC` that it can read (postgres/postgres
// src/bin/psql/startup.c process_psqlrc, process_psqlrc_file; the psql manual, "Files"). A
// repository file a PSQLRC names (a workflow's or job's `env: PSQLRC: db/session-defaults.sql`,
// `export PSQLRC="$PWD/ops/boot"` or `PSQLRC=x psql` in a script, a Dockerfile's ENV, a compose or
// Kubernetes environment) is followed as a file psql runs (ToolDir tool "psql", setting "PSQLRC"),
// with its version-specific names; one whose value pgfence cannot resolve (another variable, ~, an
// absolute path that ends in no repository file) selects every file a pull request changes
// (loads_unread "**"), as a psql file a command computes does (psql_files.hpp).
#include <string_view>
#include <vector>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

// The start-up files the PSQLRC settings of `text` (the file at `path`) name, a relative value read
// from the folders the file's commands run in (psql opens PSQLRC from its working folder: a command
// file's folder and, for a CI file or a shell script, the repository's top, as psql_files.hpp reads
// `-f`; any other file's folder and the top); `read` finds the repository files an absolute value
// may be (the path it ends with).
[[nodiscard]] std::vector<ToolDir> read_psqlrc_files(std::string_view path, std::string_view text, const ReadFile& read = {});

// The version-specific names psql tries before `file` (`file-15.4`, `file-15`), as a glob.
[[nodiscard]] std::string psqlrc_versions(std::string_view file);

}  // namespace pgfence::analyze::tools
