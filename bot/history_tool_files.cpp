#include "bot/history_tool_files.hpp"

#include <string_view>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/tool_order.hpp"
#include "analyze/migrations/folder_tool.hpp"

namespace pgfence::bot {

namespace {

bool loaded_by_knex(std::string_view name) {
    for (std::string_view ext : {".co", ".coffee", ".eg", ".iced", ".js", ".cjs", ".mjs", ".litcoffee", ".ls", ".ts"}) {
        if (name.ends_with(ext)) return true;
    }
    return false;
}

bool loaded_by_sequelize(std::string_view name) {
    if (name.ends_with(".d.ts")) return false;
    for (std::string_view ext : {".js", ".cjs", ".cts", ".ts"}) {
        if (name.ends_with(ext)) return true;
    }
    return false;
}

std::string join(std::string_view dir, std::string_view file) {
    return dir.empty() ? std::string(file) : std::string(dir) + "/" + std::string(file);
}

}  // namespace

std::string tool_never_loads(const std::string& path, const analyze::tools::ReadFile& read,
                             std::map<std::string, FolderTools>& folders) {
    const std::string_view name = analyze::path_name(path);
    const std::string folder(analyze::path_folder(path));
    auto known = folders.find(folder);
    if (known == folders.end()) {
        FolderTools t;
        // The script tool that runs this folder, as a script of it would be told (a knexfile's
        // migrations.directory, .sequelizerc's migrations-path).
        t.script_tool = analyze::tool_of_file(join(folder, "pgfence-probe.js"), read);
        // node-pg-migrate's folder above this one: it reads no subfolder (with use-glob the
        // folder is not said to be its own, and nothing is left out).
        std::string why;
        if (analyze::tools::folder_tool(join(folder, "pgfence-probe.sql"), read, why) != "node-pg-migrate") {
            std::string_view dir = folder;
            for (int up = 0; up < 5 && !dir.empty(); ++up) {
                dir = analyze::path_folder(dir);
                std::string said;
                if (analyze::tools::folder_tool(join(dir, "pgfence-probe.sql"), read, said) == "node-pg-migrate") {
                    t.skipped_by = "node-pg-migrate reads only the files directly in its folder " + std::string(dir.empty() ? "." : dir);
                    break;
                }
            }
        }
        known = folders.emplace(folder, std::move(t)).first;
    }
    const FolderTools& t = known->second;
    if (t.script_tool == "knex" && !loaded_by_knex(name)) return "knex loads only scripts from its migrations folder";
    if (t.script_tool == "sequelize" && !loaded_by_sequelize(name)) return "sequelize-cli loads only scripts from its migrations folder";
    return t.skipped_by;
}

}  // namespace pgfence::bot
