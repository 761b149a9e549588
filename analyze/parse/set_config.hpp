#pragma once
// set_config(setting_name, new_value, is_local) (utils/misc/guc.c set_config_by_name): SET by
// another spelling, read from a statement's tree for the session state (analyzer.cpp) and for the
// settings that change how text is read (lexing_settings.cpp).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze {

// The set_config() calls of a statement (any schema; the queries of EXPLAIN, COPY, PREPARE,
// CALL and CREATE TABLE AS included), in the order they are written.
[[nodiscard]] std::vector<const FuncCall*> set_config_calls(const pg::Node* stmt);

// An argument of a set_config() call by position or name (setting_name, new_value, is_local),
// casts stripped: the A_Const it is, or nullptr.
[[nodiscard]] const A_Const* set_config_argument(const FuncCall* call, int position, std::string_view name);

// A set_config() call of a constant name: SET name = value (SET LOCAL with is_local true).
struct SetConfig {
    std::string name;                  // lower-cased, as GUC names are matched
    std::optional<std::string> value;  // nullopt: not a constant pgfence reads
    bool reset = false;                // the value is NULL: the setting's default
    std::optional<bool> is_local;      // nullopt: not a constant pgfence reads
};

// The set_config() calls of the statement whose name is a string constant, in order. search_path's
// value is listed as SHOW gives it ("a, b").
[[nodiscard]] std::vector<SetConfig> read_set_configs(const pg::Node* stmt);

}  // namespace pgfence::analyze
