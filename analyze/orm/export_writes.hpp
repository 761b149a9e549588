#pragma once
// Writes to a CommonJS module's exports the walker does not read as up()/down() definitions.
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/orm/js_ast.hpp"
#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::orm {

// `exports[k] = ...` / `module.exports[k] = ...` with a key that is not one string literal,
// `Object.defineProperty(exports, ...)`, `Object.defineProperties`, `Object.assign(exports, ...)`,
// `Reflect.set/defineProperty(exports, ...)`, `Object.setPrototypeOf(module.exports, ...)`: each
// may define the up() that runs (Node's module loader runs whatever `exports.up` holds when the
// tool calls it, knex/lib/migrations/migrate/Migrator.js `migration[direction](knex)`). Their
// offsets and why.
// `names`: up and down for a migration; for a helper the walker follows, the names the migration
// takes from it, whose writes are judged the same way (red team R76 K4). Writes to what the script
// imports (`h.run = x`, `Object.assign(h, ...)`) are unknown too.
[[nodiscard]] std::vector<std::pair<std::size_t, std::string>> hidden_export_writes(
    const std::vector<Token>& tokens, const std::set<std::string, std::less<>>& names = {"up", "down"});

// `with (obj) { ... }` statements (sloppy-mode scripts only): the names in the block may be
// members of obj, the runner or a handle derived from it (`with (knex.schema) { dropTable('t') }`),
// which the walker does not read as such. The spans of their heads, `with (...)`.
[[nodiscard]] std::vector<std::pair<std::size_t, std::size_t>> with_statements(const std::vector<Token>& tokens);

// A parameter's default that is the runner (`async (s = knex.schema) => s.dropTable('t')`): the
// function gets the runner without being handed it. The offsets of those defaults.
[[nodiscard]] std::vector<std::size_t> runner_defaults(const std::vector<Token>& tokens, const std::set<std::string>& runners);

// For each of `offsets`, the innermost call or assignment of `nodes` that holds it, else the
// statement holding it, else null. All at once: linear in the nodes and offsets, not their product.
[[nodiscard]] std::vector<const Node*> nodes_at(const std::vector<Node>& nodes, const std::vector<std::size_t>& offsets);

class Emitter;
struct JsFile;
// Each of the above, unknown at its place in the script `file` (extract.cpp, after the walk);
// `hidden`: hidden_export_writes(file.tokens), where the caller has it already.
void mark_hidden_uses(const JsFile& file, std::string_view text, Emitter& emitter);
void mark_hidden_uses(const JsFile& file, std::string_view text, Emitter& emitter,
                      const std::vector<std::pair<std::size_t, std::string>>& hidden);

// Each of `found` (offset, why), unknown at the statement or call holding it in `file`, named `call`.
void mark_unknown_at(const JsFile& file, const std::vector<std::pair<std::size_t, std::string>>& found, std::string_view call, Emitter& emitter);

}  // namespace pgfence::analyze::orm
