#pragma once
// TypeORM DataSource options taken from another module (issue #53, red team h2 item 2):
// `new DataSource({ ...dbOptions, migrations: [...] })` with dbOptions imported from
// ./db-options, or `migrationsTableName: MIGRATIONS_TABLE` imported from ./constants. TypeORM
// reads the options the module evaluates to (typeorm src/data-source/DataSource.ts takes the
// options object as given), so a change to that module is a change to the tool's settings, as a
// module a knexfile requires is (bot/tool_settings_surface.hpp).
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/settings_surface.hpp"

namespace pgfence::bot {

// The relative modules of the data source script `text` (at `path`) whose imported bindings are
// used as option values: spread (`...name`) or after a key (`key: name`, `key: name.member`).
// A module imported only for a class list (`entities: [User]`) is not one.
[[nodiscard]] std::vector<analyze::tools::ScriptModule> typeorm_option_modules(std::string_view path, std::string_view text);

}  // namespace pgfence::bot
