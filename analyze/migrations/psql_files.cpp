#include "analyze/migrations/psql_files.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/yaml_exec.hpp"

namespace pgfence::analyze::tools {
namespace {

// One command's words, quotes at their ends dropped (`"$DATABASE_URL"`, a package.json script's
// opening and closing quote).
std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
        std::size_t end = text.find_first_of(" \t", i);
        if (end == std::string_view::npos) end = text.size();
        std::string_view w = text.substr(i, end - i);
        // (and a YAML flow list's brackets: `command: ["psql", "-f", "x.sql"]`)
        while (!w.empty() && (w.front() == '"' || w.front() == '\'' || w.front() == '[')) w.remove_prefix(1);
        while (!w.empty() && (w.back() == '"' || w.back() == '\'' || w.back() == ',' || w.back() == ']')) w.remove_suffix(1);
        if (!w.empty()) out.push_back(w);
        i = end;
    }
    return out;
}

bool runs_psql(std::string_view w) { return w == "psql" || w.ends_with("/psql"); }

// A file named by an absolute path (a container's `/app/db/x.sql`, a runner's checkout path) is
// not a repository path: unknown at the line; the repository files it may be (a path the absolute
// one ends with, through `read`) are followed too.
void add_file(std::vector<ToolDir>& out, const std::string& setting, int n, std::string_view base, std::string_view file, const ReadFile& read) {
    if (file.find_first_of("$`*?[{(") != std::string_view::npos) {
        out.push_back(unknown_dir("psql", setting, n,
                                  "the SQL file psql runs here is computed when the line runs, so pgfence does not see which file it is", false));
        return;
    }
    out.push_back(folder_dir("psql", setting, n, base, file, false));
    if (!file.starts_with('/') || !read) return;
    for (std::size_t slash = file.find('/', 1); slash != std::string_view::npos; slash = file.find('/', slash + 1)) {
        const std::string tail(file.substr(slash + 1));
        if (!tail.empty() && read(tail)) out.push_back(folder_dir("psql", setting + " (" + tail + ")", n, "", tail, false));
    }
}

// One shell command line (or an exec-form command joined, yaml_exec.hpp) at line `n`.
void read_line(std::string_view l, int n, std::string_view base, const ReadFile& read, std::vector<ToolDir>& out) {
    bool piped = false;  // the command's standard input is the previous command's output
    while (l.find("psql") != std::string_view::npos && !l.empty()) {
        std::size_t cut = l.find_first_of("&;|");
        std::string_view command = l.substr(0, cut);
        const bool next_piped = cut != std::string_view::npos && l[cut] == '|' && (cut + 1 >= l.size() || l[cut + 1] != '|');
        l = cut == std::string_view::npos ? std::string_view() : l.substr(cut + 1 + (next_piped ? 0 : (cut + 1 < l.size() && l[cut + 1] == l[cut] ? 1 : 0)));
        const bool this_piped = piped;
        piped = next_piped;
        auto w = words(command);
        std::size_t i = 0;
        while (i < w.size() && !runs_psql(w[i])) ++i;
        if (i == w.size()) continue;
        // SQL psql takes from its command line (-c / --command, psql's startup.c 'c') or from
        // a pipe or a here-document: not a file pgfence reads, so unknown at the line.
        bool reads_file = false;
        std::string inline_sql;
        for (std::size_t j = i + 1; j < w.size(); ++j) {
            if (w[j] == "-c" || w[j] == "--command" || w[j].starts_with("--command=") || (w[j].starts_with("-c") && w[j].size() > 2 && w[j][2] != '-')) {
                // A read (a CI job waiting for the server: `psql -c 'SELECT 1'`) changes nothing.
                std::string_view first = w[j].starts_with("--command=") ? w[j].substr(10)
                                         : w[j].size() > 2 && w[j][1] == 'c' ? w[j].substr(2)
                                         : j + 1 < w.size() ? w[j + 1] : std::string_view();
                while (!first.empty() && (first.front() == '"' || first.front() == '\'')) first.remove_prefix(1);
                std::string head;
                for (char c : first.substr(0, 8)) head += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                const bool reads = head.starts_with("select") || head.starts_with("show") || head.starts_with("\\");
                if (!reads) inline_sql = "psql -c";
            } else if (w[j].starts_with("<<")) {
                inline_sql = "psql <<";
            } else if (w[j] == "-f" || w[j] == "--file" || w[j] == "<" || w[j].starts_with("--file=") || w[j].starts_with("-f") ||
                       (w[j].starts_with("<") && !w[j].starts_with("<<"))) {
                reads_file = true;
            }
        }
        if (!inline_sql.empty()) {
            out.push_back(unknown_dir("psql", inline_sql, n,
                                      "psql runs SQL given on its command line or in a here-document, which pgfence does not read as a "
                                      "migration: review it, or move it into a migration file",
                                      false));
        } else if (this_piped && !reads_file) {
            out.push_back(unknown_dir("psql", "| psql", n,
                                      "psql runs the SQL piped into it, which pgfence does not read as a migration: review it, or give "
                                      "psql the file with -f",
                                      false));
        }
        for (std::size_t j = i + 1; j < w.size(); ++j) {
            std::string_view file;
            std::string setting = "psql -f";
            if ((w[j] == "-f" || w[j] == "--file" || w[j] == "<") && j + 1 < w.size()) {
                file = w[j + 1];
                if (w[j] == "<") setting = "psql < FILE";
            } else if (w[j].starts_with("--file=")) {
                file = w[j].substr(7);
            } else if (w[j].starts_with("-f") && w[j].size() > 2 && w[j][2] != '-') {
                file = w[j].substr(2);
            } else if (w[j].starts_with("<") && w[j].size() > 1) {
                file = w[j].substr(1);
                setting = "psql < FILE";
            } else {
                continue;
            }
            if (file == "-") continue;  // standard input itself
            add_file(out, setting, n, base, file, read);
        }
    }
}

bool same_dir(const ToolDir& a, const ToolDir& b) {
    return a.line == b.line && a.setting == b.setting && a.folder == b.folder && a.unknown == b.unknown;
}

}  // namespace

// psql's -f / --file FILENAME reads commands from the file, and standard input redirected from a
// file is read the same way (postgres/postgres src/bin/psql/startup.c parse_psql_options: 'f',
// "file"; process_file); each statement is sent on its own and commits unless -1 /
// --single-transaction wraps the run (startup.c: single_txn).
std::vector<ToolDir> read_psql_files(std::string_view path, std::string_view text, std::string_view base, const ReadFile& read) {
    (void)path;
    std::vector<ToolDir> out;
    if (text.find("psql") == std::string_view::npos) return out;
    int n = 1;
    for (std::size_t at = 0; at <= text.size() && out.size() < 16; ++n) {
        std::size_t nl = text.find('\n', at);
        read_line(text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at), n, base, read, out);
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
    // A YAML file's exec-form commands (a Kubernetes container's command and args, a Cloud Build
    // step's entrypoint and args): the same, when psql is the program they start.
    const std::string_view name = path_name(path);
    if (name.ends_with(".yml") || name.ends_with(".yaml")) {
        for (const auto& c : yaml_exec_commands(text)) {
            if (out.size() >= 16) break;
            auto w = words(c.command);
            if (w.empty() || !runs_psql(w.front())) continue;
            std::vector<ToolDir> more;
            read_line(c.command, c.line, base, read, more);
            for (auto& d : more) {
                if (std::none_of(out.begin(), out.end(), [&](const ToolDir& o) { return same_dir(o, d); })) out.push_back(std::move(d));
            }
        }
    }
    return out;
}

}  // namespace pgfence::analyze::tools
