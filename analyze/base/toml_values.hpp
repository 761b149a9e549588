#pragma once
// A repository's TOML settings (pyproject.toml's [tool.alembic]) read as TOML reads them, by
// toml++ (the one adapter analyze has for it): multi-line strings, escapes, line-ending
// backslashes, arrays over several lines, comments and quoted or dotted keys are what the tool
// that reads the file (Python's tomllib for Alembic) makes of them, never what a line looks like.
#include <string>
#include <string_view>
#include <vector>

#include "analyze/base/error.hpp"

namespace pgfence::analyze {

struct TomlValue {
    enum class Kind { Table, Array, String, Other };
    // The keys from the document's root: {"tool", "alembic", "script_location"}. An array's item
    // has its array's keys, and `item` its index (-1 for a value under a key).
    std::vector<std::string> keys;
    int item = -1;
    Kind kind = Kind::Other;
    std::string text;    // a string's value
    int first_line = 1;  // its key's line (a table's header), or its own first line (an item)
    int last_line = 1;   // its value's last line (a table: its header's)
};

// Every value of `text`, ordered by first_line; an Error (message, line) where `text` is not TOML.
// toml++ refuses nesting past 256 levels, so the walk is bounded as the parse is.
[[nodiscard]] Result<std::vector<TomlValue>> toml_values(std::string_view text);

}  // namespace pgfence::analyze
