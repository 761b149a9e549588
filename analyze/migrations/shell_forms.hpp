#pragma once
// Shell forms that hide a command's program from a reader of its words (red team R88c F2, F9, F10):
// a program word computed by an expansion or a substitution, a GitHub expression at a command's
// head, a shell function, alias or array that holds a database tool, an inline python/perl/ruby/node
// program, and a sed or awk program read from a file (`sed -f`).
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools::deploy_detail {

// The names a script or workflow defines that run a database tool, found in one pass over its text.
struct ShellNames {
    std::set<std::string, std::less<>> functions;  // `f() { psql ...; }`: a body that names a database tool
    std::set<std::string, std::less<>> aliases;    // `alias n='psql ...'`
    std::map<std::string, bool, std::less<>> arrays;  // `X=(psql ...)`: whether its words name a database tool
    std::vector<char> run_lines;  // by physical line (1-based): inside a workflow's `run:` block scalar
};
[[nodiscard]] ShellNames shell_names(std::string_view text);

// Whether `text` (quotes taken out) names a database client or a migration tool.
[[nodiscard]] bool names_database_tool(std::string_view text);

// Why one line's command has a program pgfence does not read: computed by a `${...}` of any form
// or a `$(...)`/backquote naming a database tool, a `${{ ... }}` left unresolved (`workflow`, and
// the line a `run:` line: `run_line`), an array, function or alias of `names` holding a database
// tool (not looked at when `names` is null). "" when none.
[[nodiscard]] std::string shell_form_why(std::string_view line, const ShellNames* names, bool workflow, bool run_line);

// Why a `python -c`, `perl -e`, `ruby -e` or `node -e` program on the line runs what pgfence does not
// read: it names a database tool or library, or calls system, exec, spawn or popen. "" when none.
[[nodiscard]] std::string inline_program_why(std::string_view line);
// Whether such a program's text (or one line of it) runs a command or a database client.
[[nodiscard]] bool inline_text_runs(std::string_view text);
// Whether a program's name is python, perl, ruby or node (bun, deno).
[[nodiscard]] bool interpreter_name(std::string_view program);

// Why a `sed -f FILE` or `awk -f FILE` on the line runs a command: the file's program (read from the
// repository in `folder`) runs one, or the file is not the repository's. "" when none.
[[nodiscard]] std::string program_file_why(std::string_view line, const std::string* folder, const ReadFile& read);

}  // namespace pgfence::analyze::tools::deploy_detail
