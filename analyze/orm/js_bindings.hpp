#pragma once
// The names a script binds and how often, read from its tokens: `let`/`const`/`var` declarators
// (destructuring patterns and for-loop heads too), function and class names, parameters (of
// functions, arrows, methods, `catch`) and imports. JavaScript resolves a name to its nearest
// binding; pgfence folds a `const` of a string only when it is the name's one binding in the file,
// so a loop variable, catch parameter or parameter of the same name can never be read as the
// constant (red team R70 F11). An over-approximation: a default value or a type inside a parameter
// list counts as a binding of every name in it; one scan, linear in the tokens.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::orm {

using BindingCounts = std::map<std::string, std::size_t, std::less<>>;

// Adds the bindings of tokens [first, last) (and of the template interpolations among them) to `out`.
void count_bindings(std::string_view text, const std::vector<Token>& tokens, std::size_t first, std::size_t last, BindingCounts& out);

}  // namespace pgfence::analyze::orm
