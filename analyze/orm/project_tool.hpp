#pragma once
// Which JavaScript migration tool runs a script that names none: how its up() uses its runner,
// then the project's own words (package.json dependencies, the tools' settings files).
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/orm/js_lexer.hpp"

#include "analyze/orm/input_format.hpp"

namespace pgfence::analyze::orm {

// The names up()'s first parameter goes by in its definitions.
[[nodiscard]] std::set<std::string> up_receivers(const std::vector<Token>& tokens);

// Does the script define or export an up() (exports.up =, up: ..., async up(...) {...},
// export function up, module.exports = { up }, exports['up'])?
[[nodiscard]] bool defines_up(std::string_view text);

// The tool of a script that defines an up() but names no tool; Auto when it cannot be decided
// (the script is then unknown at its up(), never skipped).
[[nodiscard]] InputFormat decide_tool(std::string_view path, std::string_view text);

// Whether TypeORM may run the script at `path`: its project names TypeORM, or names no tool.
[[nodiscard]] bool typeorm_may_run(std::string_view path);

// The tools the project of `path` names that load every file of their migrations folder and call
// its up() (knex, Sequelize, db-migrate, node-pg-migrate; not TypeORM, which runs only the classes
// a file exports), joined by ", "; empty when it names none.
[[nodiscard]] std::string folder_loaders(std::string_view path);

}  // namespace pgfence::analyze::orm
