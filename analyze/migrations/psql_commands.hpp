#pragma once
// How psql_files.cpp reads a shell line (split from psql_files.cpp, moves only): the commands of a
// line as a POSIX shell splits them, the PostgreSQL clients other than psql, psql's read-only -c
// text, and the files a pipeline or `find` hands psql. Not for use outside analyze/migrations.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools::psql_detail {

// Whether `text` names psql or one of the other clients other_client reads.
bool mentions_client(std::string_view text);

// One command of a shell line: its words as the program receives them, and where its standard
// input comes from.
struct Command {
    std::vector<std::string> words;
    bool piped = false;         // the previous command's output (`cat x | psql`)
    bool here = false;          // a here-document or here-string (`psql <<EOF`, `<<<`)
    std::string stdin_file;     // `< FILE`
    bool stdin_computed = false;  // `< "$f"`
};

// The commands of a shell line as a POSIX shell splits it (see psql_commands.cpp). Linear in the line.
std::vector<Command> shell_commands(std::string_view l);
// Whether word `w` runs `program` (its name, or a path ending in /program).
bool runs(std::string_view w, std::string_view program);
bool runs_psql(std::string_view w);
// Why a PostgreSQL client other than psql at word `i` changes the database, or "".
std::string other_client(const std::vector<std::string>& w, std::size_t i);
// Whether psql's -c text only reads.
bool read_only_command(std::string_view sql);
// The same read by PostgreSQL's parser (psql_read_only.cpp): each statement a SELECT, an EXPLAIN
// of one or a SHOW that changes nothing, or a CREATE of a role or database.
bool parsed_read_only(std::string_view sql);
// The index of a command's program among its words; words.size() when none.
std::size_t program_at(const std::vector<std::string>& w);
// The files `find DIR... -name PATTERN` at word `i` selects, as globs ("$" when not known).
std::vector<std::string> find_files(const std::vector<std::string>& w, std::size_t i);
// The files the commands before `at` in its pipeline hand it, or nullopt.
std::optional<std::vector<std::string>> piped_files(const std::vector<Command>& cmds, std::size_t at);

}  // namespace pgfence::analyze::tools::psql_detail
