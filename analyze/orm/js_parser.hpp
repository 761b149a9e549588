#pragma once
// The recursive-descent parser behind parse_js; private to analyze/orm (js_ast.cpp holds the
// statement-level members, js_expressions.cpp the expression-level ones).
#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/orm/js_ast.hpp"
#include "analyze/orm/js_dialects.hpp"
#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::orm::detail {

// Recursive descent over the token list. m_match pairs every bracket with its closer, so a
// construct it does not understand is skipped whole; m_stop bounds the bracket being parsed.
class Parser {
public:
    Parser(std::string_view text, const std::vector<Token>& tokens, const DialectHelpers* helpers = nullptr);

    std::vector<Node> file() { return block(m_t.size()); }
    // Offsets where nesting passed k_max_js_nesting; what was nested deeper was skipped.
    [[nodiscard]] const std::vector<std::size_t>& too_deep_at() const { return m_too_deep; }
    // The branches left unread as another database's (js_dialects.hpp).
    [[nodiscard]] std::vector<JsFile::DialectSkip> take_dialect_skips() { return std::move(m_dialect_skips); }

private:
    bool more() const { return m_i < m_stop; }
    bool punct(std::string_view p, std::size_t k) const {
        return k < m_stop && m_t[k].kind == TokenKind::Punct && m_t[k].text == p;
    }
    bool punct(std::string_view p) const { return punct(p, m_i); }
    bool word(std::string_view w, std::size_t k) const {
        return k < m_stop && m_t[k].kind == TokenKind::Ident && m_t[k].text == w;
    }
    bool word(std::string_view w) const { return word(w, m_i); }
    std::size_t match(std::size_t k) const { return std::min(m_match[k], m_stop); }
    // The end of the last token taken; m_i may have stepped past the end of the range.
    std::size_t prev_end() const {
        std::size_t k = std::min(m_i, m_stop);
        return k > 0 ? m_t[k - 1].end : 0;
    }
    bool newline_before(std::size_t k) const {
        if (k == 0 || k >= m_t.size()) return false;
        return m_text.substr(m_t[k - 1].end, m_t[k].begin - m_t[k - 1].end).find('\n') != std::string_view::npos;
    }

    // Statements (js_ast.cpp).
    std::vector<Node> block(std::size_t stop);
    std::vector<Node> bracketed_block();
    // A function's body: a bracketed block whose `let` and `const` are its own (js_ast.cpp).
    std::vector<Node> function_body();
    void statement(std::vector<Node>& out);
    // At the `{` of `switch (subject)`'s body: its cases, those for other databases only left
    // unread (js_dialects.hpp). False, m_i unmoved, when the body is no such block.
    bool dialect_switch(std::vector<Node>& out, const std::string& subject, std::size_t head_at);
    const DialectReader& dialects();
    // A branch [from, to) of tokens not read for another database's (js_dialects.hpp).
    void skipped_branch(std::size_t from, std::size_t to, const std::string& subject, std::string databases);
    static void mark(Node& n, const std::string& context);
    // A block's statements, in a scope node (Other named "{}", its `params` the names it binds:
    // `let`/`const`, a catch's parameter, a loop head's `let`/`const`) when it binds any, else
    // straight into `out` as before.
    void scoped(std::vector<Node>& out, std::vector<Node> kids, std::vector<std::string> names, std::size_t begin);
    Node class_declaration();
    void class_member(std::vector<Node>& out);
    void skip_type(std::initializer_list<std::string_view> ends, bool stop_at_brace = false);
    std::vector<std::string> params();
    Node function_rest(std::size_t begin);

    // Expressions (js_expressions.cpp).
    Node expression();
    Node assignment();
    Node conditional();
    Node binary(int min_prec);
    void skip_type_expression();
    // At a '<': the index just past its matching '>' when the tokens between can be TypeScript
    // type arguments, 0 when not (a comparison).
    std::size_t type_arguments_end() const;
    Node unary();
    void arguments(Node& call);
    Node postfix(Node node);
    // `object.name` (or `?.name`): the `.` is at m_i, the name after it.
    Node member_of(Node object);
    Node leaf(NodeKind kind);
    Node leaf_other();
    bool arrow_follows(std::size_t after) const;
    Node primary();
    Node primary_function(std::size_t begin);
    Node object_literal();
    void object_members(Node& o);  // inside the braces

    // While it lives, the parser reads the tokens inside the bracket at m_i: m_stop is its
    // closer and m_in_list, if given, is set. Afterwards both are restored and m_i stands after
    // the closer, however much of the inside was read.
    class Inside {
    public:
        Inside(Parser& p, std::optional<bool> in_list = std::nullopt)
            : m_p(p), m_close(p.match(p.m_i)), m_stop(p.m_stop), m_in_list(p.m_in_list) {
            ++p.m_i;
            p.m_stop = m_close;
            if (in_list) p.m_in_list = *in_list;
        }
        ~Inside() {
            m_p.m_stop = m_stop;
            m_p.m_in_list = m_in_list;
            m_p.m_i = std::min(m_close + 1, m_stop);
        }
        Inside(const Inside&) = delete;
        Inside& operator=(const Inside&) = delete;

    private:
        Parser& m_p;
        std::size_t m_close;
        std::size_t m_stop;
        bool m_in_list;
    };

    // One level deeper while it lives; the tree (and every walk over it) is as deep as the
    // recursion here, plus the chains the loops build (counted with add_depth).
    class Deeper {
    public:
        explicit Deeper(Parser& p) : m_p(p) { ++m_p.m_depth; }
        ~Deeper() { --m_p.m_depth; }
        Deeper(const Deeper&) = delete;
        Deeper& operator=(const Deeper&) = delete;

    private:
        Parser& m_p;
    };
    // Past the limit: records where, skips to the end of the current statement or list item
    // (or the current bracket) and says so; the caller stops building deeper.
    bool too_deep();

    std::string_view m_text;
    const std::vector<Token>& m_t;
    int m_depth = 0;
    std::vector<std::size_t> m_too_deep;
    std::vector<std::size_t> m_match;
    std::size_t m_i = 0;
    std::size_t m_stop = 0;
    bool m_in_list = false;  // inside arguments or literals, where ',' separates
    std::vector<std::string> m_lexical;  // the names `let` and `const` bind in the block being read
    const DialectHelpers* m_helpers = nullptr;  // the project's dialect tests (dialect_helpers)
    std::optional<DialectReader> m_dialects;  // built when a switch or an if is first met
    std::vector<JsFile::DialectSkip> m_dialect_skips;
};

}  // namespace pgfence::analyze::orm::detail
