#pragma once

#include <string>
#include <string_view>

namespace pgfence::analyze::tools::deploy_detail {

// What a sed script or awk program does beyond printing text (red team R88b F1).
enum class ProgramEffect {
    text,    // proven to only read its input and print: its quoted text is data
    runs,    // runs a shell command: sed's `e` command or `s///e` flag, awk's system(), a pipe, getline
    unsure,  // writes or reads a file (sed's w, W, r, R, `s///w`; awk's `>`), or not parsed: read as before
};

// A sed script (one -e's or the first argument's text) read by GNU sed's grammar (GNU sed manual,
// "sed scripts": addresses, then one command; `s` and `y` with any delimiter, `\` escaping it; the
// flags after `s` up to `;`, a blank, `}` or a newline). `quote` is the shell quote around it: in
// `"..."` a `$` expansion may hold anything, so the script is unsure.
[[nodiscard]] ProgramEffect sed_script(std::string_view script, char quote = '\'');

// An awk program: runs with system(, getline, a pipe to or from a command (`print | "cmd"`,
// `"cmd" | getline`, gawk's `|&`) or gawk's indirect call `@name(` (POSIX awk "Output Statements",
// "Expressions in awk"; gawk manual "Indirect Calls"); unsure with any `|`, `>` or backquote.
[[nodiscard]] ProgramEffect awk_program(std::string_view program);

// Why a shell line runs a command pgfence does not read through sed's `e` or awk's system() or
// pipes: "" when it does not. `line` is one line of a shell script or run block.
[[nodiscard]] std::string text_program_why(std::string_view line);

// The same for a line inside a quoted sed or awk program `program` opened on an earlier line.
[[nodiscard]] std::string text_program_line_why(std::string_view program, std::string_view line, char quote);

// Why a shell line's program is computed around a database tool's name (red team R88b F5): the
// program word (or the one npx, bunx or `pnpm dlx` runs) holds an expansion in its last path part
// next to such a name (`${PGBIN}psql`, `psql$V`, `npx ${P}prisma`). An unset or empty expansion
// leaves the tool itself, a folder one runs its copy; "" when none.
[[nodiscard]] std::string computed_program_why(std::string_view line);

}  // namespace pgfence::analyze::tools::deploy_detail
