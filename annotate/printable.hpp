#pragma once
// Bytes a terminal acts on (ESC, BEL, backspace, ...) that come from a migration or a parser
// message, shown as U+FFFD so no file can colour, move or retitle the reader's terminal. The C1
// controls count too (U+0080..U+009F: U+009B is CSI to xterm and VTE), and so does invalid
// UTF-8 (a raw 0x9B is CSI to an 8-bit terminal), and so do the bidirectional controls (U+202E
// would show `x.lqs` for `x\u202Esql.`): the result is always valid UTF-8.
#include <string>
#include <string_view>

namespace pgfence::annotate {

[[nodiscard]] std::string printable(std::string_view text, bool keep_line_breaks = false);
// True when printable() would return `text` unchanged.
[[nodiscard]] bool is_printable(std::string_view text, bool keep_line_breaks = false);

}  // namespace pgfence::annotate
