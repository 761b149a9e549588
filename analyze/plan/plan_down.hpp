#pragma once
// The down() of a script plan's migration (knex, TypeORM, Sequelize, db-migrate, node-pg-migrate):
// what undoes the migration's own statements, so that a rollback (sequelize-cli db:migrate:undo,
// knex migrate:down, typeorm migration:revert) does what the original's down did for them
// instead of nothing (stranger review 86: the plan's `down() {}` dropped codimd's removeIndex).
#include <optional>
#include <string>
#include <vector>

namespace pgfence::analyze::plan_down {

// The statements that undo `units` (a plan step's pieces), last first: an index build's DROP
// INDEX [CONCURRENTLY] IF EXISTS, nothing for SET and RESET. None when a piece is anything else
// (or an index build without a name, or with IF NOT EXISTS, which may have been there before):
// then the plan says its down() is empty.
[[nodiscard]] std::optional<std::vector<std::string>> down_units(const std::vector<std::string>& units);

}  // namespace pgfence::analyze::plan_down
