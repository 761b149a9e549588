#pragma once
// The files a migration run by psql includes (#53): `\i FILE` / `\include FILE` (relative to the
// folder psql runs in: the repository's top, as a deploy runs it) and `\ir FILE` /
// `\include_relative FILE` (relative to the including file's folder) make psql read FILE's SQL there
// (postgres/postgres src/bin/psql/command.c exec_command_include, process_file with
// use_relative_path). Each FILE that resolves inside the repository is followed as a migration, as
// a `psql -f` file is (ToolDir tool "psql", psql_files.hpp); one named by an absolute path, above the
// repository's top or by a psql variable (`\i :file`) is not known (`unknown` says why). The
// include line itself is no SQL: where the including file is analysed it is blanked, and one
// whose file pgfence does not follow is an unknown statement (psql_include_lines).
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

// The includes of `text` (the SQL file at `path`, repository-relative), at most 64; `\i` resolved
// against `top` (the folder psql runs in, repository-relative: "" for the top) as a `\cd DIR`
// before it changes it (psql's `\i` reads from its current folder, `\cd` changes that folder); after
// a `\cd` pgfence does not resolve, a `\i` is unknown (mark_unresolved_include).
[[nodiscard]] std::vector<ToolDir> read_psql_includes(std::string_view path, std::string_view text, std::string_view top = {});

// Makes the include `d` (whose argument was `named`) one that pgfence did not find: any file of
// that name a pull request adds or changes may be the one psql runs there (loads_unread, folder
// `**/NAME`), as psql reads it from a folder pgfence does not know (a `cd` before psql runs, a
// `\cd`). `pgfence pr` marks so an include naming no file of the tree.
void mark_unresolved_include(ToolDir& d, std::string_view named);

// One psql meta-command of a file, found as psql finds one: a backslash outside quotes and
// comments, running to its line's end (postgres/postgres src/bin/psql/psqlscan.l, mainloop.c).
struct MetaCommand {
    std::size_t begin = 0;     // the backslash
    std::size_t end = 0;       // its line's end, trailing blanks and '\r' left out
    std::size_t line_end = 0;  // the '\n' that ends it, or the text's end
    std::string_view name;     // without the backslash, letters and '_' only: "i", "include_relative", "set"
    bool at_start = false;     // nothing in psql's query buffer since the last `;` (comments aside)
};
// Calls `fn` with each meta-command of `text` in order, until it returns false. The one walk that
// unfollowed_psql_includes, with_included_files and analyze's on-disk reader share.
void each_meta_command(std::string_view text, const std::function<bool(const MetaCommand&)>& fn);
// Whether the meta-command `name` includes a file: i, include, ir, include_relative (command.c).
[[nodiscard]] bool is_include_command(std::string_view name);

// An include at the start of a statement of `text` (the SQL file at `path`): [begin, end) is the
// meta-command, up to its line's end. `why` (printable) is set when pgfence does not follow it:
// read_psql_includes cannot name its file (a psql variable, a command's output, an absolute path,
// a path above the repository's top), or `found` says no. The analyzer blanks each of them, so the
// SQL after it is the statement psql sends next; one not followed is an unknown statement of its
// own (issue #53), one followed is analysed as its own file, no statement here.
struct IncludeLine {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string why;  // printable; empty: followed
};
using UnfollowedInclude = IncludeLine;
// `found`, when given, is asked of each file an include names (as read_psql_includes resolves it
// against `top`): false makes that include unfollowed too (no such file, a link on the way).
[[nodiscard]] std::vector<IncludeLine> psql_include_lines(std::string_view path, std::string_view text, std::string_view top = {},
                                                          const std::function<bool(const std::string&)>& found = {});
// Those of psql_include_lines that are not followed.
[[nodiscard]] std::vector<UnfollowedInclude> unfollowed_psql_includes(std::string_view path, std::string_view text, std::string_view top = {},
                                                                      const std::function<bool(const std::string&)>& found = {});

// `text` (the file at `path`, relative to the root `read` reads from) as psql runs it: each
// include at a statement's start replaced by the SQL of the file it names (resolved against
// `top`, as read_psql_includes does), when `read` gives that file's text (nullopt: not followed,
// as a file that is no regular file of the repository, or one reached through a link); the
// included files' own includes the same way, at most 256 files in all, none inside itself; every
// other meta-command blanked (without_psql_meta_commands). `unfollowed` is set when an include was
// not followed, or another meta-command changes what runs (parse/psql_meta.hpp). History reads
// the files from disk (psql_includes_on_disk.hpp) or from a commit's tree (`pgfence pr`'s base).
[[nodiscard]] std::string with_included_files(std::string_view path, std::string_view text, std::string_view top,
                                              const ReadFile& read, bool& unfollowed);

// The includes psql reaches when it runs files, depth first as it runs them: an included file that
// `read` gives is walked where its include stands, so a `\cd` in it moves the folder the includer's
// later `\i` reads from (psql has one current folder for the whole run: red team R71 F10), and one
// pgfence cannot resolve there makes those later includes unknown (mark_unresolved_include). Each
// file is walked once per folder it starts in (at most 256 walks; an include past them leaves the
// folder unknown), so the walk is linear in what it reads.
struct ReachedInclude {
    std::string includer;  // the file whose include it is
    ToolDir dir;           // read_psql_includes' entry: the file it reads, or why that is unknown
};
class PsqlIncludeWalk {
public:
    // `top`: the folder psql starts in, relative to the root `read` reads from.
    PsqlIncludeWalk(ReadFile read, std::string top);
    // Runs `path` (its text `text`) as `psql -f path` from `top` does (`by_place`: as a file named by
    // its place, whose `\ir` no `\cd` moves), adding what it includes to reached(); returns the
    // folder psql is in after it (nullopt: not known).
    std::optional<std::string> run(const std::string& path, std::string_view text, bool by_place = false);
    // Runs `path` as a later file of the same psql session does (`psql -f a.sql -f b.sql`): from the
    // folder `from` the files before it left psql in (nullopt: not known), `named` the name psql
    // holds for it (the -f argument, which `\ir` is relative to; "" for one named by its place).
    std::optional<std::string> run_from(const std::string& path, const std::string& named, std::string_view text,
                                        std::optional<std::string> from);
    [[nodiscard]] const std::vector<ReachedInclude>& reached() const { return m_reached; }

private:
    struct End {
        std::optional<std::string> cwd;
        bool in_progress = false;
    };
    static constexpr std::size_t k_most_reached = 4096;
    void walk(const std::string& path, const std::string& held, std::string_view text, std::optional<std::string>& cwd);
    ReadFile m_read;
    std::string m_top;
    std::map<std::string, End> m_ends;  // "file\nheld\n=cwd": where a walk of it ended
    std::size_t m_walks = 0;
    std::vector<ReachedInclude> m_reached;
};

// Whether `text` may hold an include (a cheap test before reading it line by line).
[[nodiscard]] bool may_include(std::string_view text);

}  // namespace pgfence::analyze::tools
