#pragma once
// Writes that make the up()/down() pgfence found not the one the tool calls (red team R75). The
// tools call what the module's binding holds when they run it (knex/lib/migrations/migrate/
// Migrator.js `migration[direction](knex)`, umzug, db-migrate and node-pg-migrate likewise), so a
// function counts as read only when it is bound once and nothing else in the file writes that
// binding, the names it calls through, or the property it is under. Each other write is unknown
// at its place, whatever form it takes: the rule keys on writes, not on a list of patterns.
#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::orm {

// Offsets, with why, of:
// - a name the migration depends on (up/down, what the module's top-level code and its exported
//   declarations reach through names, transitively) bound more than once: two declarations
//   (`var up = x; function up() {}`: the var's assignment runs last), or a declaration and an
//   assignment, update, destructuring target or loop head (`(up) = x`, `for (up of [x]);`);
// - an accessor (`get up()`, `set up()`) or an up/down key given twice in one object or class
//   (the last wins), or a computed key or a spread beside an up;
// - `arguments` outside any non-arrow function (CommonJS's wrapper's: `arguments[0]` is the exports);
// - `this.up`/`this.down` or `this[...]` set anywhere (a function called with the exports as `this`);
// - `this` outside any non-arrow function or class (CommonJS's exports), save `this.up = ...` at the
//   top level and TypeScript's `(this && this.__awaiter) ||` (red team R76 K2);
// - `__defineGetter__` and its kin, anywhere, even in a string (R76 K1);
// - an export list giving another binding as up, down or default (`export { a as up }`, R76 K3).
// `names`: up and down for a migration; for a helper it follows (R76 K4), the names it takes from it.
[[nodiscard]] std::vector<std::pair<std::size_t, std::string>> rebound_migration(
    const std::vector<Token>& tokens, const std::set<std::string, std::less<>>& names = {"up", "down"});

// For each token, whether it runs as the module loads: outside every function, arrow and class
// body (at the top level or in a block there).
[[nodiscard]] std::vector<char> runs_at_load(const std::vector<Token>& tokens);

// An assignment operator at j (`=`, `+=`, `??=`, ...; the lexer splits some), or an update (`++`, `--`).
[[nodiscard]] bool writes_at(const std::vector<Token>& tokens, std::size_t j);

// Each bracket's closing one (the token count when unclosed).
[[nodiscard]] std::vector<std::size_t> closing_brackets(const std::vector<Token>& tokens);

// Is the name or member ending before k a target: the head of `for (x of|in ...)`, or an element
// of an object or array pattern that an `=` after it assigns (`({ a: { up: x } } = v)`, `[x = d] = v`)?
// `open`: the brackets open at k, innermost last. The patterns around it are looked through to
// eight levels; deeper counts as one.
[[nodiscard]] bool destructured(const std::vector<Token>& tokens, std::size_t k, const std::vector<std::size_t>& open,
                                const std::vector<std::size_t>& close);

}  // namespace pgfence::analyze::orm
