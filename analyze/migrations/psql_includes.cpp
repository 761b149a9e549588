#include "analyze/migrations/psql_includes.hpp"

#include <string>

#include "analyze/base/path_parts.hpp"
#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze::tools {
namespace {

constexpr std::size_t k_most_includes = 64;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

}  // namespace

bool may_include(std::string_view text) { return text.find("\\i") != std::string_view::npos; }

std::vector<ToolDir> read_psql_includes(std::string_view path, std::string_view text, std::string_view top) {
    std::vector<ToolDir> out;
    if (!may_include(text)) return out;
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
        // psql's command names (command.c exec_command: "i" / "include", "ir" / "include_relative").
        std::size_t end = l.find_first_of(" \t");
        const std::string_view command = l.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1);
        const bool relative = command == "ir" || command == "include_relative";
        if (!relative && command != "i" && command != "include") continue;
        std::string_view arg = end == std::string_view::npos ? std::string_view() : trim(l.substr(end));
        // One argument, read as psql reads a file name (OT_FILEPIPE: quotes removed).
        if (arg.size() >= 2 && arg.front() == '\'') {
            std::size_t close = arg.find('\'', 1);
            arg = arg.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
        } else {
            arg = arg.substr(0, arg.find_first_of(" \t"));
        }
        const std::string setting = "\\" + std::string(command);
        if (arg.empty() || arg.front() == ':' || arg.find('`') != std::string_view::npos || arg.front() == '|') {
            out.push_back(unknown_dir("psql", setting, n,
                                      "psql includes a file pgfence does not know here (a psql variable, a command's output, or none): "
                                      "what it runs is not seen",
                                      false));
            continue;
        }
        out.push_back(folder_dir("psql", setting, n, relative ? path_folder(path) : top, arg, false));
    }
    return out;
}

std::vector<UnfollowedInclude> unfollowed_psql_includes(std::string_view path, std::string_view text, std::string_view top,
                                                        const std::function<bool(const std::string&)>& found) {
    std::vector<UnfollowedInclude> out;
    if (!may_include(text)) return out;
    if (path.starts_with('/')) path.remove_prefix(1);  // an absolute path: every file below the root is inside
    Tokenizer tokens(text);
    Token t;
    bool at_start = true;  // no SQL in psql's query buffer since the last `;`
    while (tokens.next(t) && out.size() < k_most_includes) {
        if (t.is_comment()) continue;
        if (t.kind != TokenKind::Symbol || text[t.begin] != '\\') {
            at_start = t.is_symbol(text, ';');
            continue;
        }
        std::size_t line_end = text.find('\n', t.begin);
        if (line_end == std::string_view::npos) line_end = text.size();
        std::size_t end = line_end;
        while (end > t.begin && (text[end - 1] == '\r' || text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
        if (at_start) {
            for (const auto& d : read_psql_includes(path, text.substr(t.begin, end - t.begin), top)) {
                if (d.unknown.empty() && (!found || found(d.folder))) continue;
                out.push_back(UnfollowedInclude{t.begin, end, "psql runs the SQL of another file here (" + d.setting +
                                                                  "), which pgfence does not follow: " +
                                                                  (d.unknown.empty() ? "the file it names is not a regular file of the "
                                                                                       "repository reached through no link"
                                                                                     : d.unknown)});
            }
        }
        tokens = Tokenizer(text, line_end);
    }
    return out;
}

}  // namespace pgfence::analyze::tools
