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

// The includes of `text` with psql's current folder `cwd` (nullopt: a `\cd` pgfence cannot resolve),
// which a `\cd DIR` line changes for the lines after it, and for what runs after `text` (psql has
// one current folder: command.c exec_command_cd, chdir).
std::vector<ToolDir> includes_in(std::string_view path, std::string_view text, std::optional<std::string>& cwd) {
    std::vector<ToolDir> out;
    if (!may_include(text) && text.find("\\cd") == std::string_view::npos) return out;
    int n = 1;
    for (std::size_t at = 0; at <= text.size() && out.size() < k_most_includes; ++n) {
        std::size_t nl = text.find('\n', at);
        std::string_view l = trim(text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        // A meta-command starts the line, or follows the statement a `;` ends on it.
        std::size_t slash = l.starts_with('\\') ? 0 : l.find(";\\");
        if (slash == std::string_view::npos) {
            slash = l.find("; \\");
            if (slash != std::string_view::npos) slash += 1;
        }
        if (slash == std::string_view::npos) continue;
        if (l[slash] == ';') ++slash;
        l = trim(l.substr(slash));
        // psql's command names (command.c exec_command: "i" / "include", "ir" / "include_relative", "cd").
        std::size_t end = l.find_first_of(" \t");
        const std::string_view command = l.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1);
        const bool relative = command == "ir" || command == "include_relative";
        if (!relative && command != "i" && command != "include" && command != "cd") continue;
        std::string_view arg = end == std::string_view::npos ? std::string_view() : trim(l.substr(end));
        // One argument, read as psql reads a file name (OT_FILEPIPE: quotes removed).
        if (arg.size() >= 2 && arg.front() == '\'') {
            std::size_t close = arg.find('\'', 1);
            arg = arg.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
        } else {
            arg = arg.substr(0, arg.find_first_of(" \t"));
        }
        const bool computed = arg.empty() || arg.front() == ':' || arg.find('`') != std::string_view::npos || arg.front() == '|';
        // `\cd DIR`: later `\i` names are read from DIR (red team R69 C9). No argument (the home
        // folder), a variable, a command's output, an absolute path or one above the top: unknown.
        if (command == "cd") {
            if (computed || !cwd) {
                cwd.reset();
                continue;
            }
            const ToolDir d = folder_dir("psql", "\\cd", n, *cwd, arg, false);
            if (d.unknown.empty()) cwd = d.folder == "." ? std::string() : d.folder;
            else cwd.reset();
            continue;
        }
        const std::string setting = "\\" + std::string(command);
        if (computed) {
            out.push_back(unknown_dir("psql", setting, n,
                                      "psql includes a file pgfence does not know here (a psql variable, a command's output, or none): "
                                      "what it runs is not seen",
                                      false));
            continue;
        }
        if (!relative && !cwd) {
            ToolDir d = unknown_dir("psql", setting, n,
                                    "psql includes " + std::string(arg) +
                                        " from the folder a \\cd before it changed to, which pgfence does not resolve: what it runs is not seen",
                                    false);
            mark_unresolved_include(d, arg);
            out.push_back(std::move(d));
            continue;
        }
        out.push_back(folder_dir("psql", setting, n, relative ? path_folder(path) : std::string_view(*cwd), arg, false));
    }
    return out;
}

}  // namespace

std::vector<ToolDir> read_psql_includes(std::string_view path, std::string_view text, std::string_view top) {
    std::optional<std::string> cwd{std::string(top)};
    return includes_in(path, text, cwd);
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
    each_meta_command(text, [&](const MetaCommand& m) {
        if (m.name == "cd") (void)includes_in(path, text.substr(m.begin, m.end - m.begin), cwd);
        if (!m.at_start || !is_include_command(m.name)) return true;
        for (const auto& d : includes_in(path, text.substr(m.begin, m.end - m.begin), cwd)) {
            IncludeLine line{m.begin, m.end, {}};
            if (!d.unknown.empty() || (found && !found(d.folder))) {
                line.why = "psql runs the SQL of another file here (" + d.setting + "), which pgfence does not follow: " +
                           (d.unknown.empty() ? "the file it names is not a regular file of the repository reached through no link"
                                              : d.unknown);
            }
            out.push_back(std::move(line));
        }
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

std::string inlined(const std::string& path, std::string_view text, Inlining& in) {
    std::string out = without_psql_meta_commands(text);
    std::vector<std::pair<std::size_t, std::string>> inserts;  // (offset, SQL), in order
    each_meta_command(text, [&](const MetaCommand& m) {
        if (m.name == "cd") (void)includes_in(path, text.substr(m.begin, m.end - m.begin), in.cwd);
        if (!is_include_command(m.name)) {
            in.unfollowed = in.unfollowed || !psql_meta_command_harmless(m.name);
            return true;
        }
        bool done = false;
        auto dirs = m.at_start ? includes_in(path, text.substr(m.begin, m.end - m.begin), in.cwd) : std::vector<ToolDir>();
        if (dirs.size() == 1 && dirs.front().unknown.empty() && in.budget > 0 &&
            std::find(in.chain.begin(), in.chain.end(), dirs.front().folder) == in.chain.end()) {
            const std::string file = dirs.front().folder;
            --in.budget;
            if (auto read = in.read(file)) {
                in.chain.push_back(file);
                inserts.emplace_back(m.begin, "\n" + inlined(file, *read, in) + "\n");
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
    std::string out = inlined(std::string(path), text, in);
    unfollowed = in.unfollowed;
    return out;
}

}  // namespace pgfence::analyze::tools
