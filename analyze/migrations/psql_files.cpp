#include "analyze/migrations/psql_files.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string>

#include "analyze/base/ascii.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/joined_commands.hpp"
#include "analyze/migrations/psql_commands.hpp"
#include "analyze/migrations/psql_includes.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/workflow_values.hpp"
#include "analyze/migrations/yaml_exec.hpp"
#include "analyze/parse/lexing_settings.hpp"

namespace pgfence::analyze::tools {
namespace {

using namespace psql_detail;

// What one command file's reading carries from line to line: where its commands run, its
// `for VAR in WORDS` loops (a later `psql -f "$VAR"` runs each word), the entries found.
struct Reading {
    std::string_view base;
    const ReadFile& read;
    std::vector<ToolDir>& out;
    std::vector<std::pair<std::string, std::vector<std::string>>> loops;
};

// A name from the repository as a reason shows it: its first 120 bytes, control characters as '?'.
std::string shown_name(std::string_view name) {
    std::string out(name.substr(0, 120));
    for (char& c : out) c = static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? '?' : c;
    return out;
}

constexpr std::string_view k_computed_file =
    "the SQL file psql runs here is computed when the line runs, so pgfence does not see which file it is";
constexpr std::string_view k_any_sql =
    "a command of the project runs an SQL file with psql whose name it computes when it runs (pgfence names it in a note), so this "
    ".sql file may be one it runs, which pgfence does not read as one: review it";
constexpr std::string_view k_any_file =
    "a command of the project runs a file with psql whose name it computes when it runs (pgfence names it in a note), and psql runs "
    "a file of any name, so this file may be one it runs, which pgfence does not read as one: review it";

// The folder a computed file's name spells before its first computed part, resolved against the
// run's folder (`db/patches/$f`: db/patches), as a loads_unread selection (tool_dirs.hpp): "**"
// (any file but documentation) when it spells none, or an absolute one.
std::string spelled_folder(const Reading& r, std::string_view file) {
    const std::size_t computed = file.find_first_of("$`{(*?[");
    const std::size_t slash = file.starts_with('/') ? std::string_view::npos : file.rfind('/', computed);
    if (slash == std::string_view::npos || slash == 0) return "**";
    const ToolDir d = folder_dir("psql", {}, 0, r.base, file.substr(0, slash), false);
    return !d.unknown.empty() || d.folder.empty() || d.folder == "." ? std::string("**") : d.folder + "/**";
}

// A run whose file is computed: unknown at the line, and any file under the folder its name spells
// (any file but documentation when it spells none) that a pull request adds or changes may be one
// it runs, whatever its extension: psql runs any file it is given (red team R69 C3: `db/patches/$f`
// ran a new .psql file unread). ToolDir::loads_unread.
void add_computed(Reading& r, const std::string& setting, int n, std::string_view file = "$") {
    ToolDir d = unknown_dir("psql", setting, n, std::string(k_computed_file), false);
    d.loads_unread = k_any_file;
    d.folder = spelled_folder(r, file);
    r.out.push_back(std::move(d));
}

// The words of a `for VAR in ...` loop whose variable `file` is ("$f", "${f}"), or none.
const std::vector<std::string>* loop_words(const Reading& r, std::string_view file) {
    if (!file.starts_with('$')) return nullptr;
    if (file.starts_with("$$")) file.remove_prefix(1);  // a Makefile recipe's `$$f` is the shell's `$f`
    file.remove_prefix(1);
    if (file.starts_with('{') && file.ends_with('}')) file = file.substr(1, file.size() - 2);
    for (auto it = r.loops.rbegin(); it != r.loops.rend(); ++it) {
        if (it->first == file) return &it->second;
    }
    return nullptr;
}

bool glob_word(std::string_view w) { return w.find_first_of("*?[") != std::string_view::npos; }

// A file named by an absolute path (a container's `/app/db/x.sql`, a runner's checkout path) is
// not a repository path: unknown at the line; the repository files it may be (a path it ends with,
// through `read`) are followed too. A loop variable is each of its loop's words; a glob
// (`db/patches/*.sql`, as the shell expands it, or find's `db/**/*.sql`) selects the files it matches.
void add_file(Reading& r, const std::string& setting, int n, std::string_view file, bool computed, int depth = 0) {
    if (const auto* words = depth == 0 ? loop_words(r, file) : nullptr) {
        for (const auto& w : *words) add_file(r, setting + " (for " + std::string(file) + " in " + w + ")", n, w, false, 1);
        if (words->empty()) add_computed(r, setting, n);
        return;
    }
    if (computed || file.find_first_of("$`{(") != std::string_view::npos || (glob_word(file) && file.starts_with('/'))) {
        add_computed(r, setting, n, file);
        return;
    }
    r.out.push_back(folder_dir("psql", setting, n, r.base, file, false));
    if (!file.starts_with('/')) {
        // A file that is not the repository's: one the deploy writes, downloads or builds before it
        // runs it (`echo ... > cleanup.sql`, `prisma migrate diff --script > drift.sql`, `curl -o`),
        // which pgfence cannot see; never an empty folder (red team R88b F2). A tool's own file
        // under node_modules/ keeps the folder reading.
        ToolDir& d = r.out.back();
        if (r.read && d.unknown.empty() && !glob_word(file) && !d.folder.empty() && d.folder != "." &&
            d.folder.find("node_modules/") == std::string::npos && !r.read(d.folder)) {
            const std::string path = d.folder;
            d = unknown_dir("psql", setting, n,
                            "this command runs " + shown_name(path) + ", which is not a file of the repository (the deploy writes, downloads "
                            "or builds it when it runs): pgfence does not see the SQL it runs",
                            false);
            d.loads_unread = "a command of the project runs " + shown_name(path) + ", which is not in the repository, so this file may be the one it runs: review it";
            // A deploy may put a repository file of that name there (a Dockerfile's `COPY db/
            // /srv/sql/` under WORKDIR /srv, red team R89 F12): any file so named may be it.
            d.folder = path_name(path).empty() ? path : "**/" + std::string(path_name(path));
        }
        return;
    }
    const std::size_t entry = r.out.size() - 1;
    bool tail_found = false;
    if (r.read) {
        for (std::size_t slash = file.find('/', 1); slash != std::string_view::npos; slash = file.find('/', slash + 1)) {
            const std::string tail(file.substr(slash + 1));
            if (tail.empty() || !r.read(tail)) continue;
            r.out.push_back(folder_dir("psql", setting + " (" + tail + ")", n, "", tail, false));
            tail_found = true;
        }
    }
    // An absolute path names a copy of a repository file a deploy put there (a checkout, a volume,
    // a COPY): one whose path ends in a repository file's is that file, and any file of the same
    // name the pull request adds or changes may be it; one that ends in none is a computed file,
    // as C3 reads those (red team R69 C4: `-f /srv/app/db/patches/fix.sql` under Ansible's chdir).
    ToolDir& d = r.out[entry];
    if (!d.unknown.empty()) {
        const std::string name(path_name(file));
        d.loads_unread = "a command of the project runs " + std::string(file) + " with psql, by an absolute path (in a container or on a server)" +
                         (tail_found && !name.empty() ? ", and this file of the same name may be the one it runs: review it"
                                                      : " that ends in no repository file's path, so this file may be the one it runs (a deploy "
                                                        "step may copy it there): review it");
        d.folder = tail_found && !name.empty() ? "**/" + name : std::string("**");
    }
}

// psql runs the files of one command in one session, one after another (startup.c: each -f is an
// ACT_FILE handed to process_file in order; `cat a.sql b.sql | psql` is one stream): a `\cd` in one
// is psql's chdir, so a later `-f NAME` is opened from the folder it moved to and its `\i` read from
// there, and a SET of standard_conforming_strings or client_encoding holds for the later files'
// text (red team R72 L3). Each file after the first is read from the state the ones before left:
// its folder, the includes it reaches from there; one whose folder pgfence does not resolve, or
// whose text the earlier files may make PostgreSQL read otherwise, is unknown at the command's line.
struct Session {
    std::string start;                // the folder the command runs in
    std::optional<std::string> cwd;   // psql's current folder now (nullopt: not known)
    std::string moved_by;             // the file whose `\cd` moved it, for the messages
    std::string reading_changed_by;   // a file before that may change how the text after it is read
    bool opens_from_cwd = true;       // psql opens the names (-f), not the shell (`cat a b | psql`)
};

// Whether SQL `text` may change how PostgreSQL reads the text after it in its session: it names
// standard_conforming_strings or client_encoding (SET, set_config, ALTER ... SET), pg_settings, a
// SET NAMES, or psql's \encoding (parse/lexing_settings.hpp reads the statements themselves; this
// is a test on the words, comments too).
bool may_change_reading(std::string_view text) {
    const std::string low = lowered(text);
    // `execute`: dynamic SQL may SET either by a name it builds ('standard_' || ...) (red team R73 F4).
    for (std::string_view w : {"standard_conforming_strings", "client_encoding", "pg_settings", "set_config", "\\encoding", "execute"}) {
        if (low.find(w) != std::string::npos) return true;
    }
    // A psql variable (`SET :name = off`, `:'v'`, `:"v"`): its value, set elsewhere, may name either.
    for (std::size_t at = low.find(':'); at != std::string::npos && at + 1 < low.size(); at = low.find(':', at + 1)) {
        const char next = low[at + 1];
        const bool cast = next == ':' || (at > 0 && low[at - 1] == ':');
        if (!cast && (std::isalpha(static_cast<unsigned char>(next)) != 0 || next == '_' || next == '\'' || next == '"' || next == '{')) return true;
    }
    for (std::size_t at = low.find("names"); at != std::string::npos; at = low.find("names", at + 1)) {
        std::size_t b = at;
        while (b > 0 && std::isspace(static_cast<unsigned char>(low[b - 1])) != 0) --b;
        if (b < at && b >= 3 && low.compare(b - 3, 3, "set") == 0 && (b == 3 || !(std::isalnum(static_cast<unsigned char>(low[b - 4])) != 0 || low[b - 4] == '_'))) {
            return true;
        }
    }
    return false;
}

// Whether an entry add_file added names one file of the repository, not a glob.
bool one_known_file(const ToolDir& d) {
    return d.unknown.empty() && d.loads_unread.empty() && d.folder.find_first_of("*?[") == std::string::npos;
}

// `file` run by psql in `session` (see Session): added as add_file adds it, from the folder psql is
// in; `more` when a file follows it in the session, whose start this one's end is.
void add_session_file(Reading& r, Session& session, const std::string& setting, int n, std::string_view file, bool more) {
    const std::size_t first = r.out.size();
    const bool absolute = file.starts_with('/');
    const bool moved = session.cwd != session.start;  // psql is no longer where the command started it
    if (!session.opens_from_cwd || absolute || (session.cwd && *session.cwd == session.start)) {
        add_file(r, setting, n, file, false);
    } else if (session.cwd) {
        const std::string_view held_base = r.base;
        r.base = *session.cwd;
        add_file(r, setting + " (after the \\cd of " + shown_name(session.moved_by) + ")", n, file, false);
        r.base = held_base;
    } else {
        const std::string name(path_name(file));
        ToolDir d = unknown_dir("psql", setting, n,
                                "psql opens " + shown_name(file) + " from the folder a \\cd in " + shown_name(session.moved_by) +
                                    " moved it to, which pgfence does not resolve: what it runs is not seen",
                                false);
        d.loads_unread = "a command of the project runs a file named " + shown_name(name.empty() ? file : std::string_view(name)) +
                         " with psql from a folder pgfence does not resolve (a \\cd before it), so this file may be the one it runs: review it";
        d.folder = name.empty() ? std::string("**") : "**/" + name;
        r.out.push_back(std::move(d));
    }
    const std::size_t added = r.out.size();
    const bool known_file = added == first + 1 && one_known_file(r.out[first]);
    const std::string path = known_file ? r.out[first].folder : std::string();
    std::optional<std::string> text;
    if (known_file && r.read && (more || moved || !session.reading_changed_by.empty())) text = r.read(path);
    // Read in a session an earlier file may have changed: where its text reads otherwise (or is not
    // read), not a file pgfence reads, but one whose change is unknown at its line 1 (`pgfence pr`),
    // and unknown at the command's line.
    if (!session.reading_changed_by.empty() && !(text && !reads_differently(*text))) {
        for (std::size_t k = first; k < added; ++k) {
            if (!r.out[k].unknown.empty()) continue;
            const std::string why = "psql runs " + shown_name(file) + " in the session " + shown_name(session.reading_changed_by) +
                                    " ran before it, which may change how PostgreSQL reads the text after it (standard_conforming_strings, "
                                    "client_encoding), and pgfence reads a file as PostgreSQL does by default: review it";
            r.out[k].unknown = why;
            r.out[k].loads_unread = why;
        }
    }
    if (!more && !moved) return;
    // Where this file leaves the session, and the includes it reaches from where it starts.
    if (!known_file) {
        // A glob, a computed or unresolved file: which `\cd` it runs is not known, nor, but for a
        // glob (whose files pgfence reads one by one), which SET.
        const bool glob = added == first + 1 && r.out[first].unknown.empty() && r.out[first].loads_unread.empty();
        session.cwd.reset();
        session.moved_by = std::string(file);
        if (!glob && session.reading_changed_by.empty()) session.reading_changed_by = std::string(file);
        return;
    }
    if (!r.read) return;  // nothing to read it with: as before
    if (!text) return;    // no such file: psql says so and goes on where it was
    const std::optional<std::string> before = session.cwd;
    PsqlIncludeWalk walk(r.read, session.start);
    session.cwd = walk.run_from(path, session.opens_from_cwd && !absolute ? std::string(file) : std::string(), *text, session.cwd);
    if (session.cwd != before) session.moved_by = path;
    if (session.reading_changed_by.empty() && may_change_reading(*text)) session.reading_changed_by = path;
    // The files it includes, as psql reached them from where it started (red team R72 L3): read where
    // that is not the command's own folder, as the walk from there does not.
    for (const auto& reached : walk.reached()) {
        if (moved) {
            ToolDir d = reached.dir;
            d.setting = setting + " " + shown_name(file) + ", " + d.setting;
            d.line = n;
            r.out.push_back(std::move(d));
        }
        if (!session.reading_changed_by.empty() || !reached.dir.unknown.empty() || !reached.dir.loads_unread.empty()) continue;
        if (auto included = r.read(reached.dir.folder); included && may_change_reading(*included)) session.reading_changed_by = reached.dir.folder;
    }
}


// One psql command (`cmds[at]`, psql its word `i`): its options read as psql's getopt_long reads them
// (startup.c parse_psql_options: "aAbc:d:eEf:F:h:HlL:no:p:P:qR:sStT:U:v:VwWxXz?01", the long options
// that take a value), so `-Xqc "DROP ..."`, `-f-` and `--file=x.sql` are read as psql reads them.
// Another psql-like client (usql, heroku pg:psql) takes -c/-f the same way.
void read_psql_words(const std::vector<Command>& cmds, std::size_t at, std::size_t i, int n, Reading& r,
                     std::vector<std::string>& constants) {
    static constexpr std::string_view k_with_value = "cdfFhLopPRTUv";
    const Command& c = cmds[at];
    std::vector<std::string> commands;
    std::vector<std::pair<std::string, std::string>> files;  // setting, file
    const auto& w = c.words;
    // Names another command hands psql: find's -exec ... {}, xargs' appended arguments.
    const std::size_t program = program_at(w);
    const bool by_find = program < w.size() && runs(w[program], "find");
    const bool by_xargs = std::any_of(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(i), [](const std::string& x) { return runs(x, "xargs"); });
    auto take = [&](char opt, const std::string& value) {
        if (opt == 'c') commands.push_back(value);
        if (opt == 'f') files.emplace_back("psql -f", value);
        const std::size_t eq = value.find('=');
        if (opt == 'v' && eq != std::string::npos && eq > 0 && value.find_first_of("$`") == std::string::npos) {
            constants.push_back(value.substr(0, eq));
        }
    };
    for (std::size_t j = i + 1; j < w.size(); ++j) {
        const std::string& a = w[j];
        if (a == "--") break;
        if (a.starts_with("--")) {
            const std::size_t eq = a.find('=');
            const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
            static constexpr std::array<std::string_view, 14> k_long = {"command", "dbname", "file", "field-separator", "host", "log-file", "output",
                                                                       "port", "pset", "record-separator", "table-attr", "username", "set", "variable"};
            if (std::find(k_long.begin(), k_long.end(), name) == k_long.end()) continue;
            std::string value = eq != std::string::npos ? a.substr(eq + 1) : j + 1 < w.size() ? w[++j] : std::string();
            take(name == "command" ? 'c' : name == "file" ? 'f' : name == "set" || name == "variable" ? 'v' : '-', value);
            continue;
        }
        if (a.size() < 2 || a[0] != '-') continue;
        for (std::size_t k = 1; k < a.size(); ++k) {
            if (k_with_value.find(a[k]) == std::string_view::npos) continue;
            std::string value = k + 1 < a.size() ? a.substr(k + 1) : j + 1 < w.size() ? w[++j] : std::string();
            take(a[k], value);
            break;
        }
    }
    // Arguments the shell spreads from a list (`"$@"`, `$*`, `"${ARGS[@]}"`): a -c or -f may arrive
    // in them, from a function's caller or an array pgfence does not read (red team R88c F2).
    for (std::size_t j = i + 1; j < w.size(); ++j) {
        const std::string& a = w[j];
        // The whole word one list (`-v "ids=${IDS[*]}"` is one value, not arguments).
        const bool spread = a == "$@" || a == "$*" || a == "${@}" || a == "${*}" ||
                            (a.starts_with("${") && a.find('}') == a.size() - 1 && (a.ends_with("[@]}") || a.ends_with("[*]}")));
        if (spread) {
            r.out.push_back(unknown_dir("psql", "psql \"$@\"", n,
                                        "psql takes arguments the shell spreads from a list (" + shown_name(std::string_view(a).substr(0, 40)) +
                                            "): the SQL they give it (-c, -f) is not read by pgfence: review it",
                                        false));
            return;
        }
    }
    bool reads_stdin = commands.empty() && files.empty();
    for (const auto& sql : commands) {
        if (read_only_command(sql)) continue;
        r.out.push_back(unknown_dir("psql", "psql -c", n,
                                    "psql runs SQL given on its command line, which pgfence does not read as a migration: review it, or move "
                                    "it into a migration file",
                                    false));
        break;
    }
    Session session{std::string(r.base), std::string(r.base), {}, {}, true};
    // A -c runs in the same session as the -f files (in the order given; taken to come first).
    for (const auto& sql : commands) {
        if (session.reading_changed_by.empty() && may_change_reading(sql)) session.reading_changed_by = "psql -c";
    }
    for (std::size_t k = 0; k < files.size(); ++k) {
        const auto& [setting, file] = files[k];
        if (file == "-") {
            reads_stdin = true;
            session.cwd.reset();  // standard input, which pgfence does not read, may `\cd`
            session.moved_by = "standard input";
            if (session.reading_changed_by.empty()) session.reading_changed_by = "standard input";
            continue;
        }
        if (by_find && file == "{}") {
            for (const auto& f : find_files(w, program)) add_file(r, "find -exec psql -f", n, f, false, 1);
            continue;
        }
        if (by_xargs && (file.empty() || file == "{}")) {
            const auto named = piped_files(cmds, at);
            if (!named) add_computed(r, "xargs psql -f", n);
            else for (const auto& f : *named) add_file(r, "xargs psql -f", n, f, false, 1);
            continue;
        }
        add_session_file(r, session, setting, n, file, k + 1 < files.size());
    }
    if (!reads_stdin || by_xargs) return;
    if (c.here) {
        r.out.push_back(unknown_dir("psql", "psql <<", n,
                                    "psql runs SQL given in a here-document, which pgfence does not read as a migration: review it, or move "
                                    "it into a migration file",
                                    false));
    } else if (!c.stdin_file.empty()) {
        add_file(r, "psql < FILE", n, c.stdin_file, c.stdin_computed);
    } else if (c.piped || !files.empty()) {
        // A file piped in is that file (`cat F | psql`, `cat db/*.sql | docker exec -i db psql`).
        if (const auto named = c.piped ? piped_files(cmds, at) : std::nullopt) {
            // One stream: the shell opens the names, psql reads them as one session.
            Session stream{std::string(r.base), std::string(r.base), {}, {}, false};
            for (std::size_t k = 0; k < named->size(); ++k) {
                if (loop_words(r, (*named)[k])) add_file(r, "cat FILE | psql", n, (*named)[k], false, 1);
                else add_session_file(r, stream, "cat FILE | psql", n, (*named)[k], k + 1 < named->size());
            }
            return;
        }
        r.out.push_back(unknown_dir("psql", "| psql", n,
                                    "psql runs the SQL piped into it, which pgfence does not read as a migration: review it, or give psql "
                                    "the file with -f",
                                    false));
    }
}

// Each file one psql command runs, with the variables its command line sets to a constant
// (`-v name=value`, `--set`, `--variable`: startup.c 'v', "set", "variable"), which the file's
// `:name` then stands for (parse/psql_variables.hpp).
void read_psql(const std::vector<Command>& cmds, std::size_t at, std::size_t i, int n, Reading& r) {
    const std::size_t first = r.out.size();
    std::vector<std::string> constants;
    read_psql_words(cmds, at, i, n, r, constants);
    for (std::size_t k = first; k < r.out.size(); ++k) r.out[k].psql_constants = constants;
}

// Every value of the options `names` after the program `w[i]` (--name V, --name=V, -s V).
std::vector<std::string> all_options(const std::vector<std::string>& w, std::size_t i, std::initializer_list<std::string_view> names) {
    std::vector<std::string> out;
    for (std::size_t j = i + 1; j < w.size(); ++j) {
        for (auto name : names) {
            if (w[j] == name && j + 1 < w.size()) out.push_back(w[j + 1]);
            else if (name.starts_with("--") && w[j].starts_with(std::string(name) + "=")) out.push_back(w[j].substr(name.size() + 1));
        }
    }
    return out;
}

// A client that reads a whole SQL file the way psql does or sends it as one command (`prisma db
// execute --file F`, Django's `manage.py dbshell < F` and Rails' `rails dbconsole < F`, which start
// psql), or a declarative applier that computes DDL from a desired-state file (`psqldef --file F`,
// `atlas schema apply --to file://F`, `dbmate load`). Returns whether `w[i]` is one (its files added).
bool read_other_runner(const std::vector<Command>& cmds, std::size_t at, std::size_t i, int n, Reading& r) {
    const Command& c = cmds[at];
    const auto& w = c.words;
    auto after = [&](std::string_view word) { return i + 1 < w.size() && w[i + 1] == word; };
    // The value of --name / --name=V / -s V after the program.
    auto option = [&](std::initializer_list<std::string_view> names) -> std::optional<std::string> {
        for (std::size_t j = i + 1; j < w.size(); ++j) {
            for (auto name : names) {
                if (w[j] == name && j + 1 < w.size()) return w[j + 1];
                if (name.starts_with("--") && w[j].starts_with(std::string(name) + "=")) return w[j].substr(name.size() + 1);
            }
        }
        return std::nullopt;
    };
    auto stdin_file = [&](const std::string& setting) {
        if (!c.stdin_file.empty()) add_file(r, setting, n, c.stdin_file, c.stdin_computed);
        else if (c.here || c.piped) add_file(r, setting, n, "$", true);
    };
    auto desired = [&](const std::string& tool, const std::string& setting, std::string_view file, bool computed) {
        if (computed || file.find_first_of("$`{(*?[") != std::string_view::npos) {
            ToolDir d = unknown_dir(tool, setting, n, tool + " computes the DDL it runs from a desired-state file whose name this line computes", false);
            d.loads_unread = k_any_sql;
            r.out.push_back(std::move(d));
            return;
        }
        ToolDir d = folder_dir(tool, setting, n, r.base, file, false);
        if (d.unknown.empty()) {
            d.loads_unread = tool + " computes the DDL it runs (drops included) from this desired-state file or folder, when the line runs: pgfence does "
                                    "not see that DDL, review it";
        }
        r.out.push_back(std::move(d));
    };
    const std::string_view p = w[i];
    if (runs(p, "prisma") && after("db") && i + 2 < w.size() && w[i + 2] == "execute") {
        if (auto f = option({"--file"})) add_file(r, "prisma db execute --file", n, *f, false);
        else if (option({"--stdin"}) || std::find(w.begin(), w.end(), "--stdin") != w.end()) stdin_file("prisma db execute --stdin");
        return true;
    }
    if (runs(p, "heroku") && i + 1 < w.size() && (w[i + 1] == "pg:psql" || w[i + 1] == "psql")) {
        if (auto f = option({"-f", "--file"})) add_file(r, "heroku pg:psql -f", n, *f, false);
        else if (auto cmd = option({"-c", "--command"})) {
            if (!read_only_command(*cmd)) r.out.push_back(unknown_dir("psql", "heroku pg:psql -c", n, "heroku pg:psql runs SQL given on its command line, which pgfence does not read as a migration: review it", false));
        } else {
            stdin_file("heroku pg:psql < FILE");
        }
        return true;
    }
    // Django's dbshell hands the words after `--` to the client it starts, psql for PostgreSQL
    // (django/core/management/commands/dbshell.py: `parameters` after the divider, to
    // DatabaseClient.runshell), so `manage.py dbshell -- -f F` is `psql -f F` (red team R69 C5).
    if (p == "dbshell" && std::find(w.begin() + static_cast<std::ptrdiff_t>(i), w.end(), "--") != w.end()) {
        std::vector<Command> as_psql = cmds;
        std::vector<std::string>& words = as_psql[at].words;
        words.erase(words.begin(), std::find(words.begin() + static_cast<std::ptrdiff_t>(i), words.end(), "--"));
        words.front() = "psql";
        read_psql(as_psql, at, 0, n, r);
        return true;
    }
    if (p == "dbshell" || ((runs(p, "rails") || runs(p, "rake")) && (after("dbconsole") || after("db")))) {
        stdin_file(std::string(p == "dbshell" ? "manage.py dbshell" : "rails dbconsole") + " < FILE");
        return true;
    }
    if (runs(p, "usql")) {
        read_psql(cmds, at, i, n, r);
        return true;
    }
    if (runs(p, "psqldef")) {
        if (auto f = option({"--file", "-f"})) desired("psqldef", "psqldef --file", *f, false);
        else if (!c.stdin_file.empty()) desired("psqldef", "psqldef < FILE", c.stdin_file, c.stdin_computed);
        else desired("psqldef", "psqldef", "$", true);
        return true;
    }
    // atlas's desired state: each --to URL (a file:// names an HCL or SQL file or a folder of them),
    // or the older -f / --file paths (ariga/atlas cmd/atlas/internal/cmdapi/schema.go, schemaApplyFlags);
    // -u / --url is the database it changes (red team R69 C5: the -u value was read as the desired
    // state, and a .hcl file was never selected).
    if (runs(p, "atlas") && after("schema") && i + 2 < w.size() && w[i + 2] == "apply") {
        auto to = all_options(w, i, {"--to"});
        if (to.empty()) to = all_options(w, i, {"--file", "-f"});
        if (to.empty()) desired("atlas", "atlas schema apply --to", "$", true);
        for (const auto& t : to) {
            if (t.starts_with("file://")) desired("atlas", "atlas schema apply --to", std::string_view(t).substr(7), false);
            else if (t.find("://") == std::string::npos) desired("atlas", "atlas schema apply --to", t, false);
        }
        return true;
    }
    // stripe's pg-schema-diff: `apply` runs the DDL it computes from the .sql files of --schema-dir
    // (or the newer --to-dir) against the database (stripe/pg-schema-diff cmd/pg-schema-diff
    // plan_cmd.go schemaSourceFlagsVar, getDDLFromPath); `plan` only prints it.
    if (runs(p, "pg-schema-diff") && std::find(w.begin() + static_cast<std::ptrdiff_t>(i), w.end(), "apply") != w.end()) {
        for (const auto& dir : all_options(w, i, {"--schema-dir", "--to-dir"})) desired("pg-schema-diff", "pg-schema-diff apply --schema-dir", dir, false);
        return true;
    }
    // pgschema (pgschema/pgschema): `apply --file F` applies the desired state F.
    if (runs(p, "pgschema") && std::find(w.begin() + static_cast<std::ptrdiff_t>(i), w.end(), "apply") != w.end()) {
        auto f = all_options(w, i, {"--file", "-f"});
        if (f.empty()) desired("pgschema", "pgschema apply --file", "$", true);
        for (const auto& file : f) desired("pgschema", "pgschema apply --file", file, false);
        return true;
    }
    if (runs(p, "dbmate") && std::find(w.begin() + static_cast<std::ptrdiff_t>(i), w.end(), "load") != w.end()) {
        // dbmate's schema file: --schema-file / -s, else DBMATE_SCHEMA_FILE, else ./db/schema.sql (amacneil/dbmate main.go).
        auto f = option({"--schema-file", "-s"});
        desired("dbmate", "dbmate load", f ? *f : std::string("db/schema.sql"), false);
        return true;
    }
    return false;
}

// The text without shell quotes and backslashes, for finding a client's name (`p"s"ql`).
std::string without_quotes(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c != '"' && c != '\'' && c != '\\') out += c;
    }
    return out;
}

// The words of one command: psql, another client, or a word that is itself a shell line with one
// of them (`sh -c "psql ..."`, a package.json script, a compose `command:` string).
void read_words(const std::vector<Command>& cmds, std::size_t at, int n, Reading& r, int depth) {
    const Command& c = cmds[at];
    for (std::size_t i = 0; i < c.words.size(); ++i) {
        const std::string& w = c.words[i];
        if (runs_psql(w)) {
            read_psql(cmds, at, i, n, r);
            return;
        }
        if (read_other_runner(cmds, at, i, n, r)) return;
        if (std::string why = other_client(c.words, i); !why.empty()) {
            r.out.push_back(unknown_dir("psql", w, n, why + ", outside the migrations pgfence reads: review it", false));
            return;
        }
        if (depth < 2 && w.find_first_of(" \t") != std::string::npos && mentions_client(w)) {
            const auto inner = shell_commands(w);
            for (std::size_t k = 0; k < inner.size(); ++k) read_words(inner, k, n, r, depth + 1);
        }
    }
}

// One shell command line (or an exec-form command joined, yaml_exec.hpp) at line `n`: its `for`
// loops are kept for the lines after.
void read_line(std::string_view l, int n, Reading& r) {
    const bool loop = l.find("for ") != std::string_view::npos;
    // The shell takes quotes out of a word before it runs it: `p"s"ql` is psql (bash manual, "Quote Removal").
    const bool client = mentions_client(l) || (l.find_first_of("\"'\\") != std::string_view::npos && mentions_client(without_quotes(l)));
    if (!loop && !client) return;
    const auto cmds = shell_commands(l);
    for (const auto& c : cmds) {
        std::size_t k = program_at(c.words);
        while (k < c.words.size() && (c.words[k] == "do" || c.words[k] == "then")) ++k;
        if (k + 2 < c.words.size() && c.words[k] == "for" && c.words[k + 2] == "in") {
            std::vector<std::string> words;
            for (std::size_t j = k + 3; j < c.words.size() && c.words[j] != "do"; ++j) {
                words.push_back(c.words[j]);
            }
            // A command's output (`$(ls db)`, split at its blanks), a variable: the set is computed.
            if (std::any_of(words.begin(), words.end(), [](const std::string& x) { return x.find_first_of("$`") != std::string::npos; })) {
                words = {"$"};
            }
            r.loops.emplace_back(c.words[k + 1], std::move(words));
        }
    }
    if (!client) return;
    for (std::size_t k = 0; k < cmds.size(); ++k) read_words(cmds, k, n, r, 0);
    // A command substitution's command runs too (`n=$(psql -c "...")`, `` m=`psql ...` ``, quoted or
    // not): read from its start, a few per line (a precision review found `$(psql -tAc ...)` unread).
    int substitutions = 0;
    // A process substitution's too (`> >(psql "$URL")`, `<(...)`: bash manual, "Process Substitution"),
    // `>(...)` reading what the outer command writes as its standard input (red team R88c F2).
    for (std::size_t at = l.find_first_of("$`<>"); at != std::string_view::npos && substitutions < 16; at = l.find_first_of("$`<>", at + 1)) {
        std::size_t from = 0;
        if (l[at] == '`') from = at + 1;
        else if ((l[at] == '<' || l[at] == '>') && at + 1 < l.size() && l[at + 1] == '(') from = at + 2;
        else if (l[at] == '$' && at + 1 < l.size() && l[at + 1] == '(' && !(at + 2 < l.size() && l[at + 2] == '(')) from = at + 2;  // not $(( arithmetic
        else continue;
        ++substitutions;
        std::string_view inner = l.substr(from);
        if (l[at] == '`') {
            const std::size_t close = inner.find('`');
            if (close != std::string_view::npos) inner = inner.substr(0, close);
            at = from + inner.size();  // its closing backtick opens nothing
        } else {
            // Up to its `)`, past quotes and nested parentheses: what follows is the outer command's.
            int depth = 1;
            for (std::size_t k = 0; k < inner.size(); ++k) {
                const char c = inner[k];
                if (c == '\\') ++k;
                else if (c == '\'' || c == '"') {
                    const std::size_t close = inner.find(c, k + 1);
                    k = close == std::string_view::npos ? inner.size() : close;
                } else if (c == '(') ++depth;
                else if (c == ')' && --depth == 0) {
                    inner = inner.substr(0, k);
                    break;
                }
            }
        }
        if (!mentions_client(inner) && !mentions_client(without_quotes(inner))) continue;
        auto inner_cmds = shell_commands(inner);
        if (l[at] == '>' && !inner_cmds.empty()) inner_cmds.front().piped = true;
        for (std::size_t k = 0; k < inner_cmds.size(); ++k) read_words(inner_cmds, k, n, r, 1);
    }
}

// At most this many files and unknowns from one command file (the last says the rest was not read).
constexpr std::size_t k_most_psql_entries = 256;

bool same_dir(const ToolDir& a, const ToolDir& b) {
    return a.line == b.line && a.setting == b.setting && a.folder == b.folder && a.unknown == b.unknown;
}

}  // namespace

// The lines of `text` as the shell (or YAML, when `yaml`) hands them to the command: a line ending
// in a backslash goes on with the next (the shell's continuation); in YAML a plain scalar's or a
// folded block's (`>`) further lines, more indented than its key, are one line joined by spaces
// (YAML 1.2 §6.5 line folding). Red team I1: `psql "$DB" \` with `-c "DROP ..."` on the next line.
std::vector<LogicalLine> logical_lines(std::string_view text, bool yaml) {
    std::vector<LogicalLine> out;
    std::size_t fold_indent = std::string_view::npos;  // lines more indented than this join the last
    bool continued = false;
    int n = 1;
    for (std::size_t at = 0; at <= text.size(); ++n) {
        const std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        const std::size_t indent = l.find_first_not_of(" \t");
        const bool joins = continued || (yaml && fold_indent != std::string_view::npos && indent != std::string_view::npos && indent > fold_indent &&
                                         l[indent] != '#');
        if (!joins) fold_indent = std::string_view::npos;
        std::size_t slashes = 0;
        while (slashes < l.size() && l[l.size() - 1 - slashes] == '\\') ++slashes;
        continued = slashes % 2 == 1;
        std::string_view body = continued ? l.substr(0, l.size() - 1) : l;
        if (joins && !out.empty()) {
            out.back().text += ' ';
            out.back().text.append(body.substr(std::min(body.size(), indent == std::string_view::npos ? body.size() : indent)));
        } else {
            out.push_back(LogicalLine{n, std::string(body)});
        }
        if (!yaml || joins || indent == std::string_view::npos) continue;
        // A key whose value is a plain scalar or a folded block: its more indented lines fold in.
        std::string_view rest = l.substr(indent);
        std::size_t column = indent;
        if (rest.starts_with("- ")) {
            const std::size_t skip = rest.find_first_not_of(' ', 1);
            if (skip == std::string_view::npos) continue;
            rest = rest.substr(skip);
            column += skip;
        }
        const std::size_t colon = rest.find(": ");
        if (colon == std::string_view::npos || rest.front() == '"' || rest.front() == '\'') continue;
        std::string_view value = rest.substr(colon + 2);
        value.remove_prefix(std::min(value.size(), value.find_first_not_of(' ')));
        if (value.empty() || value.front() == '|' || value.front() == '[' || value.front() == '{' || value.front() == '"' || value.front() == '\'' ||
            value.front() == '#') {
            continue;
        }
        fold_indent = column;
    }
    // An ENTRYPOINT with its CMD, a docker:// step's entrypoint with its args: one command (joined_commands.hpp).
    if (yaml ? text.find("docker://") != std::string_view::npos : text.find("ENTRYPOINT") != std::string_view::npos || text.find("entrypoint") != std::string_view::npos) {
        join_container_commands(out, yaml);
    }
    return out;
}

// psql's -f / --file FILENAME reads commands from the file, and standard input redirected from a
// file is read the same way (postgres/postgres src/bin/psql/startup.c parse_psql_options: 'f',
// "file"; process_file); each statement is sent on its own and commits unless -1 /
// --single-transaction wraps the run (startup.c: single_txn).
std::vector<ToolDir> read_psql_files(std::string_view path, std::string_view text, std::string_view base, const ReadFile& read) {
    std::vector<ToolDir> out;
    if (!mentions_client(text) && !mentions_client(without_quotes(text))) return out;
    Reading r{base, read, out, {}};
    const std::string_view name = path_name(path);
    const bool yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    // A workflow's commands as the runner runs them: `${{ env.X }}`, `$X` and `${{ matrix.X }}` the
    // workflow binds to a literal are put in (workflow_values.hpp), so that linkwarden's
    // `psql -c "CREATE USER ${{ env.TEST_POSTGRES_USER }} ..."` is read as the statement it sends.
    // A value computed or set by a command is left as written, and the command stays unread.
    std::optional<deploy_detail::WorkflowValues> values;
    if (yaml && (path.starts_with(".github/workflows/") || path.starts_with(".github/actions/"))) values.emplace(text);
    // A Makefile's recipe lines as make hands them to the shell, its literal variables put in
    // (`PSQL := psql $(DATABASE_URL)`, then `$(PSQL) -c '...'`: red team R89b F6).
    const bool makefile = make_file_name(name);
    const deploy_detail::MakeVariables make_vars = makefile ? deploy_detail::make_variables(text) : deploy_detail::MakeVariables{};
    for (const auto& l : logical_lines(text, yaml)) {
        if (makefile && l.text.starts_with('\t') && l.text.find('$') != std::string::npos) {
            read_line(deploy_detail::with_make_variables(l.text, make_vars), l.number, r);
        } else if (values && l.text.find('$') != std::string::npos) {
            std::vector<int> uses;
            std::vector<ToolDir> more;
            Reading m{base, read, more, std::move(r.loops)};
            for (const std::string& variant : values->expand(l.number, l.text, uses)) read_line(variant, l.number, m);
            r.loops = std::move(m.loops);
            for (auto& d : more) {
                if (std::none_of(out.begin(), out.end(), [&](const ToolDir& o) { return same_dir(o, d); })) out.push_back(std::move(d));
            }
        } else {
            read_line(l.text, l.number, r);
        }
        if (out.size() >= k_most_psql_entries) break;
    }
    // A YAML file's exec-form commands (a Kubernetes container's command and args, a Cloud Build
    // step's entrypoint and args): the same, word by word, as the program receives them.
    if (yaml) {
        for (const auto& c : yaml_exec_commands(text)) {
            if (out.size() >= k_most_psql_entries) break;
            if (!mentions_client(c.command)) continue;
            std::vector<ToolDir> more;
            Reading m{base, read, more, {}};
            read_words({Command{c.words, false, false, {}, false}}, 0, c.line, m, 0);
            for (auto& d : more) {
                if (std::none_of(out.begin(), out.end(), [&](const ToolDir& o) { return same_dir(o, d); })) out.push_back(std::move(d));
            }
        }
    }
    cap_entries(out);
    return out;
}

void read_psql_shell_line(std::string_view line, int n, std::string_view base, const ReadFile& read, std::vector<ToolDir>& out) {
    Reading r{base, read, out, {}};
    read_line(line, n, r);
}

void read_psql_argv(const std::vector<std::string>& words, int n, std::string_view base, const ReadFile& read, std::vector<ToolDir>& out) {
    Reading r{base, read, out, {}};
    read_words({Command{words, false, false, {}, false}}, 0, n, r, 0);
}

void cap_entries(std::vector<ToolDir>& out) {
    if (out.size() >= k_most_psql_entries) {
        out.erase(out.begin() + static_cast<std::ptrdiff_t>(k_most_psql_entries - 1), out.end());
        out.push_back(unknown_dir("psql", "psql", 1,
                                  "this file runs psql or other PostgreSQL clients more times than pgfence follows (" +
                                      std::to_string(k_most_psql_entries - 1) + "): review the rest",
                                  false));
    }
}

// A glob's segments match the path's: `*`, `?` and `[...]` within one segment, `**` any number of
// segments (find's recursion).
bool psql_runs_file(std::string_view file, std::string_view folder) {
    if (!glob_word(folder)) return file == folder;
    auto segments = [](std::string_view s) {
        std::vector<std::string_view> out;
        for (std::size_t at = 0; at <= s.size();) {
            const std::size_t slash = s.find('/', at);
            out.push_back(s.substr(at, slash == std::string_view::npos ? std::string_view::npos : slash - at));
            at = slash == std::string_view::npos ? s.size() + 1 : slash + 1;
        }
        return out;
    };
    const auto f = segments(file), g = segments(folder);
    // one segment against one pattern segment (fnmatch without flags, iteratively)
    auto one = [](std::string_view s, std::string_view p) {
        std::size_t si = 0, pi = 0, star = std::string_view::npos, mark = 0;
        while (si < s.size()) {
            if (pi < p.size() && p[pi] == '[') {
                const std::size_t close = p.find(']', pi + 1);
                if (close != std::string_view::npos) {
                    std::string_view set = p.substr(pi + 1, close - pi - 1);
                    const bool negate = !set.empty() && (set[0] == '!' || set[0] == '^');
                    if (negate) set.remove_prefix(1);
                    bool hit = false;
                    for (std::size_t k = 0; k < set.size(); ++k) {
                        if (k + 2 < set.size() && set[k + 1] == '-') {
                            hit = hit || (s[si] >= set[k] && s[si] <= set[k + 2]);
                            k += 2;
                        } else {
                            hit = hit || s[si] == set[k];
                        }
                    }
                    if (hit != negate) {
                        ++si;
                        pi = close + 1;
                        continue;
                    }
                }
            } else if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
                ++si;
                ++pi;
                continue;
            } else if (pi < p.size() && p[pi] == '*') {
                star = pi++;
                mark = si;
                continue;
            }
            if (star == std::string_view::npos) return false;
            pi = star + 1;
            si = ++mark;
        }
        while (pi < p.size() && p[pi] == '*') ++pi;
        return pi == p.size() && !(s.starts_with('.') && !p.starts_with('.'));
    };
    // segments with ** (dynamic programming over positions; paths are short)
    std::vector<std::vector<char>> ok(g.size() + 1, std::vector<char>(f.size() + 1, 0));
    ok[g.size()][f.size()] = 1;
    for (std::size_t gi = g.size(); gi-- > 0;) {
        for (std::size_t fi = f.size() + 1; fi-- > 0;) {
            if (g[gi] == "**") ok[gi][fi] = ok[gi + 1][fi] || (fi < f.size() && ok[gi][fi + 1]);
            else ok[gi][fi] = fi < f.size() && one(f[fi], g[gi]) && ok[gi + 1][fi + 1];
        }
    }
    return ok[0][0] != 0;
}

}  // namespace pgfence::analyze::tools
