#pragma once
// What the ORMs' runner objects do, for the walker (walker.cpp): which calls only read, and what
// a data API the readers do not model sends.
#include <cstddef>
#include <string>

#include "analyze/orm/input_format.hpp"
#include "analyze/orm/js_ast.hpp"

namespace pgfence::analyze::orm {

// A call on the runner named `m` that reads the catalog or builds a value, sending no SQL that
// changes anything.
[[nodiscard]] bool reads_only(InputFormat format, const std::string& m);

// What a data API named `m` sends, as a note for its unknown statement ("" when not known).
[[nodiscard]] std::string data_api_hint(const std::string& m);

// Whether `parent` takes its kid `i` as a value: an object's property, an argument of a call
// that does not run promises (then, Promise.all, ...), the right side of an assignment.
[[nodiscard]] bool takes_as_value(const Node& parent, std::size_t i);

// Script text for a message: one line, at most 80 characters.
[[nodiscard]] std::string shown(std::string s);

}  // namespace pgfence::analyze::orm
