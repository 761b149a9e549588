#pragma once
// The unknown statement for a file a migration tool runs under a name that is not a script's
// (extract.hpp tool_runs_as_script) when pgfence finds no migration in it.
#include <string_view>

#include "analyze/orm/extract.hpp"

namespace pgfence::analyze::orm {

// One unknown statement at the file's first line: the tool runs it, pgfence reads nothing in it.
[[nodiscard]] Extraction unread_tool_script(std::string_view text, InputFormat format);

}  // namespace pgfence::analyze::orm
