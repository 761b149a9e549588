#pragma once
// TypeORM's CLI takes its DataSource from the file `-d` (`--dataSource`) names: it imports that
// file and uses the DataSource it exports (typeorm/typeorm src/commands/CommandUtils.ts
// loadDataSource, through src/util/ImportUtils.ts importOrRequireFile). The DataSource's
// `migrations` decide what runs, so the file is followed here: its own `new DataSource({...})`, or
// the modules it imports, two deep. When no DataSource whose migrations pgfence reads is found (a
// factory, options spread from another module, the environment), the script line is unknown.
#include <optional>
#include <string_view>
#include <vector>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

// The data source a typeorm command in the package.json line `l` (at `line` of `package_path`)
// names with -d/--dataSource: a pending ToolDir (data_source set to the file, relative to the
// repository), or an unknown one when the value is computed; nullopt when the line runs no typeorm
// command with that flag.
[[nodiscard]] std::optional<ToolDir> typeorm_cli_data_source(std::string_view package_path, int line, std::string_view l);

// The folders `pending`'s data source file names, each at the script's line; an unknown entry at
// that line when the file cannot be read or builds no DataSource whose migrations pgfence reads.
[[nodiscard]] std::vector<ToolDir> resolve_data_source(const ToolDir& pending, const ReadFile& read);

}  // namespace pgfence::analyze::tools

namespace pgfence::analyze::tools {

// Whether every DataSource `text` builds is `new DataSource(options)` inside @nestjs/typeorm's
// `dataSourceFactory: (options) => ...` (the Nest app module's TypeOrmModule.forRootAsync), with
// no `migrationsRun` or `runMigrations` in the file. TypeORM's CLI loads only the file -d names and
// takes the DataSource instance it exports (CommandUtils.loadDataSource); this one exports none,
// and the factory runs in the application, which migrates only where migrationsRun is set (read
// where its options are written: schema_sync.hpp) or runMigrations is called (tool_runners.hpp).
[[nodiscard]] bool nest_factory_data_source(std::string_view text);

}  // namespace pgfence::analyze::tools
