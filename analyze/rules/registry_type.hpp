#pragma once
// What the data-type rules share: every column type a statement declares (CREATE TABLE,
// ALTER TABLE ... ADD COLUMN, ALTER COLUMN ... TYPE), read from the parse tree.
#include <string>
#include <vector>

#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

struct ColumnType {
    std::string table;    // as written, schema-qualified when the SQL qualifies it
    std::string column;   // unquoted name
    std::string type;     // canonical ("varchar(20)", "int4", "json[]"), see canonical_type()
    std::string base;     // without modifiers or array marker ("varchar")
    std::string written;  // the type as the user spelled it, for messages ("serial", "integer")
    bool array = false;
    bool serial = false;  // serial, bigserial, smallserial and their serialN spellings
    std::string key;      // why it holds key values: "primary key", "foreign key", "identity",
                          // "serial", "named like an id"; empty for other columns
    std::string action;   // "CREATE TABLE", "ADD COLUMN", "ALTER COLUMN TYPE"
    Position start;       // the column's definition in the file
    Position stop;
};

// The column types the statement declares, in the order written.
[[nodiscard]] const std::vector<ColumnType>& column_types(const StatementContext& ctx);

// A finding pointing at the column's definition rather than the whole statement.
Finding& add_column_finding(Sink& sink, const StatementContext& ctx, const ColumnType& column, std::string message);

// "users.email", quoted where PostgreSQL needs it.
[[nodiscard]] std::string column_name(const ColumnType& column);

}  // namespace pgfence::analyze::rules
