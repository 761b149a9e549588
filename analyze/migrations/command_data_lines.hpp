#pragma once
// The lines of a command file that no shell runs although a reader of lines would take them for
// commands (issue #53, review84 FU-3, FU-4, FU-5, FU-6, FU-11): a GitHub workflow's matrix values
// and the data inputs of an action (`with: images:`), the JavaScript of an actions/github-script
// step, a vercel.json's routes, the program of a `sed` spread over lines. Such a line is not read
// for the scripts and package scripts it would run; a tool's destructive verb on it still counts.
// Not for use outside analyze/migrations.
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/deploy_commands.hpp"

namespace pgfence::analyze::tools::deploy_detail {

// The JavaScript of one actions/github-script step's `script:`, with the file's other lines left
// blank so that a line of it has its line number in the file.
struct ScriptBlock {
    int line = 1;  // the `script:` key's
    std::string text;
};

struct DataLines {
    std::vector<char> data;  // by physical line (1-based): no command
    std::vector<ScriptBlock> github_scripts;
    [[nodiscard]] bool at(int line) const { return line > 0 && static_cast<std::size_t>(line) < data.size() && data[line] != 0; }
};

// For a workflow or action under .github/ and a vercel.json; none for another file. Linear.
[[nodiscard]] DataLines data_lines(std::string_view path, std::string_view text);

struct Follow;
// The unknowns of a github-script step's JavaScript: the commands it spawns (child_process, read
// as deploy_spawns.cpp reads a Node script's), and at its line each call of the `exec` it is given
// (@actions/exec), each module it loads (`require`, `import`) and each eval: what they run is
// not read.
[[nodiscard]] std::vector<CommandUnknown> github_script_unknowns(std::string_view path, const ScriptBlock& block, const ReadFile& read, Follow& follow);

// Where the quoted argument a shell line leaves open ends on later lines: `quote` is the open
// quote character on entry (0: none); returns it on exit. `program` gets the command that opened
// it when the line opens one (its first word).
char shell_quote_state(std::string_view line, char quote, std::string& program);

// The word that ends a here-document the line opens (`<<EOF`, `<<-'SQL'`); "" when none.
[[nodiscard]] std::string heredoc_word(std::string_view line);

// Whether the here-document a line opens is data and no command (review87 B): the input of cat or
// tee (`cat <<EOT >traefik.yaml`), on a line that neither pipes, substitutes nor evals, writing no
// literal file a deploy could run after (a script, a SQL file, one of no extension). Any other
// program's (`bash <<EOF`, `psql <<SQL`, `ssh host <<EOF`, `kubectl apply -f - <<EOF`) is read.
[[nodiscard]] bool heredoc_is_data(std::string_view line);

// Where in `line` the quote `quote` an earlier line opened closes (past it); npos: it does not.
[[nodiscard]] std::size_t quote_end(std::string_view line, char quote);

// Whether a line inside a quoted argument that `program` opened on an earlier line is that
// program's text and no command: the program of a sed or awk proven to only print (sed_script,
// awk_program: no sed `e`, no awk system()), of grep or jq, the text of echo or printf (`quote`:
// the shell quote around it). Any other program's
// (`bash -c "`, `ssh host "`, an awk line that runs a command) is read as before. simple_commands
// keeps such a program's quoted text closed on its line as one word, as the shell does.
[[nodiscard]] bool quoted_text_line(std::string_view program, std::string_view line, char quote = '\'');

}  // namespace pgfence::analyze::tools::deploy_detail
