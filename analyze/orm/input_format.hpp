#pragma once
// What kind of migration a file is: SQL, or a script for one of the ORMs pgfence reads.
#include <optional>
#include <string_view>

namespace pgfence::analyze::orm {

enum class InputFormat { Auto, Sql, TypeOrm, Knex, Sequelize, DbMigrate, NodePgMigrate };

// "auto", "sql", "typeorm", "knex", "sequelize", "db-migrate", "node-pg-migrate"
[[nodiscard]] std::string_view input_format_name(InputFormat format);
[[nodiscard]] std::optional<InputFormat> parse_input_format(std::string_view name);

}  // namespace pgfence::analyze::orm
