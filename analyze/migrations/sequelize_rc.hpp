#pragma once
// sequelize-cli's .sequelizerc: the `migrations-path` it sets, with the constant path expressions
// folded (tools/tool_dirs.cpp turns each into a folder).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

struct RcPath {
    int line = 1;
    std::optional<std::string> value;  // relative to the .sequelizerc's folder; none when computed
    std::string expr;                  // the value as written
};

// A JavaScript path expression folded when it is constant: a plain string literal, or path.resolve /
// path.join of literals with __dirname or process.cwd() first (the file's folder, where the tool
// runs): the joined relative path; none when any part is computed.
[[nodiscard]] std::optional<std::string> fold_path_expression(std::string_view expr);

// Each `migrations-path` (or migrationsPath) key of the file, one per line that sets it.
[[nodiscard]] std::vector<RcPath> sequelize_rc_paths(std::string_view text);

// Each `seeders-path` (or seedersPath) key: the folder sequelize-cli's db:seed commands read.
[[nodiscard]] std::vector<RcPath> sequelize_rc_seeder_paths(std::string_view text);

// Each `config` key of the file: the sequelize-cli configuration file it names (where
// migrationStorage and migrationStorageTableName are read), relative to the .sequelizerc's folder.
[[nodiscard]] std::vector<RcPath> sequelize_rc_config_paths(std::string_view text);

// Each `options-path` key: a JSON file of more .sequelizerc options, relative to the same folder.
[[nodiscard]] std::vector<RcPath> sequelize_rc_options_paths(std::string_view text);

}  // namespace pgfence::analyze::tools
