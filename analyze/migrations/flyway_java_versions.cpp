#include "analyze/migrations/flyway_java_versions.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <system_error>

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

}  // namespace pgfence::analyze::tools
