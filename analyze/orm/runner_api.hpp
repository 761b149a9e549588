#pragma once
// What the ORMs' runner objects do, for the walker (walker.cpp): which calls only read, and what
// a data API the readers do not model sends.
#include <cstddef>
#include <string>

#include "analyze/orm/input_format.hpp"
#include "analyze/orm/js_ast.hpp"

namespace pgfence::analyze::orm {

// A call on the runner through `callee` (a member) that reads the catalog or builds a value,
// sending no SQL that changes anything.
[[nodiscard]] bool reads_only(InputFormat format, const Node& callee);

// Whether `callee` is a method of Knex's migrator or seeder (`knex.migrate.rollback`,
// `knex.seed.run`, ...), which runs other migrations or seed files.
[[nodiscard]] bool knex_migrator_call(const Node& callee);

// What a data API named `m` sends, as a note for its unknown statement ("" when not known).
[[nodiscard]] std::string data_api_hint(const std::string& m);

// Whether `parent` takes its kid `i` as a value: an object's property, an argument of a call
// that does not run promises (then, Promise.all, ...), the right side of an assignment.
[[nodiscard]] bool takes_as_value(const Node& parent, std::size_t i);

// Whether the reference `n` (the runner's name, then members) reads a constant of the ORM, not
// something that can send SQL: TypeORM's database type (`queryRunner.connection.driver.options.type`,
// `.driver.options.type`, `.driver.type`, `.connection.options.type`: a string of the options the
// DataSource was made with, typeorm/src/driver/Driver.ts, data-source/DataSource.ts) and
// Sequelize's `sequelize.QueryTypes` or one of its names (`.SELECT`: strings,
// sequelize/src/query-types.js). Nothing may follow: `.QueryTypes.constructor` is not one.
[[nodiscard]] bool runner_constant(const Node& n);

// Script text for a message: one line, at most 80 characters.
[[nodiscard]] std::string shown(std::string s);

}  // namespace pgfence::analyze::orm
