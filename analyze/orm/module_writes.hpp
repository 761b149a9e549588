#pragma once
// Writes to values other modules hold (red team R77 K1-K4). Node loads each module once per
// process and hands every require() of it the same object, so a write to it anywhere in the
// process changes what each user of it calls: the knexfile, every migration (knex requires all of
// them before it runs any up(), knex/lib/migrations/migrate/Migrator.js _listAll, then
// _waterfallBatch), the local modules those load, and the tool itself (`Client.prototype.raw =`).
// pgfence reads an up() and the helpers it calls as their files spell them; a write to another
// module's value from any of those files makes that reading not what runs, so each is unknown at
// its place, whatever the names involved: the rule keys on the write's target, not on patterns.
#include <cstddef>
#include <functional>
#include <set>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::orm {

// Offsets, with why, of each write to a value the script does not own:
// - a member write (`=`, `+=`, `++`, `delete`, a destructuring or `for (... of)` target) through a
//   member chain of any length whose base is `require(...)`/`import(...)`, a name bound to what
//   the script imports or to a value computed from one (`const { Client } = require("knex")`,
//   `const p = Client.prototype`), a call's result or a parenthesised expression, or a global
//   (`JSON`, `Promise`, `globalThis`, ...);
// - any member write through `.prototype` or `__proto__`, whatever its base;
// - `Object.assign/defineProperty/defineProperties/setPrototypeOf` and `Reflect.set/
//   defineProperty/setPrototypeOf/deleteProperty` on such a value.
// Writes to the module's own exports (`exports.up =`, hidden_export_writes), to `this.x` and to
// the script's own objects (`const o = {}; o.x = 1`) are not among them; `process.env.X =` is
// reach.cpp's.
[[nodiscard]] std::vector<std::pair<std::size_t, std::string>> module_writes(const std::vector<Token>& tokens);

// The loads of 'pg' (their specifiers' token indices) that bind a name used only in
// node-postgres's `pg.defaults.ssl = ...` and `types.setTypeParser(...)` idioms (connection and
// result parsing, never SQL text): a configuration module may hold these and stay read.
[[nodiscard]] std::set<std::size_t> pg_idiom_loads(const std::vector<Token>& tokens);

// The repository modules the script at `path` loads (`require('./x')`, `import './x'`, `import x
// from './x'`, `import('./x')`), whose top-level code runs in the same process as the script's:
// for each load whose module, or a module it loads in turn (to a depth), has a module_writes()
// write, or that cannot be followed (a bare `require('./x')` that resolves to no file, past
// pgfence's limits), (offset of the load in the script, why). The files read are added to `read`.
// With `drivers`, a loaded module that imports a database driver or a way to run programs
// (escapes.hpp driver_module, less the tools' own packages and pg_idiom_loads) counts as well: in a
// settings script's process it runs before any migration (red team R79 B14).
[[nodiscard]] std::vector<std::pair<std::size_t, std::string>> loaded_module_writes(std::string_view path, const std::vector<Token>& tokens,
                                                                                    std::vector<std::string>& read, bool drivers = false);

// loaded_module_writes for many scripts of one process (a TypeORM data source's entities): one
// loader, so each module they load is read once and the limits are the set's, far wider than one
// migration's (the work stays linear in the modules read).
class SharedLoads {
public:
    SharedLoads();
    ~SharedLoads();
    SharedLoads(const SharedLoads&) = delete;
    SharedLoads& operator=(const SharedLoads&) = delete;
    [[nodiscard]] std::vector<std::pair<std::size_t, std::string>> writes(std::string_view path, const std::vector<Token>& tokens);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

// A module the tokens load by a constant name: `require('x')`, `module.require('x')`, a require
// made by createRequire, `import 'x'`, `import ... from 'x'`, `export ... from 'x'`, `import('x')`
// (not `import type`).
struct ModuleLoad {
    std::size_t at = 0;       // the token index of `require` / `import` / `export`
    std::size_t spec_at = 0;  // the token index of the name
    std::string spec;
    bool bare = false;  // loaded for its side effects only
};
[[nodiscard]] std::vector<ModuleLoad> module_loads(const std::vector<Token>& tokens);

// The offset of the first `require(...)` / `import(...)` whose module is not one constant name,
// or npos.
[[nodiscard]] std::size_t computed_load(const std::vector<Token>& tokens);

// The loads of a database driver or a way to run programs by a constant name (driver_module, less
// knex, sequelize and typeorm, whose imports alone connect nowhere, and pg_idiom_loads), each as
// (offset of the load, why).
[[nodiscard]] std::vector<std::pair<std::size_t, std::string>> driver_loads(const std::vector<Token>& tokens);

// Whether the tool runs the settings script at `path` in the process that then runs the
// migrations: knex's CLI requires the knexfile (knex/knex bin/cli.js initKnex, which then calls
// migrate), sequelize-cli its .sequelizerc and its config/config.js (sequelize/cli
// src/core/yargs.js loadRCFile, src/helpers/config-helper.js readConfig: require() of a .js
// config). Its module_writes() and loaded_module_writes() are unknown at their lines.
[[nodiscard]] bool runs_in_tool_process(std::string_view path);

// Both of the above for the settings script `text` at `path`, as (1-based line, why). The imports
// by a package's name or a path alias that are not followed are one entry, at the first of them
// `shown` keeps (pr: the lines a pull request changes; none given: every line), naming the others.
[[nodiscard]] std::vector<std::pair<int, std::string>> settings_module_writes(std::string_view path, std::string_view text,
                                                                            const std::function<bool(int)>& shown = {});

}  // namespace pgfence::analyze::orm
