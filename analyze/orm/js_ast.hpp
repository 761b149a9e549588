#pragma once
// A tolerant expression-level parse of a JavaScript/TypeScript file: calls, member chains,
// object and array literals, string concatenation, functions (with the name their context
// gives them: a method `up`, `exports.up = ...`, `up: async (...) => ...`). Statements are
// not modelled beyond what finding those needs; what it does not understand it skips.
#include <cstddef>
#include <string>
#include <vector>

#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::orm {

enum class NodeKind { String, Template, Number, Ident, Member, Index, Call, New, Object, Array, Binary, Unary, Func, Other };

struct Node {
    NodeKind kind = NodeKind::Other;
    std::size_t begin = 0;  // source offsets of the whole expression
    std::size_t end = 0;
    std::string name;       // Ident: the name; Member: the property; Binary/Unary: the operator; Func: its name;
                            // Other: ',' (a sequence), '?:' (a conditional), 'class' or none
    // Member/Index: [object, (index)]; Call/New: [callee, args...]; Object: values; Array: elements;
    // Binary: [left, right]; Unary: [operand]; Func: statements of its body; Other: sub-expressions.
    std::vector<Node> kids;
    std::vector<std::string> keys;    // Object: key of each value ("..." for a spread); a class
                                      // (Other named "class"): its name and its base ("" if none)
    std::vector<std::string> params;  // Func: parameter names (empty for a pattern)
    int token = -1;                   // String/Template/Number: index into the token list
    std::string context;              // set on nodes under `if (... hasTable/hasColumn ...)`; a
                                      // declaration is "const" or "let" (let, var) instead
    bool returns = false;             // Func: an arrow whose body is one expression, its result
};

// A parsed file: top-level statements and the tokens the nodes refer to.
struct JsFile {
    std::vector<Token> tokens;
    std::vector<Node> statements;
    // Where nesting passed k_max_js_nesting (sorted offsets): the construct there was not read.
    std::vector<std::size_t> too_deep;
    // Where the lexer could not tell how JavaScript reads the text (Token::unreadable): the
    // rest of the file from there is not read.
    std::vector<std::pair<std::size_t, std::string>> unreadable;
    // Branches not read because they run only for another database (js_dialects.hpp): where
    // each starts, the dialect value it tests, and the databases it names ("mysql, mariadb").
    struct DialectSkip {
        std::size_t at = 0;
        std::string subject;
        std::string databases;
        std::size_t end = 0;     // where the branch ends
        bool may_run = false;    // it may run something on PostgreSQL (may_run_on_postgres): unknown at `at`
    };
    std::vector<DialectSkip> dialect_skipped;
};

[[nodiscard]] JsFile parse_js(std::string_view text);
// The same for the migration at `path`: a condition may call the project's dialect tests
// (js_dialects.hpp dialect_helpers), read from the files it imports.
[[nodiscard]] JsFile parse_js(std::string_view text, std::string_view path);

// The dotted path of a member chain without calls ("queryInterface.sequelize.query"); empty
// when the chain holds anything else.
[[nodiscard]] std::string dotted_name(const Node& node);

}  // namespace pgfence::analyze::orm
