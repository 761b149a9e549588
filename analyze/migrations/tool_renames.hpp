#pragma once
// Whether a rename makes the migration tool run a migration again (#53, red team H2 NPMDOWNREN,
// DBMATEDOWNREN). migration_identity (migration_order.hpp) compares what most tools record, the
// version as a number; some tools record more of the name, so a rename it calls the same migration
// is a new one to them, and its statements run again as new.
#include <string>
#include <string_view>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

// The tool that runs the file at `path`, as pr and analyze order it: a script's (knex, sequelize),
// a goose or dbmate file's by its markers, else the one the folder's settings name
// (folder_tool.hpp); "" when not known. `read` reads a path relative to the same root.
[[nodiscard]] std::string rename_tool(const std::string& path, const ReadFile& read);

// Whether `tool` records the migration at `old_path` under another key than the one at `new_path`
// (both in one migration set, with one migration_identity): node-pg-migrate, knex and sequelize by
// the file's name, dbmate by its version as text (leading zeros count).
[[nodiscard]] bool tool_reruns_rename(std::string_view old_path, std::string_view new_path, std::string_view tool);

}  // namespace pgfence::analyze::tools
