#pragma once
// The shell's working folder as a deploy's command file moves it (split from deploy_commands.cpp,
// moves only): which files are a shell's lines, the compound commands a `cd` inside may not leave,
// and the folder a `cd` or a Dockerfile's WORKDIR goes to. Not for use outside analyze/migrations.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools::deploy_detail {

// Whether the file at `path` is a shell's lines: a followed script named .js or .py, or whose #!
// names node or python, is read line by line but its lines move no folder.
bool shell_text(std::string_view path, std::string_view text);

// Whether a line opens a function's definition (`f() {`, `function f {`).
bool function_opener(std::string_view line);
// A function's definition (`function`: the line opens one) opens a block; a line that is `}` closes it.
void brace_block(std::string_view line, bool function, int& block, std::optional<std::string>& entry, std::optional<std::string>& here);

// A script's line with its names for its own folder (own_dir_assignment) replaced, `dirs` kept:
// a name set again (`DIR=/elsewhere`, `read DIR`, in a sourced script) no longer holds the
// folder; one set inside a block (`in_block`) may not be.
std::string with_tracked_dirs(std::string_view line, std::string_view path, std::vector<std::pair<std::string, std::string>>& dirs, bool in_block);

// The shell's compound commands (if, case, loops) a command word opens or closes: `block` counts
// those open, `entry` the folder the outermost began in; one that ends elsewhere than it began
// leaves `here` unknown (a `cd` inside may not run: `if false; then cd x; fi`).
void shell_block(std::string_view command, int& block, std::optional<std::string>& entry, std::optional<std::string>& here);

// The folder `cd TO` (or a Dockerfile's `WORKDIR TO`) goes to from `here`; nullopt when computed.
std::optional<std::string> cd_folder(std::string_view to, const std::optional<std::string>& here, std::string_view base, bool workdir,
                                     const ReadFile& read);

// Whether words[c] is `cd`, `pushd`, `popd` or (in a Dockerfile) WORKDIR: `here` moved to its
// folder; `cd` with no folder, `cd -` or `~` (HOME, the last folder) and `popd` leave it unknown.
bool folder_command(const std::vector<std::string>& words, std::size_t c, std::optional<std::string>& here, std::string_view base, bool dockerfile,
                    const ReadFile& read);

// A repository script `script` the shell sources at `here` (`. lib.sh`): a name for a folder it
// mentions no longer holds one, and a `cd` in it moves the caller's; one not read (past `reads`
// 64) leaves both unknown.
void sourced_script(std::string_view script, std::optional<std::string>& here, std::vector<std::pair<std::string, std::string>>& own_dirs,
                    std::size_t& reads, const ReadFile& read);

// Whether `word` of `line` is one the shell reads as written: `shell` (a shell's or a command
// file's line, not a followed JavaScript file's), the line no comment, and the word (where the line
// spells it so) outside quotes: pgfence's command splitter cuts a quoted `a|b` too (grep -E patterns).
bool shell_word(std::string_view line, std::string_view word, bool shell);

}  // namespace pgfence::analyze::tools::deploy_detail
