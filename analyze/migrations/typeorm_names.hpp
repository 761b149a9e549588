#pragma once
// The name TypeORM records a migration class by (issue #53, red team I1 TYCLASS/TYNAME).
// typeorm/typeorm src/migration/MigrationExecutor.ts getMigrations takes `migration.name ??
// migration.constructor.name` (`||` before 1.0) of each instance
// (src/connection/ConnectionMetadataBuilder.ts buildMigrations: `new migrationClass()`), so the
// name is decided, in this order, by:
// - the instance's `name`: a class field (`name = "X"`), a getter (`get name() { return "X" }`),
//   the constructor (`this.name = ...`, `Object.assign(this, { name })`, a call given `this`), a
//   base class (`extends`), anything that writes the prototype (`X.prototype.name`,
//   `Object.defineProperty`), a decorator that replaces the class;
// - else the class's own name: a `static name`, else the class name, else the name JavaScript
//   infers for an anonymous class expression (`const M = class {}`: "M"; `export default class`:
//   "default"; `module.exports = class {}`: none).
// What pgfence reads as a constant is the name; anything else leaves it unknown, with the line.
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

struct TypeormName {
    std::string class_name;  // as declared; for an anonymous class expression, the name inferred ("" when none)
    std::string name;        // what TypeORM records (meaningful when `unknown` is empty)
    int line = 1;            // the line that decides it (or that pgfence cannot read)
    std::string unknown;     // non-empty: why the name is not known, printable
};

// Each class of a TypeORM migration script `text`, in order.
[[nodiscard]] std::vector<TypeormName> typeorm_migration_names(std::string_view text);

}  // namespace pgfence::analyze::tools
