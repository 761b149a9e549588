#pragma once
// Default-deny for the migrators and ORMs a project's own runner script drives, past knex (issue
// #53; tool_runners.cpp knex_uses is knex's): a TypeORM data source, a Sequelize instance and an
// umzug migrator may be used only to run the pending migrations up, as pgfence reads them; any
// other use (a query, `sync`, `getQueryInterface().dropTable`, `undoLastMigration`, a computed
// member, options, handing the object elsewhere) is unknown at its line.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::tools {

// The uses of those objects in a runner's tokens that pgfence does not read, as (1-based line,
// why); one line once, at most 64.
[[nodiscard]] std::vector<std::pair<int, std::string>> orm_runner_uses(std::string_view text, const std::vector<orm::Token>& t);

// Whether the tokens call TypeORM's migrator on an object (`ds.runMigrations(`,
// `ds.undoLastMigration(`): a script that does runs the tool, wherever its data source comes from.
[[nodiscard]] bool calls_typeorm_migrator(const std::vector<orm::Token>& t);

}  // namespace pgfence::analyze::tools
