#pragma once
// The order a set's own tool applies its files in, where it is not the order by version number
// that group_migration_sets gives (migration_order.hpp): knex and dbmate sort by file name as
// text, so 20240101000000_init runs before 3_cleanup, not after it (red team G1 KNEXORDER,
// DBMATEORDER: a 3_cleanup's `CREATE TABLE IF NOT EXISTS orders; TRUNCATE orders` looked like it
// emptied its own new table, while the tool ran it after the migration that made orders).
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/migration_order.hpp"
#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze {

// What a file says of its tool: "dbmate", "goose" (its markers, tool_markers.hpp), "knex",
// "sequelize", "node-pg-migrate" (the settings that name its folder) or "". Asked only of the files
// of a set whose two orders disagree.
using FileTool = std::function<std::string(const std::string& path)>;

struct ToolOrdered {
    MigrationSets sets;
    // One line per set whose order was not known: by number and by name they differ, and no
    // file said its tool (printable).
    std::vector<std::string> assumed;
};

// group_migration_sets, then each set whose files the two orders put differently in the order
// of its tool: by name as text for knex, sequelize and dbmate; by number otherwise, said in
// `assumed` when no file says its tool.
[[nodiscard]] ToolOrdered group_in_tool_order(const std::vector<std::string>& files, const FileTool& tool_of);

// Whether `a` comes before `b` by file name as text (knex, dbmate), for two files of one set.
[[nodiscard]] bool name_before(std::string_view a, std::string_view b);

// What `path` says of its tool, its text and the settings around it read through `read` (paths
// relative to the same root as `path`).
[[nodiscard]] std::string tool_of_file(const std::string& path, const tools::ReadFile& read);

// FileTool for files on disk: a .sql file's first bytes for goose's or dbmate's markers; for a
// script, the knexfile, .sequelizerc or package.json that names its folder.
[[nodiscard]] std::string tool_of_file_on_disk(const std::string& path);

}  // namespace pgfence::analyze
