#include "analyze/migrations/tool_renames.hpp"

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/folder_tool.hpp"
#include "analyze/migrations/tool_order.hpp"

namespace pgfence::analyze::tools {
namespace {

std::string_view without_extension(std::string_view name) {
    const std::size_t dot = name.rfind('.');
    return dot == std::string_view::npos || dot == 0 ? name : name.substr(0, dot);
}

std::string_view leading_digits(std::string_view name) {
    std::size_t n = 0;
    while (n < name.size() && name[n] >= '0' && name[n] <= '9') ++n;
    return name.substr(0, n);
}

}  // namespace

std::string rename_tool(const std::string& path, const ReadFile& read) {
    std::string tool = tool_of_file(path, read);
    if (!tool.empty()) return tool;
    std::string why;
    return folder_tool(path, read, why);
}

bool tool_reruns_rename(std::string_view old_path, std::string_view new_path, std::string_view tool) {
    const std::string_view old_name = path_name(old_path), new_name = path_name(new_path);
    // node-pg-migrate records the file's name without its extension (salsita/node-pg-migrate
    // src/migration.ts: name = basename(path, extname(path)); src/runner.ts compares the names in
    // pgmigrations), so x.down.sql is a migration named "x.down" and any new name runs again.
    if (tool == "node-pg-migrate") return without_extension(old_name) != without_extension(new_name);
    // knex (knex_migrations.name) and sequelize-cli's umzug (SequelizeMeta.name) record the file name.
    if (tool == "knex" || tool == "sequelize") return old_name != new_name;
    // dbmate keys a migration by the digits its name starts with, as text (amacneil/dbmate
    // pkg/dbmate/migration.go migrationFileRegexp `^(\d+).*\.sql$`; schema_migrations.version is
    // that string), so 020240102000000_x.sql is another migration than 20240102000000_x.sql.
    if (tool == "dbmate") return leading_digits(old_name) != leading_digits(new_name);
    return false;
}

}  // namespace pgfence::analyze::tools
