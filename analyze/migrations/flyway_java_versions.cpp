#include "analyze/migrations/flyway_java_versions.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <regex>
#include <system_error>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/conventions.hpp"

namespace pgfence::analyze::tools {
namespace {

// A source tree is thousands of files; a walk past this many entries stops (what it found
// stands).
constexpr std::size_t k_most_entries = 50000;
constexpr std::uintmax_t k_most_bytes = 256 * 1024;

bool digit(char c) { return c >= '0' && c <= '9'; }

// `V44_1__X` (the class name without its extension): "44.1", or "" when it is not one.
std::string version_of_name(std::string_view stem) {
    if (stem.size() < 4 || stem[0] != 'V' || !digit(stem[1])) return {};
    std::size_t sep = stem.find("__");
    if (sep == std::string_view::npos) return {};
    std::string out;
    for (std::size_t i = 1; i < sep; ++i) {
        if (digit(stem[i])) out += stem[i];
        else if (stem[i] == '_' || stem[i] == '.') out += '.';
        else return {};
    }
    return out;
}

std::vector<std::string> read_versions(const std::string& root) {
    std::vector<std::string> out;
    static const std::regex k_from_version(R"re(MigrationVersion\s*\.\s*fromVersion\s*\(\s*"([0-9][0-9._]*)"\s*\))re");
    std::size_t entries = 0;
    for (const char* language : {"java", "kotlin"}) {
        std::error_code ec;
        std::filesystem::recursive_directory_iterator it(root + language, std::filesystem::directory_options::none, ec);
        for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
            if (++entries > k_most_entries) return out;
            std::error_code kind;
            if (!it->is_regular_file(kind) || it->is_symlink(kind)) continue;
            const std::filesystem::path& file = it->path();
            const std::string ext = file.extension().string();
            if (ext != ".java" && ext != ".kt") continue;
            const std::string stem = file.stem().string();
            const std::string name = file.filename().string();
            if (std::string v = version_of_name(stem); !v.empty()) {
                out.push_back("V" + v + "__java_" + name);
                continue;
            }
            // A class that says its version in code: only those naming Flyway's Java migration types.
            if (stem.empty() || stem[0] != 'V' || it->file_size(kind) > k_most_bytes || kind) continue;
            std::ifstream in(file, std::ios::binary);
            std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (text.find("JavaMigration") == std::string::npos) continue;
            for (std::sregex_iterator m(text.begin(), text.end(), k_from_version), end; m != end; ++m) {
                std::string v = (*m)[1].str();
                for (char& c : v) c = c == '_' ? '.' : c;
                out.push_back("V" + v + "__java_" + name);
            }
        }
    }
    return out;
}

// Every V<version>__*.sql below `root` (lexically normal, sorted).
std::vector<std::string> flyway_files_under(const std::filesystem::path& root) {
    std::vector<std::string> files;
    std::error_code ec;
    std::size_t entries = 0;
    std::filesystem::recursive_directory_iterator it(root, std::filesystem::directory_options::skip_permission_denied, ec);
    for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (++entries > k_most_entries) break;
        std::error_code kind;
        const std::string name = it->path().filename().string();
        if (it->is_symlink(kind)) {
            continue;
        }
        if (it->is_directory(kind)) {
            if (name == ".git" || name == "node_modules" || name == "target" || name == "build") it.disable_recursion_pending();
            continue;
        }
        if (name.size() < 5 || (name[0] != 'V' && name[0] != 'v') || !digit(name[1]) || !flyway_name(name)) continue;
        if (!it->is_regular_file(kind)) continue;
        files.push_back(it->path().lexically_normal().generic_string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

std::vector<std::string> flyway_java_versions(std::string_view sql_path) {
    const std::string path(sql_path);
    const std::string marker = "src/main/resources/";
    std::size_t at = path.rfind(marker);
    if (at == std::string::npos) return {};
    const std::string root = path.substr(0, at) + "src/main/";
    // Read each time (a plan of several migrations asks once): a long-running `pgfence serve`
    // must not keep what an earlier checkout held.
    return read_versions(root);
}

FlywayOtherLocations flyway_other_locations(std::string_view sql_path) {
    FlywayOtherLocations out;
    std::error_code ec;
    const std::filesystem::path file = std::filesystem::absolute(std::filesystem::path(std::string(sql_path)), ec).lexically_normal();
    if (ec) return out;
    const std::filesystem::path own = file.parent_path();
    const std::string text = file.generic_string();
    const std::string marker = "/src/main/resources/";
    std::filesystem::path root;
    if (std::size_t at = text.rfind(marker); at != std::string::npos) {
        root = std::filesystem::path(text.substr(0, at + marker.size() - 1));
    } else {
        // Not above a repository's top (the file's folder is the checkout), nor a folder right
        // under the file system's top (/tmp, /home): another project's files are not this one's.
        std::error_code git;
        if (std::filesystem::exists(own / ".git", git)) return out;
        root = own.parent_path();
        if (root.parent_path() == root.root_path()) return out;
    }
    if (root.empty() || root == root.root_path() || root == own) return out;
    out.root = root.generic_string();
    // Each multi-migration plan of a set asks: the walk is kept a few seconds per thread (a long
    // `pgfence serve` reads a later checkout again).
    struct Kept {
        std::chrono::steady_clock::time_point when;
        std::vector<std::string> files;
    };
    thread_local std::unordered_map<std::string, Kept> kept;
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::string> all;
    if (auto k = kept.find(out.root); k != kept.end() && now - k->second.when < std::chrono::seconds(10)) {
        all = k->second.files;
    } else {
        all = flyway_files_under(root);
        if (kept.size() > 64) kept.clear();
        kept.insert_or_assign(out.root, Kept{now, all});
    }
    const std::string own_text = own.generic_string();
    for (auto& f : all) {
        if (path_folder(f) != own_text) out.files.push_back(std::move(f));
    }
    return out;
}

}  // namespace pgfence::analyze::tools
