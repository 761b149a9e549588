#pragma once
// Bytes a terminal acts on (ESC, BEL, backspace, ...) that come from a migration or a parser
// message, shown as U+FFFD so no file can colour, move or retitle the reader's terminal.
#include <string>
#include <string_view>

namespace pgfence::annotate {

[[nodiscard]] std::string printable(std::string_view text, bool keep_line_breaks = false);
// True when printable() would return `text` unchanged.
[[nodiscard]] bool is_printable(std::string_view text, bool keep_line_breaks = false);

}  // namespace pgfence::annotate
