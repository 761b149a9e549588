#pragma once
// Migrations whose up() is defined in another module: a class that inherits it (`export class
// S extends Base {}`, Base imported: TypeORM's MigrationExecutor calls `instance.up(queryRunner)`,
// the base's), `exports.up = h.up`, `module.exports = { up, down }` with up imported,
// `module.exports = { ...require('./x') }`, `export { up } from './x'` (`export * from './x'`: reexports.hpp).
// The tool runs the other module's up(); pgfence does not read it there, so each is unknown at its
// place (red team R70 F22), never "no migration found".
#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "analyze/orm/js_ast.hpp"
#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::orm {

// Offsets of such exports and classes, with why. `exports_aliases`: names that hold the module's
// exports (`const e = module.exports`), whose `e.up = h.up` is judged as `exports.up = h.up`.
[[nodiscard]] std::vector<std::pair<std::size_t, std::string>> borrowed_up(const std::vector<Token>& tokens,
                                                                         const std::set<std::string, std::less<>>& exports_aliases = {});

// A class the module exports from another (reexports.hpp follows it).
struct ReExport {
    std::size_t at = 0;      // the export's offset
    std::string module;      // the module it is taken from
    std::string remote;      // its name there ("*": every export, "default")
    std::string exported;    // the name this module exports it as
    // A module of the same folder (`./init`): in a migrations folder a barrel, whose modules are
    // read as migrations themselves (not followed from the migration: read twice).
    bool beside = false;
};

// The module's top-level exports of imported names (`export { Base as S }`, `export const W = Base`,
// `export default Base`, `exports.S = Base`, `module.exports = { S: Base }`) and re-exports of other
// modules (`export { X } from`, `export * from`): not the up/down functions borrowed_up() judges,
// not type-only exports.
[[nodiscard]] std::vector<ReExport> reexports(const std::vector<Token>& tokens);

// The module's top-level exports whose value may be a class of another module that reexports()
// does not follow: an imported name inside an expression (`(Base)`, `Base as any`, `<any>Base`,
// `Base!`, `c ? A : B`, `[Base]`, `{ S: Base }` of an ESM object, `export = ...`), a call's result,
// a global, a name assigned elsewhere. TypeORM's loader takes every function a migration file
// exports, and those in exported arrays and objects (typeorm src/util/DirectoryExportedClassesLoader.ts
// importClassesFromDirectories, loadFileClasses): each is unknown at its export, with why
// (red team R72 F1). Classes, functions and literals written in the file are not.
[[nodiscard]] std::vector<std::pair<std::size_t, std::string>> unfollowed_exports(const std::vector<Token>& tokens);

// The first method or function-valued field of a class in `file` whose name is computed
// (`async [u](qr)`, `` [`up`] ``, `[k] = async () => ...`): TypeORM calls the instance's up(),
// which such a name may be, unread (red team R81b B3); nullptr when there is none.
[[nodiscard]] const Node* computed_method(const JsFile& file);

}  // namespace pgfence::analyze::orm
