#pragma once
// Migrations whose up() is defined in another module: a class that inherits it (`export class
// S extends Base {}`, Base imported: TypeORM's MigrationExecutor calls `instance.up(queryRunner)`,
// the base's), `exports.up = h.up`, `module.exports = { up, down }` with up imported,
// `module.exports = { ...require('./x') }`, `export { up } from './x'`, `export * from './x'`.
// The tool runs the other module's up(); pgfence does not read it there, so each is unknown at its
// place (red team R70 F22), never "no migration found".
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::orm {

// Offsets of such exports and classes, with why.
[[nodiscard]] std::vector<std::pair<std::size_t, std::string>> borrowed_up(const std::vector<Token>& tokens);

}  // namespace pgfence::analyze::orm
