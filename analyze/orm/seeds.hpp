#pragma once
// Knex seed files (`exports.seed = async function (knex) {...}`): knex seed:run loads each file of
// its seed folder and calls its seed(knex) (knex/knex lib/migrations/seed/Seeder.js
// _validateSeedStructure, _waterfallBatch), as the migrator calls a migration's up(knex). A seed
// file is read as a Knex migration whose up() is its seed().
#include "analyze/orm/js_ast.hpp"

namespace pgfence::analyze::orm {

// When `file` defines no up() or down() and defines a seed(): that seed() is renamed up (read as
// what the tool runs); whether it did.
bool seed_as_up(JsFile& file);

}  // namespace pgfence::analyze::orm
