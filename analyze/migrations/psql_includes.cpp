#include "analyze/migrations/psql_includes.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include "analyze/base/path_parts.hpp"
#include "analyze/parse/psql_meta.hpp"
#include "analyze/parse/splitter.hpp"
#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze::tools {
namespace {

constexpr std::size_t k_most_includes = 64;
constexpr std::size_t k_most_inlined = 256;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

}  // namespace

bool may_include(std::string_view text) { return text.find("\\i") != std::string_view::npos; }

namespace {

// A file psql runs: its path below the root pgfence reads from, and the name psql holds for it
// (pset.inputfile), which `\ir` is relative to: relative to the folder psql was in when it opened
// the file, "" when that is the path itself (a file given by its place, which no `\cd` moves).
struct PsqlFile {
    std::string_view path;
    std::string_view held;
};

// `folder` + "/" + `name` as psql joins them (join_path_components), "" folder: the name.
std::string joined(std::string_view folder, std::string_view name) {
    return folder.empty() ? std::string(name) : std::string(folder) + "/" + std::string(name);
}

// The include or `\cd` the meta-command `m` of `f`'s text (at line `n`) is, read as psql reads it
// (command.c exec_command_include, exec_command_cd, process_file with use_relative_path), with
// psql's current folder `cwd` (nullopt: a `\cd` pgfence cannot resolve), which a `\cd DIR`
// changes for all that runs after it (psql has one current folder: chdir). An include gives its
// entry and the name psql then holds for the included file (`held`); another meta-command none.
std::optional<ToolDir> include_of(const PsqlFile& f, std::string_view text, const MetaCommand& m, int n, std::optional<std::string>& cwd,
                                  std::string& held) {
    const bool relative = m.name == "ir" || m.name == "include_relative";
    if (m.name != "cd" && !is_include_command(m.name)) return std::nullopt;
    // One argument, read as psql reads a file name (OT_FILEPIPE: quotes removed).
    std::string_view arg = trim(text.substr(m.begin + 1 + m.name.size(), m.end - m.begin - 1 - m.name.size()));
    if (arg.size() >= 2 && arg.front() == '\'') {
        std::size_t close = arg.find('\'', 1);
        arg = arg.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
    } else {
        arg = arg.substr(0, arg.find_first_of(" \t"));
    }
    const bool computed = arg.empty() || arg.front() == ':' || arg.find('`') != std::string_view::npos || arg.front() == '|';
    // `\cd DIR`: later `\i` names are read from DIR (red team R69 C9). No argument (the home
    // folder), a variable, a command's output, an absolute path or one above the top: unknown.
    if (m.name == "cd") {
        if (computed || !cwd) {
            cwd.reset();
            return std::nullopt;
        }
        const ToolDir d = folder_dir("psql", "\\cd", n, *cwd, arg, false);
        if (d.unknown.empty()) cwd = d.folder == "." ? std::string() : d.folder;
        else cwd.reset();
        return std::nullopt;
    }
    const std::string setting = "\\" + std::string(m.name);
    if (computed) {
        return unknown_dir("psql", setting, n,
                           "psql includes a file pgfence does not know here (a psql variable, a command's output, or none): what it runs is not seen",
                           false);
    }
    // `\ir` of a file psql holds by its place: beside it. Of one it holds by a relative name: that
    // name's folder joined with the argument, opened from psql's current folder (after a `\cd`
    // since the file was opened, not beside it).
    const bool beside = relative && (f.held.empty() || arg.starts_with('/'));
    const std::string name = relative && !beside ? joined(path_folder(f.held), arg) : std::string(arg);
    if (!beside && !cwd) {
        ToolDir d = unknown_dir("psql", setting, n,
                                "psql includes " + std::string(arg) +
                                    " from the folder a \\cd before it changed to, which pgfence does not resolve: what it runs is not seen",
                                false);
        mark_unresolved_include(d, arg);
        return d;
    }
    held = beside ? std::string() : name;
    return folder_dir("psql", setting, n, beside ? path_folder(f.path) : std::string_view(*cwd), name, false);
}

// Calls `fn(m, entry, held)` with each include of `f` (its text `text`) in order, `cwd` changed by
// each `\cd` as psql changes it, and by what `fn` runs (an included file's own `\cd`).
template <class Fn>
void each_include(const PsqlFile& f, std::string_view text, std::optional<std::string>& cwd, Fn&& fn) {
    if (!may_include(text) && text.find("\\cd") == std::string_view::npos) return;
    int n = 1;
    std::size_t counted = 0;
    // psql's `\if` blocks (each begins and ends in one file): whether a `\cd` inside one runs
    // depends on a condition pgfence does not evaluate, so after it the folder is unknown (red
    // team R72 F5: a `\cd` in a `\if false` branch was carried to the includer's later `\i`).
    int conditional = 0;
    each_meta_command(text, [&](const MetaCommand& m) {
        n += static_cast<int>(std::count(text.begin() + static_cast<std::ptrdiff_t>(counted), text.begin() + static_cast<std::ptrdiff_t>(m.begin), '\n'));
        counted = m.begin;
        if (m.name == "if") ++conditional;
        else if (m.name == "endif" && conditional > 0) --conditional;
        if (m.name == "cd" && conditional > 0) {
            cwd.reset();
            return true;
        }
        std::string held;
        auto d = include_of(f, text, m, n, cwd, held);
        return !d || fn(m, *d, held);
    });
}

}  // namespace

std::vector<ToolDir> read_psql_includes(std::string_view path, std::string_view text, std::string_view top) {
    std::vector<ToolDir> out;
    std::optional<std::string> cwd{std::string(top)};
    each_include(PsqlFile{path, {}}, text, cwd, [&](const MetaCommand&, ToolDir& d, const std::string&) {
        out.push_back(std::move(d));
        return out.size() < k_most_includes;
    });
    return out;
}

void mark_unresolved_include(ToolDir& d, std::string_view named) {
    const std::string_view name = path_name(named);
    d.loads_unread = "a migration includes a file named " + std::string(name.empty() ? named : name) + " (" + d.setting +
                     ") that pgfence does not find where it resolves it, so psql may run this file there: review it";
    d.folder = name.empty() ? std::string("**") : "**/" + std::string(name);
}

void each_meta_command(std::string_view text, const std::function<bool(const MetaCommand&)>& fn) {
    if (text.find('\\') == std::string_view::npos) return;
    Tokenizer tokens(text);
    Token t;
    bool at_start = true;  // no SQL in psql's query buffer since the last `;`
    while (tokens.next(t)) {
        if (t.is_comment()) continue;
        if (t.kind != TokenKind::Symbol || text[t.begin] != '\\') {
            at_start = t.is_symbol(text, ';');
            continue;
        }
        MetaCommand m;
        m.begin = t.begin;
        m.line_end = text.find('\n', t.begin);
        if (m.line_end == std::string_view::npos) m.line_end = text.size();
        m.end = m.line_end;
        while (m.end > t.begin && (text[m.end - 1] == '\r' || text[m.end - 1] == ' ' || text[m.end - 1] == '\t')) --m.end;
        std::size_t name_end = t.begin + 1;
        while (name_end < m.line_end && (std::isalpha(static_cast<unsigned char>(text[name_end])) != 0 || text[name_end] == '_')) ++name_end;
        m.name = text.substr(t.begin + 1, name_end - t.begin - 1);
        m.at_start = at_start;
        if (!fn(m)) return;
        tokens = Tokenizer(text, m.line_end);
    }
}

bool is_include_command(std::string_view name) {
    return name == "i" || name == "ir" || name == "include" || name == "include_relative";
}

std::vector<IncludeLine> psql_include_lines(std::string_view path, std::string_view text, std::string_view top,
                                            const std::function<bool(const std::string&)>& found) {
    std::vector<IncludeLine> out;
    if (!may_include(text)) return out;
    if (path.starts_with('/')) path.remove_prefix(1);  // an absolute path: every file below the root is inside
    std::optional<std::string> cwd{std::string(top)};
    each_include(PsqlFile{path, {}}, text, cwd, [&](const MetaCommand& m, const ToolDir& d, const std::string&) {
        if (!m.at_start) return true;
        IncludeLine line{m.begin, m.end, {}};
        if (!d.unknown.empty() || (found && !found(d.folder))) {
            line.why = "psql runs the SQL of another file here (" + d.setting + "), which pgfence does not follow: " +
                       (d.unknown.empty() ? "the file it names is not a regular file of the repository reached through no link" : d.unknown);
        }
        out.push_back(std::move(line));
        return out.size() < k_most_includes;
    });
    return out;
}

std::vector<UnfollowedInclude> unfollowed_psql_includes(std::string_view path, std::string_view text, std::string_view top,
                                                        const std::function<bool(const std::string&)>& found) {
    std::vector<UnfollowedInclude> out = psql_include_lines(path, text, top, found);
    std::erase_if(out, [](const IncludeLine& l) { return l.why.empty(); });
    return out;
}

namespace {

struct Inlining {
    const ReadFile& read;
    std::optional<std::string> cwd;  // psql's current folder, which a `\cd` in any file changes
    std::vector<std::string> chain;  // the files being inlined, outermost first
    std::size_t budget = k_most_inlined;
    bool unfollowed = false;
};

std::string inlined(const PsqlFile& f, std::string_view text, Inlining& in) {
    std::string out = without_psql_meta_commands(text);
    std::vector<std::pair<std::size_t, std::string>> inserts;  // (offset, SQL), in order
    each_meta_command(text, [&](const MetaCommand& m) {
        std::string held;
        if (m.name == "cd") (void)include_of(f, text, m, 0, in.cwd, held);
        if (!is_include_command(m.name)) {
            in.unfollowed = in.unfollowed || !psql_meta_command_harmless(m.name);
            return true;
        }
        bool done = false;
        auto d = m.at_start ? include_of(f, text, m, 0, in.cwd, held) : std::nullopt;
        if (d && d->unknown.empty() && in.budget > 0 && std::find(in.chain.begin(), in.chain.end(), d->folder) == in.chain.end()) {
            const std::string file = d->folder;
            --in.budget;
            if (auto read = in.read(file)) {
                in.chain.push_back(file);
                inserts.emplace_back(m.begin, "\n" + inlined(PsqlFile{file, held}, *read, in) + "\n");
                in.chain.pop_back();
                done = true;
            }
        }
        in.unfollowed = in.unfollowed || !done;
        return true;
    });
    for (auto it = inserts.rbegin(); it != inserts.rend(); ++it) out.insert(it->first, it->second);
    return out;
}

}  // namespace

std::string with_included_files(std::string_view path, std::string_view text, std::string_view top, const ReadFile& read,
                                bool& unfollowed) {
    Inlining in{read, std::string(top), {std::string(path)}, k_most_inlined, false};
    std::string out = inlined(PsqlFile{path, {}}, text, in);
    unfollowed = in.unfollowed;
    return out;
}

PsqlIncludeWalk::PsqlIncludeWalk(ReadFile read, std::string top) : m_read(std::move(read)), m_top(std::move(top)) {}

std::optional<std::string> PsqlIncludeWalk::run(const std::string& path, std::string_view text, bool by_place) {
    std::optional<std::string> cwd{m_top};
    walk(path, by_place ? std::string() : path, text, cwd);
    return cwd;
}

std::optional<std::string> PsqlIncludeWalk::run_from(const std::string& path, const std::string& named, std::string_view text,
                                                     std::optional<std::string> from) {
    walk(path, named, text, from);
    return from;
}

void PsqlIncludeWalk::walk(const std::string& path, const std::string& held, std::string_view text, std::optional<std::string>& cwd) {
    each_include(PsqlFile{path, held}, text, cwd, [&](const MetaCommand&, ToolDir& d, const std::string& callee_held) {
        const std::string file = d.unknown.empty() ? d.folder : std::string();
        if (m_reached.size() < k_most_reached) m_reached.push_back(ReachedInclude{path, std::move(d)});
        if (file.empty()) return true;
        // psql runs the included file here: its `\cd` holds for the rest of the run (red team R71 F10).
        // Each file is walked once per folder it starts in and name it is held by; a later include of
        // it takes the folder that walk ended in.
        const std::string key = file + '\n' + callee_held + '\n' + (cwd ? "=" + *cwd : std::string("?"));
        if (auto it = m_ends.find(key); it != m_ends.end()) {
            if (it->second.in_progress) cwd.reset();  // inside itself: psql repeats it until it fails
            else cwd = it->second.cwd;
            return true;
        }
        if (m_walks >= k_most_inlined) {
            cwd.reset();  // not walked: where it leaves psql is not known
            return true;
        }
        ++m_walks;
        std::optional<std::string> text_of = m_read ? m_read(file) : std::nullopt;
        if (!text_of) {
            m_ends.emplace(key, End{cwd, false});  // no such file: psql says so and goes on where it was
            return true;
        }
        m_ends.emplace(key, End{std::nullopt, true});
        walk(file, callee_held, *text_of, cwd);
        m_ends.insert_or_assign(key, End{cwd, false});
        return true;
    });
}

}  // namespace pgfence::analyze::tools
