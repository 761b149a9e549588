#include "analyze/flyway_locations.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analyze/migrations/conventions.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/base/regular_file.hpp"
#include "analyze/migrations/flyway_settings.hpp"

namespace pgfence::analyze::tools {

namespace fs = std::filesystem;

std::vector<std::string> add_flyway_locations(std::vector<std::string>& files, const AnalyzeOptions& options,
                                              std::vector<std::string>* folders_out) {
    std::vector<std::string> read;
    if (std::none_of(files.begin(), files.end(), [](const std::string& f) { return flyway_name(path_name(f)); })) return read;
    std::vector<std::string> folders;
    std::vector<std::string> suffixes;  // flyway.sqlMigrationSuffixes beyond .sql
    for (std::string_view name : flyway_settings_names()) {
        for (const std::string& path : {std::string(name), "conf/" + std::string(name)}) {
            std::error_code ec;
            if (fs::is_symlink(path, ec) || !fs::is_regular_file(path, ec)) continue;
            if (!options.confine_to.empty() && !path_inside(path, options.confine_to)) continue;
            auto text = read_regular_file(path, options.max_file_bytes, "a Flyway settings file");
            if (!text) continue;
            read.push_back(path);
            const FlywaySettings settings = read_flyway_settings(name, *text);
            suffixes.insert(suffixes.end(), settings.migration_suffixes.begin(), settings.migration_suffixes.end());
            for (const auto& location : settings.locations) {
                std::string folder = location_folder(path, location);
                if (!folder.empty() && fs::is_directory(folder, ec) && !fs::is_symlink(folder, ec)) folders.push_back(folder);
            }
        }
    }
    if (folders.empty()) return read;
    if (folders_out != nullptr) folders_out->insert(folders_out->end(), folders.begin(), folders.end());
    std::vector<Error> ignored;
    std::set<std::string> have;
    for (const auto& f : files) have.insert(fs::path(f).lexically_normal().generic_string());
    for (auto& f : expand_inputs(folders, ignored, options.input_format)) {
        if (have.insert(fs::path(f).lexically_normal().generic_string()).second) files.push_back(std::move(f));
    }
    // The files the suffixes make migrations (V2__x.pgsql), which a folder's expansion leaves out.
    for (const auto& folder : suffixes.empty() ? std::vector<std::string>{} : folders) {
        std::error_code ec;
        for (auto it = fs::recursive_directory_iterator(folder, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
            const std::string name = it->path().filename().string();
            if (!flyway_name_with_suffix(name)) continue;
            std::string lowered = name;
            for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            const bool wanted = std::any_of(suffixes.begin(), suffixes.end(), [&](const std::string& x) { return x == "*" || lowered.ends_with(x); });
            if (wanted && have.insert(it->path().lexically_normal().generic_string()).second) files.push_back(it->path().string());
        }
    }
    std::sort(files.begin(), files.end());
    return read;
}

}  // namespace pgfence::analyze::tools
