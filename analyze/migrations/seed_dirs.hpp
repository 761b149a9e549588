#pragma once
// Seed commands on the command lines pgfence reads (package.json scripts, Makefiles, scripts, CI
// workflows: settings_surface.hpp command_file): `knex seed:run` and sequelize-cli's `db:seed` /
// `db:seed:all` run every file of their seed folder against the database, as a migration tool runs
// its migrations. The folder each reads is a ToolDir of that tool (tool_dirs.hpp), so its files are
// reviewed as that ORM's scripts (an unreadable one is unknown, never skipped). `supabase db push
// --include-seed` runs the SQL files of config.toml's [db.seed] sql_paths (read as psql files; a
// glob is unknown); `prisma db seed` and Rails' db:seed run a program: unknown at the command.
#include <string_view>
#include <vector>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

// The seed folders the seed commands of `text` (the command file at `path`, its commands run in
// `base`) read: the knexfile's seeds.directory (default ./seeds) or .sequelizerc's seeders-path
// (default seeders), read through `read` from `base`; a flag that moves them, or settings pgfence
// cannot read, is unknown at the command's line.
[[nodiscard]] std::vector<ToolDir> read_seed_dirs(std::string_view path, std::string_view text, std::string_view base,
                                                  const ReadFile& read);

}  // namespace pgfence::analyze::tools
