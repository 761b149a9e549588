#pragma once
// What module_writes.cpp and module_loads.cpp share (split from module_writes.cpp, moves only):
// token tests. Not for use outside analyze/orm: module_writes.hpp is the API.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::orm::module_writes_detail {

bool is(const std::vector<Token>& t, std::size_t i, std::string_view s);
bool ident(const std::vector<Token>& t, std::size_t i);
// Whether token i follows `.` or `?.`.
bool member(const std::vector<Token>& t, std::size_t i);
// Whether token i ends an operand (a name that is not an operator word, a closing bracket, a literal).
bool operand_end(const std::vector<Token>& t, std::size_t i);
// A template with no `${}` is a constant, as a string is: its value in *spec.
bool constant_spec(const std::vector<Token>& t, std::size_t i, std::string* spec);

}  // namespace pgfence::analyze::orm::module_writes_detail
