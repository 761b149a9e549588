#pragma once
// A settings module read by what it may be, not by what it must not do (issue #53: what pgfence
// cannot see is never clean). The migration tools load a JavaScript or TypeScript settings module
// with require() in the process that then runs the migrations: a knexfile (knex bin/cli.js
// initKnex), .sequelizerc and the configuration it names (sequelize-cli src/core/yargs.js
// loadRCFile, src/helpers/config-helper.js readConfig), node-config's modules, a TypeORM data
// source or ormconfig.js (typeorm src/commands/CommandUtils.ts loadDataSource), .gmrc.js
// (graphile-migrate src/settings.ts). Each round of red teams found one more statement there that
// changed what ran (R77 K2, R78a B5, R78b B3, B6); a list of bad forms never ends. So each
// top-level statement is read only when it is one of a closed set of forms, and anything else is
// unknown at its line:
// - 'use strict'; imports and requires of packages and of relative modules (a relative one is a
//   settings module too, read under the same rule, as far as module_writes follows loads);
//   dotenv's `config()` and `import 'dotenv/config'`;
// - `const/let/var` declarations, writes to the file's own objects and to process.env, exports
//   (`module.exports =`, `exports.x =`, `export default`, `export const`), `new DataSource(...)`,
//   each of settings expressions; `if`, `try` and `for ... of` whose parts are read the same way;
//   function declarations whose bodies are;
// - TypeScript's type-only constructs (import type, interface, type, annotations, as, satisfies).
// A settings expression is a literal, a template, an object or array literal of settings
// expressions (a computed key only a literal), a name bound to one or to a followed module's
// value, process.env.X, __dirname, operators (?? || && ?: comparisons + - ! typeof), and calls of
// pure functions: path's, parseInt, Number, JSON.parse, require.resolve, console's, Math's, string
// and array methods, the file's own functions, and a package's exports other than a database
// driver's or a way to run programs (orm/escapes.hpp driver_module) or to write files. A function
// value is read only under the keys the tools call without SQL consequence: knex's log.debug /
// warn / error / deprecate (knex lib/logger.js calls them with a message) and Sequelize's
// `logging` (sequelize lib/sequelize.js log() calls it with the SQL text); its body under the same
// rule. knex's afterCreate, wrapIdentifier, postProcessResponse, a computed connection are not
// (what they return or run changes the SQL the tool sends).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgfence::analyze::orm {

// The lines of the settings module `text` (at `path` on disk, for following its relative modules)
// that pgfence does not read as settings, each with a printable reason naming `tool` (the tool
// that loads it: "knex", "sequelize-cli", ...). `read`: the files followed, added to.
[[nodiscard]] std::vector<std::pair<int, std::string>> settings_module_unread(std::string_view path, std::string_view text, std::string_view tool,
                                                                              std::vector<std::string>* read = nullptr);

}  // namespace pgfence::analyze::orm
