#pragma once
// SQL files a command line runs with psql (`psql ... -f FILE`, `--file=FILE`, `< FILE`) in the
// command files pgfence reads (package.json scripts, Makefiles, scripts, CI workflows:
// settings_surface.hpp command_file). psql sends such a file's statements to the server one by one
// (autocommit, unless -1 / --single-transaction), as a migration tool sends a migration: the file
// is followed as a "folder" of one file (ToolDir tool "psql", folder the file's path); one the
// line computes (`-f "$f"`) is unknown at the line. A YAML file's exec-form commands (yaml_exec.hpp:
// a Kubernetes container's `command`/`args`, a Cloud Build step's `entrypoint`/`args`) are read the
// same way. A file named by an absolute path (inside a container or a runner) is unknown at the
// line, and the repository files it may be (a path it ends with, found through `read`) are followed.
#include <string_view>
#include <vector>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

// The files the psql commands of `text` (the command file at `path`, run in `base`) send.
[[nodiscard]] std::vector<ToolDir> read_psql_files(std::string_view path, std::string_view text, std::string_view base,
                                                   const ReadFile& read = {});

}  // namespace pgfence::analyze::tools
