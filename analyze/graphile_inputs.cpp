#include "analyze/graphile_inputs.hpp"

#include <filesystem>
#include <algorithm>
#include <set>

#include "analyze/base/regular_file.hpp"

namespace pgfence::analyze::tools {

namespace fs = std::filesystem;

std::vector<GraphileProject> read_graphile_projects(const std::vector<std::string>& inputs, const AnalyzeOptions& options,
                                                    std::vector<FileReport>& unknown) {
    std::vector<GraphileProject> out;
    std::vector<std::string> folders = {""};
    std::error_code ec;
    for (const auto& in : inputs) {
        if (in != "-" && fs::is_directory(in, ec) && !fs::is_symlink(in, ec)) folders.push_back(in);
    }
    std::set<std::string> seen;
    for (const auto& folder : folders) {
        if (!seen.insert(fs::absolute(folder.empty() ? "." : folder, ec).lexically_normal().generic_string()).second) continue;
        for (std::string_view name : {".gmrc", ".gmrc.js", ".gmrc.cjs"}) {
            const std::string path = folder.empty() ? std::string(name) : (fs::path(folder) / name).generic_string();
            if (!fs::exists(fs::symlink_status(path, ec))) continue;
            if (!options.confine_to.empty() && !path_inside(path, options.confine_to)) break;
            // A link, or a file past the limit, is still the settings graphile-migrate reads: unknown.
            auto text = fs::is_symlink(path, ec) ? Result<std::string>(Error{"a link", path, std::nullopt})
                                                 : read_regular_file(path, std::min<std::uint64_t>(options.max_file_bytes, k_config_max_bytes),
                                                                     "a graphile-migrate settings file");
            GraphileSettings settings;
            if (text) {
                settings = read_graphile_settings(name, *text);
            } else {
                settings.computed = true;
                settings.unknown.push_back(GraphileUnknown{1, std::string(name) + " is " + (fs::is_symlink(path, ec) ? "a link" : "not read (" + text.error().message + ")") +
                                                                  ": graphile-migrate's actions and placeholders there are unknown"});
            }
            std::vector<SettingUnknown> lines;
            for (auto& u : settings.unknown) lines.push_back(SettingUnknown{u.line, std::move(u.why), "graphile-migrate setting"});
            if (!lines.empty()) unknown.push_back(analyze_tool_settings(path, {}, options, text ? std::string_view(*text) : std::string_view(), lines));
            out.push_back(graphile_project(path, settings));
            break;  // the first one graphile-migrate finds
        }
    }
    return out;
}

}  // namespace pgfence::analyze::tools
