#include "analyze/go_embedded_migrations.hpp"

#include <fnmatch.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <string_view>
#include <system_error>
#include <vector>

#include "analyze/base/regular_file.hpp"

namespace fs = std::filesystem;

namespace pgfence::analyze {
namespace {

constexpr std::uintmax_t k_go_file_max_bytes = 4 * 1024 * 1024;
constexpr std::size_t k_most_folder_entries = 10000;
constexpr std::size_t k_most_module_entries = 50000;
constexpr int k_most_levels = 64;

struct Embed {
    std::string file;  // the .go file
    int line = 0;
    std::string pattern;
    std::string package;
};

// The package clause's name: the first line that starts with `package `.
std::string package_of(std::string_view text) {
    for (std::size_t at = 0; at < text.size();) {
        std::size_t end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(at, end - at);
        if (line.starts_with("package ")) {
            line.remove_prefix(8);
            std::size_t stop = 0;
            while (stop < line.size() && line[stop] != ' ' && line[stop] != '\t' && line[stop] != '\r' && line[stop] != '/') ++stop;
            return std::string(line.substr(0, stop));
        }
        at = end + 1;
    }
    return "";
}

// The patterns of one `//go:embed` line's rest: space-separated, a "..." or `...` one unquoted
// (escapes in "..." are not decoded: such a pattern matches nothing here, as rarely written).
std::vector<std::string> patterns_of(std::string_view rest) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < rest.size()) {
        while (at < rest.size() && (rest[at] == ' ' || rest[at] == '\t' || rest[at] == '\r')) ++at;
        if (at >= rest.size()) break;
        if (rest[at] == '"' || rest[at] == '`') {
            const char quote = rest[at];
            std::size_t end = rest.find(quote, at + 1);
            if (end == std::string_view::npos) end = rest.size();
            out.emplace_back(rest.substr(at + 1, end - at - 1));
            at = end + 1;
            continue;
        }
        std::size_t end = at;
        while (end < rest.size() && rest[end] != ' ' && rest[end] != '\t' && rest[end] != '\r') ++end;
        out.emplace_back(rest.substr(at, end - at));
        at = end;
    }
    return out;
}

// Whether `pattern` embeds `rel` (the file's path from the package's folder): it matches the path
// or one of its folders (a directory pattern embeds its tree; the files a directory pattern skips,
// names starting with '.' or '_', are not migrations a tool reads either).
bool embeds(std::string pattern, const std::string& rel) {
    if (pattern.starts_with("all:")) pattern.erase(0, 4);
    if (pattern.empty()) return false;
    for (std::size_t slash = rel.find('/'); ; slash = rel.find('/', slash + 1)) {
        const std::string prefix = slash == std::string::npos ? rel : rel.substr(0, slash);
        if (fnmatch(pattern.c_str(), prefix.c_str(), FNM_PATHNAME) == 0) return true;
        if (slash == std::string::npos) return false;
    }
}

// The `//go:embed` patterns of the non-test .go files directly in `folder`: each folder is listed
// and read once per process (every SQL file of a folder asks about the same folders above it: per
// file, that would cost the folder's entries each time, the square of a flat history).
const std::vector<Embed>& folder_embeds(const fs::path& folder) {
    static std::mutex lock;
    static std::map<std::string, std::vector<Embed>> known;
    const std::string key = folder.generic_string();
    {
        std::lock_guard<std::mutex> guard(lock);
        if (auto it = known.find(key); it != known.end()) return it->second;
    }
    std::vector<Embed> out;
    std::error_code ec;
    std::size_t seen = 0;
    for (auto it = fs::directory_iterator(folder, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::directory_iterator() && ++seen <= k_most_folder_entries; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!name.ends_with(".go") || name.ends_with("_test.go")) continue;
        auto text = read_regular_file(it->path().string(), k_go_file_max_bytes, "a Go file");
        if (!text || text->find("//go:embed") == std::string::npos) continue;
        const std::string package = package_of(*text);
        int line = 0;
        for (std::size_t at = 0; at < text->size();) {
            std::size_t end = text->find('\n', at);
            if (end == std::string::npos) end = text->size();
            ++line;
            std::string_view l = std::string_view(*text).substr(at, end - at);
            while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
            if (l.starts_with("//go:embed ") || l.starts_with("//go:embed\t")) {
                for (std::string& p : patterns_of(l.substr(10))) out.push_back({it->path().string(), line, std::move(p), package});
            }
            at = end + 1;
        }
    }
    std::lock_guard<std::mutex> guard(lock);
    return known.emplace(key, std::move(out)).first->second;
}

// Whether `folder` holds a go.mod, and whether it holds .git (the repository's root): asked once
// per folder per process, not once per SQL file under it.
struct FolderMarks {
    bool go_mod = false, git = false;
};
FolderMarks folder_marks(const fs::path& folder) {
    static std::mutex lock;
    static std::map<std::string, FolderMarks> known;
    const std::string key = folder.generic_string();
    {
        std::lock_guard<std::mutex> guard(lock);
        if (auto it = known.find(key); it != known.end()) return it->second;
    }
    std::error_code ec;
    FolderMarks marks{fs::exists(folder / "go.mod", ec), fs::exists(folder / ".git", ec)};
    std::lock_guard<std::mutex> guard(lock);
    known.emplace(key, marks);
    return marks;
}

// The embeds in the non-test .go files directly in `folder` that take `rel`.
std::vector<Embed> embeds_in(const fs::path& folder, const std::string& rel) {
    std::vector<Embed> out;
    for (const Embed& e : folder_embeds(folder)) {
        if (embeds(e.pattern, rel)) out.push_back(e);
    }
    return out;
}

// Whether the module at `root` holds a program (a non-test .go file of package main), nested
// modules left out; past k_most_module_entries entries, not known: false, so it is taken for a
// library (what pgfence cannot prove is no plan). Read once per module.
bool has_program(const fs::path& root) {
    static std::mutex lock;
    static std::map<std::string, bool> known;
    const std::string key = root.generic_string();
    {
        std::lock_guard<std::mutex> guard(lock);
        if (auto it = known.find(key); it != known.end()) return it->second;
    }
    bool program = false;
    std::error_code ec;
    std::size_t seen = 0;
    for (auto walk = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         !ec && walk != fs::recursive_directory_iterator() && !program && ++seen <= k_most_module_entries; walk.increment(ec)) {
        std::error_code e;
        if (walk->is_directory(e)) {
            const std::string name = walk->path().filename().string();
            if (walk->is_symlink(e) || name == "vendor" || name == "testdata" || name.starts_with(".") ||
                fs::exists(walk->path() / "go.mod", e)) {
                walk.disable_recursion_pending();
            }
            continue;
        }
        const std::string name = walk->path().filename().string();
        if (!name.ends_with(".go") || name.ends_with("_test.go")) continue;
        auto text = read_regular_file(walk->path().string(), k_go_file_max_bytes, "a Go file");
        program = text && package_of(*text) == "main";
    }
    std::lock_guard<std::mutex> guard(lock);
    known.emplace(key, program);
    return program;
}


// Whether a folder between `folder` (absolute) and the nearest go.mod holds a `//go:embed` at all:
// where none does (every project without Go, most with it), no SQL file under it is embedded.
bool may_embed(const fs::path& start) {
    fs::path module, folder = start;
    bool any = false;
    for (int level = 0; level < k_most_levels && !folder.empty(); ++level) {
        any = any || !folder_embeds(folder).empty();
        const FolderMarks marks = folder_marks(folder);
        if (marks.go_mod) return any;
        if (folder == folder.parent_path() || marks.git) return false;
        folder = folder.parent_path();
    }
    return false;
}

}  // namespace

std::string embedded_library_decline(const std::string& sql_path) {
    // Asked once per folder as given (the SQL files of a folder share the answer).
    {
        static std::mutex lock;
        static std::map<std::string, bool> known;
        const std::size_t slash = sql_path.rfind('/');
        const std::string key = slash == std::string::npos ? std::string() : sql_path.substr(0, slash);
        std::unique_lock<std::mutex> guard(lock);
        auto it = known.find(key);
        if (it == known.end()) {
            guard.unlock();
            std::error_code e;
            const fs::path start = fs::absolute(fs::path(key.empty() ? "." : key), e).lexically_normal();
            const bool may = !e && may_embed(start);
            guard.lock();
            it = known.emplace(key, may).first;
        }
        if (!it->second) return "";
    }
    std::error_code ec;
    const fs::path file = fs::absolute(fs::path(sql_path), ec).lexically_normal();
    if (ec || !fs::is_regular_file(file, ec)) return "";
    // The folders from the file's up to the nearest go.mod, and the embeds there that take it.
    std::vector<Embed> found;
    fs::path module;
    fs::path folder = file.parent_path();
    for (int level = 0; level < k_most_levels && !folder.empty(); ++level) {
        for (Embed& e : embeds_in(folder, file.lexically_relative(folder).generic_string())) found.push_back(std::move(e));
        const FolderMarks marks = folder_marks(folder);
        if (marks.go_mod) {
            module = folder;
            break;
        }
        // Not above the repository's root: a go.mod there is no module of this repository's.
        if (folder == folder.parent_path() || marks.git) break;
        folder = folder.parent_path();
    }
    if (module.empty() || found.empty()) return "";
    for (const Embed& e : found) {
        if (e.package == "main") return "";
        for (const auto& part : fs::path(e.file).parent_path().lexically_relative(module)) {
            if (part == "cmd") return "";
        }
    }
    if (has_program(module)) return "";
    const Embed& e = found.front();
    // The .go file named as the SQL file's path names it: from the same start.
    const fs::path shown = (fs::path(sql_path).parent_path() / fs::path(e.file).lexically_relative(file.parent_path())).lexically_normal();
    return "these migrations are embedded in a library (" + shown.generic_string() + ":" + std::to_string(e.line) +
           " //go:embed " + e.pattern + ", a package of a module without a main package); a new version would collide with "
           "the library's next release, and the library's own runner applies them (the tool is not known to pgfence, "
           "whatever the file names look like): no plan; change them in the library itself, by hand";
}

}  // namespace pgfence::analyze
