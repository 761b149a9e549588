#pragma once
// psql command lines in the scripts a deploy runs that are not shell command files (red team R68
// B12): a script without an extension that starts with `#!` (read as a shell script, or by its
// interpreter's strings), Ruby (Rakefile, Capfile, *.rake, Capistrano's config/deploy.rb:
// `sh "psql -f x.sql"`, `execute "..."`, backticks, `system("psql", "-f", ...)`), Python
// (fabfile.py `c.run("psql ...")`, `subprocess.run(["psql", "-f", "x.sql"])`), and Ansible's
// community.postgresql modules that run a file's SQL (`postgresql_script: path:`,
// `postgresql_query: path_to_script:`). Each string is read as the shell line it is (psql_files.hpp),
// an argv list word by word; a word pgfence cannot read as a string (a variable, an f-string's
// field) is computed: the run is unknown at its line and any .sql file may be the one it runs.
#include <string_view>
#include <vector>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

// Whether `path` may be such a script (other than the command files settings_surface.hpp names):
// a file without an extension (read_script_psql_files reads those that start with #!), *.rb,
// *.rake, Rakefile, Capfile, *.py.
[[nodiscard]] bool psql_script_name(std::string_view path);

// Whether the text of such a script, or of a changelog file (changelog_dirs.hpp), may select files
// to run: it names a client psql_files.hpp reads (a script without an extension also starts with
// #!), or it is a Liquibase changelog or sqitch.conf. A cheap test before reading it whole.
[[nodiscard]] bool may_run_sql(std::string_view path, std::string_view text);

// The files the scripts' psql commands (and those of other clients psql_files.hpp reads) run,
// relative to the script's folder and to the repository's top (where a deploy runs it from), and
// the SQL files an Ansible YAML file's postgresql_script / postgresql_query tasks run.
[[nodiscard]] std::vector<ToolDir> read_script_psql_files(std::string_view path, std::string_view text, const ReadFile& read = {});

}  // namespace pgfence::analyze::tools
