#include "analyze/orm/js_bindings.hpp"

#include <algorithm>

namespace pgfence::analyze::orm {
namespace {

constexpr int k_max_template_nesting = 16;

class BindingScan {
public:
    BindingScan(std::string_view text, const std::vector<Token>& tokens, std::size_t first, std::size_t last, BindingCounts& out)
        : m_text(text), m_t(tokens), m_first(first), m_last(std::min(last, tokens.size())), m_out(out) {
        m_match.assign(m_t.size(), m_last);
        m_bound.assign(m_t.size(), false);
        std::vector<std::size_t> stack;
        for (std::size_t k = m_first; k < m_last; ++k) {
            if (is_open(k)) stack.push_back(k);
            else if (is_close(k) && !stack.empty()) {
                m_match[stack.back()] = k;
                stack.pop_back();
            }
        }
    }

    void run(int nesting) {
        for (std::size_t i = m_first; i < m_last; ++i) {
            const Token& t = m_t[i];
            if (t.kind == TokenKind::Template && nesting < k_max_template_nesting) {
                for (const auto& p : t.parts) {
                    if (!p.interpolation || p.expr_end <= p.expr_begin) continue;
                    std::vector<Token> inner = lex_js(m_text, p.expr_begin, p.expr_end);
                    BindingScan(m_text, inner, 0, inner.size(), m_out).run(nesting + 1);
                }
            }
            if (punct("(", i)) parameters(i);
            if ((punct("[", i) || punct("{", i)) && m_match[i] < m_last && assigns(m_match[i] + 1) && !indexes(i)) bind_inside(i);  // [a, SQL] = ...
            if (t.kind != TokenKind::Ident || member(i)) continue;
            const std::string& w = t.text;
            if (w == "let" || w == "const" || w == "var") {
                declarators(i + 1);
            } else if (w == "function" || w == "class" || w == "enum") {
                std::size_t j = i + 1;
                if (punct("*", j)) ++j;
                if (ident(j)) bind(j);
            } else if (w == "import" && !punct("(", i + 1) && !punct(".", i + 1)) {
                for (std::size_t j = i + 1; j < m_last && m_t[j].kind != TokenKind::String && !punct(";", j); ++j) {
                    if (ident(j) && !member(j)) bind(j);
                }
            } else if (punct("=>", i + 1)) {
                bind(i);  // x => ...
            } else if (assigns(i + 1) || ((word("of", i + 1) || word("in", i + 1)) && loop_head(i))) {
                bind(i);  // SQL = ... of an undeclared (global) or outer variable; for (SQL of ...)
            }
        }
    }

private:
    bool is_open(std::size_t k) const {
        return m_t[k].kind == TokenKind::Punct && (m_t[k].text == "(" || m_t[k].text == "[" || m_t[k].text == "{");
    }
    bool is_close(std::size_t k) const {
        return m_t[k].kind == TokenKind::Punct && (m_t[k].text == ")" || m_t[k].text == "]" || m_t[k].text == "}");
    }
    bool punct(std::string_view p, std::size_t k) const {
        return k < m_last && m_t[k].kind == TokenKind::Punct && m_t[k].text == p;
    }
    bool ident(std::size_t k) const { return k < m_last && m_t[k].kind == TokenKind::Ident; }
    bool keyword(std::size_t k) const {
        return ident(k) && !member(k) && (m_t[k].text == "let" || m_t[k].text == "const" || m_t[k].text == "var");
    }
    bool member(std::size_t k) const { return k > m_first && (punct(".", k - 1) || punct("?.", k - 1)); }
    bool newline_before(std::size_t k) const {
        if (k == 0 || k >= m_last) return false;
        return m_text.substr(m_t[k - 1].end, m_t[k].begin - m_t[k - 1].end).find('\n') != std::string_view::npos;
    }
    bool word(std::string_view w, std::size_t k) const { return ident(k) && m_t[k].text == w; }
    // An assignment operator at k (not `==`, `=>`).
    bool assigns(std::size_t k) const {
        if (k >= m_last || m_t[k].kind != TokenKind::Punct) return false;
        static const char* const k_ops[] = {"=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=", "^=", "&&=", "||=", "?\?="};
        for (const char* op : k_ops) {
            if (m_t[k].text == op) return true;
        }
        return false;
    }
    // `for (x` / `for await (x`: the name at k heads a loop.
    bool loop_head(std::size_t k) const {
        if (k < m_first + 2 || !punct("(", k - 1)) return false;
        return word("for", k - 2) || (word("await", k - 2) && k >= m_first + 3 && word("for", k - 3));
    }
    // The bracket at k indexes or calls what precedes it (`a[i] = ...`), not a pattern.
    bool indexes(std::size_t k) const {
        if (k == m_first) return false;
        const Token& before = m_t[k - 1];
        if (before.kind == TokenKind::Ident) return !(before.text == "return" || before.text == "typeof" || before.text == "void");
        return before.kind == TokenKind::String || before.kind == TokenKind::Number || before.kind == TokenKind::Template ||
               is_close(k - 1);
    }
    // Each token counts once, however many rules see it.
    void bind(std::size_t k) {
        if (m_bound[k]) return;
        m_bound[k] = true;
        ++m_out[m_t[k].text];
    }

    // Every name inside the bracket at `open` (a pattern or a parameter list): bound. Brackets are
    // nested or apart, and the outer one comes first, so each token is marked at most once.
    void bind_inside(std::size_t open) {
        std::size_t close = m_match[open];
        if (close <= m_covered) return;
        for (std::size_t k = open + 1; k < close; ++k) {
            if (ident(k) && !member(k)) bind(k);
        }
        m_covered = close;
    }

    // `(...)` followed by `{`, `=>` or a return type: the parameters of a function, method,
    // arrow or `catch` (not the condition of `if (...) {`).
    void parameters(std::size_t open) {
        std::size_t close = m_match[open];
        if (close >= m_last) return;
        if (open > m_first && ident(open - 1) && !member(open - 1)) {
            const std::string& before = m_t[open - 1].text;
            if (before == "if" || before == "while" || before == "for" || before == "switch" || before == "with") return;
            if (before == "await" && open > m_first + 1 && ident(open - 2) && m_t[open - 2].text == "for") return;
        }
        if (punct("{", close + 1) || punct("=>", close + 1) || (punct(":", close + 1) && typed_body(close + 2))) bind_inside(open);
    }

    // After `(...):`, a return type then `{` or `=>` (a method or an arrow, not `c ? f(x) : y`);
    // a type longer than k_max_type_tokens is taken for one.
    bool typed_body(std::size_t j) const {
        constexpr std::size_t k_max_type_tokens = 64;
        for (std::size_t seen = 0; j < m_last && seen < k_max_type_tokens; ++seen, ++j) {
            if (punct("{", j) || punct("=>", j)) return true;
            if (punct(",", j) || punct(";", j) || is_close(j) || (newline_before(j) && ident(j) && seen > 0 && !punct(".", j - 1))) return false;
            if (punct("(", j) || punct("[", j)) j = m_match[j];
        }
        return true;
    }

    // The declarators after `let`, `const` or `var` at `j`: `a`, `[a, b]`, `{ a, b: c }`, each
    // with its type and initialiser, up to `;`, a closing bracket, `of`/`in`, the next declaration
    // or the end of its line.
    void declarators(std::size_t j) {
        while (j < m_last) {
            if (keyword(j)) return;
            if (ident(j)) {
                bind(j);
                ++j;
                if (punct("!", j)) ++j;
            } else if (punct("[", j) || punct("{", j)) {
                bind_inside(j);
                j = m_match[j] + 1;
            } else {
                return;
            }
            if (punct(":", j)) j = skip(j + 1, false);
            if (punct("=", j)) j = skip(j + 1, true);
            if (!punct(",", j)) return;
            ++j;
        }
    }

    // From j to the `,` that ends a type or an initialiser (its index), or past the end of the
    // declaration (m_last).
    std::size_t skip(std::size_t j, bool initialiser) {
        for (; j < m_last; ++j) {
            if (punct(",", j)) return j;
            if (punct(";", j) || is_close(j) || keyword(j)) return m_last;
            if (!initialiser && punct("=", j)) return j;
            if (initialiser && newline_before(j) && ident(j) && (m_t[j - 1].kind != TokenKind::Punct || is_close(j - 1))) return m_last;
            if (is_open(j)) j = m_match[j];
        }
        return m_last;
    }

    std::string_view m_text;
    const std::vector<Token>& m_t;
    std::size_t m_first;
    std::size_t m_last;
    BindingCounts& m_out;
    std::vector<std::size_t> m_match;
    std::vector<bool> m_bound;
    std::size_t m_covered = 0;
};

}  // namespace

void count_bindings(std::string_view text, const std::vector<Token>& tokens, std::size_t first, std::size_t last, BindingCounts& out) {
    BindingScan(text, tokens, first, last, out).run(0);
}

}  // namespace pgfence::analyze::orm
