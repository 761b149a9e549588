#pragma once
// The files a migration run by psql includes (#53): `\i FILE` / `\include FILE` (relative to the
// folder psql runs in: the repository's top, as a deploy runs it) and `\ir FILE` /
// `\include_relative FILE` (relative to the including file's folder) make psql read FILE's SQL there
// (postgres/postgres src/bin/psql/command.c exec_command_include, process_file with
// use_relative_path). Each FILE that resolves inside the repository is followed as a migration, as
// a `psql -f` file is (ToolDir tool "psql", psql_files.hpp); one named by an absolute path, above the
// repository's top or by a psql variable (`\i :file`) is not known (`unknown` says why). The
// include line itself is no SQL: where the including file is analysed an include of a file named
// as a constant stays a statement pgfence cannot parse, and one whose file pgfence cannot name is
// an unknown statement (unfollowed_psql_includes).
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

// The includes of `text` (the SQL file at `path`, repository-relative), at most 64; `\i` resolved
// against `top` (the folder psql runs in, repository-relative: "" for the top).
[[nodiscard]] std::vector<ToolDir> read_psql_includes(std::string_view path, std::string_view text, std::string_view top = {});

// An include at the start of a statement of `text` (the SQL file at `path`) whose file
// read_psql_includes cannot name (a psql variable, a command's output, an absolute path, a path
// above the repository's top): [begin, end) is the meta-command, up to its line's end, found as
// psql finds one (a backslash outside quotes and comments). The analyzer reads it as an unknown
// statement of its own (issue #53), and the SQL after it as the statement psql sends next.
struct UnfollowedInclude {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string why;  // printable
};
// `found`, when given, is asked of each file an include names (as read_psql_includes resolves it
// against `top`): false makes that include unfollowed too (no such file, a link on the way).
[[nodiscard]] std::vector<UnfollowedInclude> unfollowed_psql_includes(std::string_view path, std::string_view text, std::string_view top = {},
                                                                      const std::function<bool(const std::string&)>& found = {});

// Whether `text` may hold an include (a cheap test before reading it line by line).
[[nodiscard]] bool may_include(std::string_view text);

}  // namespace pgfence::analyze::tools
