#include "analyze/migrations/typeorm_glob_files.hpp"

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/tool_dirs_parts.hpp"
#include "analyze/orm/rebinding.hpp"
#include "analyze/migrations/tool_dirs_walk.hpp"
#include "analyze/migrations/tool_runners.hpp"

namespace pgfence::analyze::tools {

std::string typeorm_glob_below(std::string_view glob) {
    const std::string folder = tool_dirs_detail::glob_folder(glob);
    if (folder == glob) return {};
    if (folder == "." && !glob.starts_with("./")) return std::string(glob);
    return std::string(glob.substr(folder.size() + 1));
}

bool typeorm_glob_loads(std::string_view file, std::string_view below) {
    if (below.empty() || !tool_dirs_detail::script_name(path_name(file)) || path_name(file).ends_with(".d.ts")) return true;
    while (file.starts_with("./")) file.remove_prefix(2);
    // Each `**/` (no folder or any) as fnmatch's `*`, which crosses folders: never narrower, also
    // where the glob has several (loaded_by takes them off all at once, or none).
    std::string glob(below);
    for (std::size_t at = glob.find("**/"); at != std::string::npos; at = glob.find("**/", at + 1)) glob.replace(at, 3, "*");
    return loaded_by(file, LoadedGlobs{1, "migrations", {std::move(glob)}, {}});
}

}  // namespace pgfence::analyze::tools
