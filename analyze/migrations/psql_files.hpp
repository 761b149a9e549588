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
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

// The files the psql commands of `text` (the command file at `path`, run in `base`) send.
[[nodiscard]] std::vector<ToolDir> read_psql_files(std::string_view path, std::string_view text, std::string_view base,
                                                   const ReadFile& read = {});

// The same for one shell command line at line `n` (a string a Ruby or Python script hands the
// shell: `sh "psql -f x.sql"`, `c.run("...")`), added to `out`.
void read_psql_shell_line(std::string_view line, int n, std::string_view base, const ReadFile& read, std::vector<ToolDir>& out);

// The same for one command given as the words its program receives (Python's
// `subprocess.run(["psql", "-f", "x.sql"])`; a word pgfence cannot read as a string is "$").
void read_psql_argv(const std::vector<std::string>& words, int n, std::string_view base, const ReadFile& read, std::vector<ToolDir>& out);

// At most 255 entries from one file: the rest is one unknown entry at line 1.
void cap_entries(std::vector<ToolDir>& out);

// A command as the shell (or YAML) hands it over: `\`-continued lines and a YAML plain scalar's or
// folded block's further lines joined, numbered by its first line (logical_lines).
struct LogicalLine {
    int number = 1;  // of its first line
    std::string text;
};
[[nodiscard]] std::vector<LogicalLine> logical_lines(std::string_view text, bool yaml);

// Whether a psql entry's `folder` (one file, or a glob a loop or find expands: `db/patches/*.sql`,
// `db/**/*.sql`) selects `file`.
[[nodiscard]] bool psql_runs_file(std::string_view file, std::string_view folder);

}  // namespace pgfence::analyze::tools
