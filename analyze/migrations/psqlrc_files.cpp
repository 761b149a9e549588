#include "analyze/migrations/psqlrc_files.hpp"
#include "analyze/migrations/tool_dirs_parts.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/settings_surface.hpp"

namespace pgfence::analyze::tools {
namespace {

constexpr std::string_view k_name = "PSQLRC";

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// The value at the start of `s`: a quoted string to its quote, else to the first blank (a shell's
// `PSQLRC=x psql`, a Dockerfile's ENV) or to the line's end (YAML, JSON), a comment cut off.
std::string value_at(std::string_view s, bool to_blank) {
    if (to_blank && (s.empty() || s.front() == ' ' || s.front() == '\t')) return {};  // `PSQLRC= psql`: empty
    s = trim(s);
    if (!s.empty() && (s.front() == '"' || s.front() == '\'')) {
        const std::size_t end = s.find(s.front(), 1);
        return std::string(s.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1));
    }
    std::size_t end = to_blank ? s.find_first_of(" \t;") : s.find(" #");
    if (end == std::string_view::npos) end = s.size();
    s = trim(s.substr(0, end));
    while (!s.empty() && (s.back() == ',' || s.back() == '}' || s.back() == ']' || s.back() == '"' || s.back() == '\'')) s.remove_suffix(1);
    return std::string(s);
}

// What a value names below the folder its command runs in: `$PWD/x`, `$(pwd)/x` are x there; a
// workflow's `${{ github.workspace }}/x` (or $GITHUB_WORKSPACE, GitLab's $CI_PROJECT_DIR) is x at
// the checkout's top. `top` is set for those.
std::string_view without_run_folder(std::string_view v, bool& top) {
    top = false;
    for (std::string_view p : {"$PWD/", "${PWD}/", "$(pwd)/", "`pwd`/"}) {
        if (v.starts_with(p)) return v.substr(p.size());
    }
    for (std::string_view p : {"$GITHUB_WORKSPACE/", "${GITHUB_WORKSPACE}/", "$CI_PROJECT_DIR/", "${CI_PROJECT_DIR}/"}) {
        if (v.starts_with(p)) {
            top = true;
            return v.substr(p.size());
        }
    }
    if (v.starts_with("${{")) {
        const std::size_t close = v.find("}}");
        std::string inner(close == std::string_view::npos ? std::string_view() : trim(v.substr(3, close - 3)));
        if (inner == "github.workspace" && v.substr(close + 2).starts_with('/')) {
            top = true;
            return v.substr(close + 3);
        }
    }
    return v;
}

struct Reading {
    const std::vector<std::string_view>& bases;
    const ReadFile& read;
    std::vector<ToolDir>& out;
};

void add(Reading& r, ToolDir d) {
    const bool have = std::any_of(r.out.begin(), r.out.end(), [&](const ToolDir& o) {
        return o.line == d.line && o.setting == d.setting && o.folder == d.folder && o.unknown == d.unknown;
    });
    if (!have) r.out.push_back(std::move(d));
}

// The file and its version-specific names, followed as files psql runs.
void add_file(Reading& r, int n, const std::string& file) {
    add(r, folder_dir("psql", "PSQLRC", n, "", file, false));
    ToolDir versions = folder_dir("psql", "PSQLRC (version-specific name)", n, "", file, false);
    versions.folder = psqlrc_versions(file);
    add(r, std::move(versions));
}

using tool_dirs_detail::printable;

void add_unresolved(Reading& r, int n, std::string_view raw, std::string why) {
    ToolDir d = unknown_dir("psql", "PSQLRC", n,
                            "psql runs the start-up file PSQLRC names (" + printable(raw) + ") before every file it is given, and " + why,
                            false);
    d.loads_unread = "a PSQLRC setting of the project names a psql start-up file pgfence cannot resolve, which psql runs before every file "
                     "it is given, and psql runs a file of any name: this file may be it, which pgfence does not read as one: review it";
    d.folder = "**";
    add(r, std::move(d));
}

void add_value(Reading& r, int n, std::string_view raw) {
    const std::string_view v = trim(raw);
    // psql ignores an empty PSQLRC (then ~/.psqlrc: session_setup.cpp), and /dev/null runs nothing.
    if (v.empty() || v == "/dev/null") return;
    bool top = false;
    const std::string_view rest = without_run_folder(v, top);
    if (rest.starts_with('~') || rest.find_first_of("$`{}()*?[\\") != std::string_view::npos) {
        add_unresolved(r, n, v, "pgfence cannot resolve that value (another variable, a command's output, the home folder)");
        return;
    }
    if (rest.starts_with('/')) {
        // An absolute path (inside a container, on a runner): the repository files whose path it
        // ends with are it, and any file of its name may be (as psql_files.cpp reads `-f /app/x.sql`).
        bool found = false;
        for (std::size_t slash = rest.find('/', 1); slash != std::string_view::npos && r.read; slash = rest.find('/', slash + 1)) {
            const std::string tail(rest.substr(slash + 1));
            if (tail.empty() || !r.read(tail)) continue;
            add_file(r, n, tail);
            found = true;
        }
        if (!found) {
            add_unresolved(r, n, v, "that absolute path ends in no repository file's path");
            return;
        }
        ToolDir d = unknown_dir("psql", "PSQLRC", n, "PSQLRC names " + printable(rest) + ", outside the repository", false);
        d.loads_unread = "a PSQLRC setting of the project names a psql start-up file by an absolute path (in a container or on a server), and this "
                         "file of the same name may be the one psql runs before every file it is given: review it";
        d.folder = "**/" + std::string(path_name(rest));
        add(r, std::move(d));
        return;
    }
    std::vector<std::string_view> bases = top ? std::vector<std::string_view>{""} : r.bases;
    for (std::string_view base : bases) {
        const ToolDir d = folder_dir("psql", "PSQLRC", n, base, rest, false);
        if (!d.unknown.empty() || d.folder.empty() || d.folder == ".") {
            add_unresolved(r, n, v, "it names no file of the repository (" + printable(d.unknown) + ")");
            continue;
        }
        add_file(r, n, d.folder);
    }
}

}  // namespace

std::string psqlrc_versions(std::string_view file) { return std::string(file) + "-[0-9]*"; }

std::vector<ToolDir> read_psqlrc_files(std::string_view path, std::string_view text, const ReadFile& read) {
    std::vector<ToolDir> out;
    if (text.find(k_name) == std::string_view::npos) return out;
    // The folders psql_files.hpp reads a command file's `-f` from (tool_dirs.cpp read_tool_dirs).
    const std::string_view name = path_name(path), folder = path_folder(path);
    const bool commands = command_file(path) || name == "package.json";
    std::vector<std::string_view> bases;
    if (commands && (name == "package.json" || !runs_from_top(path) || folder.empty() || name.ends_with(".sh") || name.ends_with(".bash"))) {
        bases.push_back(folder);
    }
    if (!commands || (name != "package.json" && runs_from_top(path) && !folder.empty())) bases.push_back("");
    if (!commands && !folder.empty()) bases.push_back(folder);
    Reading r{bases, read, out};
    std::vector<std::string_view> lines;
    for (std::size_t at = 0; at <= text.size();) {
        const std::size_t nl = text.find('\n', at);
        lines.push_back(text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    }
    for (std::size_t k = 0; k < lines.size() && out.size() < 64; ++k) {
        const std::string_view l = lines[k];
        const std::string_view body = trim(l);
        if (body.starts_with('#') || body.starts_with("//")) continue;
        const int n = static_cast<int>(k) + 1;
        for (std::size_t at = l.find(k_name); at != std::string_view::npos; at = l.find(k_name, at + 1)) {
            const std::size_t end = at + k_name.size();
            if ((at > 0 && name_char(l[at - 1])) || (end < l.size() && name_char(l[end]))) continue;
            // A reference ($PSQLRC, ${PSQLRC}, %PSQLRC%) or an unset (unset PSQLRC, env -u PSQLRC) sets nothing.
            const std::string_view before = trim(l.substr(0, at));
            if (before.ends_with('$') || before.ends_with("${") || before.ends_with('%') || before.ends_with("unset") || before.ends_with("-u") ||
                before.ends_with("--unset=")) {
                continue;
            }
            std::size_t i = end;
            while (i < l.size() && (l[i] == '"' || l[i] == '\'' || l[i] == ']')) ++i;
            const std::size_t blank = i;
            while (i < l.size() && (l[i] == ' ' || l[i] == '\t')) ++i;
            if (i < l.size() && l[i] == '=' && (i + 1 >= l.size() || l[i + 1] != '=')) {
                // PSQLRC=x (shell, ENV, .env, a compose list), os.environ['PSQLRC'] = "x".
                add_value(r, n, value_at(l.substr(i + 1), i == blank));
            } else if (i < l.size() && l[i] == ':' && (i + 1 >= l.size() || l[i + 1] == ' ' || l[i + 1] == '\t' || l[i + 1] == '"' || l[i + 1] == '\'')) {
                add_value(r, n, value_at(l.substr(i + 1), false));  // PSQLRC: x (a workflow's, compose's env map; JSON)
            } else if (before.find("name") != std::string_view::npos) {
                // A Kubernetes container's `- name: PSQLRC` with `value:` beside or below it, ECS's {"name", "value"}.
                bool read_value = false;
                for (std::size_t m = k; m < lines.size() && m <= k + 4 && !read_value; ++m) {
                    const std::string_view s = m == k ? l.substr(end) : trim(lines[m]);
                    if (m > k && (s.starts_with('-') || s.find("name") != std::string_view::npos)) break;
                    const std::size_t v = s.find("value");
                    if (v == std::string_view::npos || (v > 0 && name_char(s[v - 1]))) continue;
                    std::size_t j = v + 5;
                    if (s.substr(j).starts_with("From")) {
                        add_unresolved(r, static_cast<int>(m) + 1, "valueFrom", "its value comes from a secret or a config map");
                    } else {
                        while (j < s.size() && (s[j] == '"' || s[j] == '\'' || s[j] == ' ' || s[j] == '\t')) ++j;
                        if (j >= s.size() || s[j] != ':') continue;
                        add_value(r, static_cast<int>(m) + 1, value_at(s.substr(j + 1), false));
                    }
                    read_value = true;
                }
                if (!read_value) add_unresolved(r, n, body, "pgfence does not read its value");
            } else if ((body.starts_with("ENV ") || before.ends_with("setenv")) && i > blank && i < l.size()) {
                add_value(r, n, value_at(l.substr(i), true));  // a Dockerfile's older `ENV PSQLRC value`, csh's setenv
            } else if (i > end && i < l.size() && l[i] == ',') {
                // A call that sets it to its next argument (`os.Setenv("PSQLRC", v)`, `os.environ.setdefault`).
                add_unresolved(r, n, body, "pgfence does not read the value that line gives it");
            }
            // Otherwise a name that is read or written about (`getenv("PSQLRC")`, `env.PSQLRC`, `echo PSQLRC is ...`).
        }
    }
    return out;
}

}  // namespace pgfence::analyze::tools
