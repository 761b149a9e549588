#pragma once
// node-pg-migrate's builder operations shared by node_pg_migrate.cpp (the call on pgm, indexes,
// drops) and node_pg_migrate_tables.cpp (createTable, addColumns, alterColumn, constraints).
#include <optional>
#include <string>
#include <string_view>

#include "analyze/orm/emitter.hpp"

namespace pgfence::analyze::orm {

// A name as mOptions.literal writes it (dist/utils/createSchemalize.js with shouldQuote,
// dist/utils/quote.js: "name", a double quote not doubled): nullopt for "", a name with a capital
// (the project's `decamelize` setting rewrites it), a double quote or a control character.
[[nodiscard]] std::optional<std::string> npgm_quoted(const std::string& name);

// The SQL a table operation of node-pg-migrate 7 sends (createTable, addColumns/addColumn,
// alterColumn, addConstraint/createConstraint, dropConstraint, renameTable), its `;` included;
// or, with `sql` empty, what was not followed in `why`. False when `op` is not one of them.
bool npgm_table_operation(const std::string& op, const Node& call, Emitter& e, std::string& sql, std::string& why);

// Whether no file of the folder holding `script_path` may define type shorthands (every
// `shorthands` in them is `= undefined`), read once per folder (npgm_shorthands.cpp); false when
// the folder cannot be read.
[[nodiscard]] bool npgm_folder_without_shorthands(std::string_view script_path);

}  // namespace pgfence::analyze::orm
