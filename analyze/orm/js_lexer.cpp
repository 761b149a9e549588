#include "analyze/orm/js_lexer.hpp"

#include "analyze/base/utf8.hpp"
#include "analyze/parse/limits.hpp"

#include <array>
#include <cctype>

namespace pgfence::analyze::orm {
namespace {

bool ident_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '#' ||
           static_cast<unsigned char>(c) >= 0x80;
}
bool ident_char(char c) { return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

// ECMAScript LineTerminator (LF, CR, U+2028, U+2029): length of the one at text[i], 0 if none.
std::size_t line_terminator(std::string_view text, std::size_t i) {
    if (i >= text.size()) return 0;
    if (text[i] == '\n' || text[i] == '\r') return 1;
    if (text.substr(i, 3) == "\xE2\x80\xA8" || text.substr(i, 3) == "\xE2\x80\xA9") return 3;
    return 0;
}

void append_utf8(MappedText& out, unsigned long cp, std::size_t at) {
    if (cp < 0x80) {
        out.append(static_cast<char>(cp), at);
    } else if (cp < 0x800) {
        out.append(static_cast<char>(0xC0 | (cp >> 6)), at);
        out.append(static_cast<char>(0x80 | (cp & 0x3F)), at);
    } else if (cp < 0x10000) {
        out.append(static_cast<char>(0xE0 | (cp >> 12)), at);
        out.append(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), at);
        out.append(static_cast<char>(0x80 | (cp & 0x3F)), at);
    } else {
        out.append(static_cast<char>(0xF0 | (cp >> 18)), at);
        out.append(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)), at);
        out.append(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), at);
        out.append(static_cast<char>(0x80 | (cp & 0x3F)), at);
    }
}

// Punctuators longest first; only the ones whose length matters to the parser.
constexpr std::array<std::string_view, 20> k_puncts = {"...", "===", "!==", "**=", "=>", "?.", "??", "==", "!=", "<=",
                                                       ">=", "&&", "||", "++", "--", "+=", "-=", "*=", "/=", "**"};

// Reserved words after which a '/' starts a regular expression rather than dividing (an
// operand follows them): ECMA-262 12 ("the InputElementRegExp goal is used ... in all syntactic
// grammar contexts where a RegularExpressionLiteral is permitted"). `default` is `export default /x/`.
bool regex_after_word(std::string_view w) {
    return w == "return" || w == "typeof" || w == "case" || w == "in" || w == "instanceof" || w == "new" || w == "delete" ||
           w == "void" || w == "throw" || w == "else" || w == "do" || w == "extends" || w == "default";
}

// Words that are keywords only in some places (await in a module or an async function, yield in
// a generator, of in a for head) and names elsewhere (a division follows a name): a '/' after
// one is not read.
bool contextual_word(std::string_view w) { return w == "await" || w == "yield" || w == "of"; }

// What a '/' is at a point: a regular expression, a division, or not known from the tokens.
enum class Slash { Regex, Divide, Unsure };

class Lexer {
public:
    Lexer(std::string_view text, std::size_t begin, std::size_t end) : m_text(text), m_pos(begin), m_end(end) {}

    std::vector<Token> run() {
        std::vector<Token> out;
        Token t;
        while (next(t)) out.push_back(std::move(t));
        return out;
    }

private:
    char at(std::size_t i) const { return i < m_end ? m_text[i] : '\0'; }

    // What a '/' after the previous token is. A word after '.' or '?.' is a member name, not a
    // keyword; after ')' a regex only follows the head of if/while/for/with; after '}' it depends
    // on whether a block or an object literal ended (grammar this lexer does not track).
    Slash slash_here() const {
        if (!m_have_prev) return Slash::Regex;
        if (m_prev_kind == TokenKind::Ident) {
            if (m_prev_member) return Slash::Divide;
            if (regex_after_word(m_prev_text)) return Slash::Regex;
            return contextual_word(m_prev_text) ? Slash::Unsure : Slash::Divide;
        }
        if (m_prev_kind != TokenKind::Punct) return Slash::Divide;
        if (m_prev_text == ")") return m_prev_control_paren ? Slash::Regex : Slash::Divide;
        if (m_prev_text == "]") return Slash::Divide;
        if (m_prev_text == "}") return Slash::Unsure;
        if (m_prev_text == "++" || m_prev_text == "--" || m_prev_text == "!") return m_prev_operator_slash;
        return Slash::Regex;
    }

    // Ends the token stream at m_pos: the last token (emitted by next() outside any template) is a
    // ";" carrying why the rest is not read.
    bool stop(Token& t, std::string why) {
        m_stop = Token{};
        m_stop.kind = TokenKind::Punct;
        m_stop.begin = m_pos;
        m_stop.end = m_pos;
        m_stop.text = ";";
        m_stop.unreadable = std::move(why);
        m_pos = m_end;
        m_stopped = true;
        return next(t);
    }

    void skip_space_and_comments() {
        m_newline = false;
        while (m_pos < m_end) {
            char c = m_text[m_pos];
            if (std::isspace(static_cast<unsigned char>(c))) {
                m_newline = m_newline || c == '\n' || c == '\r';
                ++m_pos;
            } else if (std::size_t n = line_terminator(m_text.substr(0, m_end), m_pos)) {
                m_newline = true;
                m_pos += n;  // U+2028, U+2029
            } else if (c == '/' && at(m_pos + 1) == '/') {
                // A '//' comment ends at any LineTerminator (ECMAScript 12.3: LF, CR, U+2028, U+2029).
                while (m_pos < m_end && line_terminator(m_text.substr(0, m_end), m_pos) == 0) ++m_pos;
            } else if (c == '/' && at(m_pos + 1) == '*') {
                std::size_t close = m_text.find("*/", m_pos + 2);
                const std::size_t stop = close == std::string_view::npos || close >= m_end ? m_end : close + 2;
                // A comment holding a line terminator counts as one (ECMA-262 12.4, for ASI).
                for (std::size_t p = m_pos; p < stop && !m_newline; ++p) m_newline = line_terminator(m_text.substr(0, m_end), p) > 0;
                m_pos = stop;
            } else {
                return;
            }
        }
    }

    // `\uXXXX` or `\u{X...}` at p (the backslash): its code point, and where it ends; nullopt
    // when it is not one (a SyntaxError in a string or an untagged template).
    std::optional<unsigned long> unicode_escape(std::size_t p, std::size_t& after) const {
        if (at(p) != '\\' || at(p + 1) != 'u' || p + 1 >= m_end) return std::nullopt;
        p += 2;
        unsigned long cp = 0;
        if (at(p) == '{') {
            // CodePoint: HexDigits whose value is at most 0x10FFFF (leading zeros allowed).
            std::size_t q = p + 1;
            for (; q < m_end && hex_value(at(q)) >= 0; ++q) {
                cp = cp * 16 + static_cast<unsigned long>(hex_value(at(q)));
                if (cp > 0x10FFFF) return std::nullopt;
            }
            if (q == p + 1 || at(q) != '}' || q >= m_end) return std::nullopt;
            after = q + 1;
            return cp;
        }
        for (std::size_t n = 0; n < 4; ++n) {
            if (p + n >= m_end || hex_value(at(p + n)) < 0) return std::nullopt;
            cp = cp * 16 + static_cast<unsigned long>(hex_value(at(p + n)));
        }
        after = p + 4;
        return cp;
    }

    // One escape sequence after the backslash at m_pos; appends the decoded bytes as Node's
    // UTF-8 encoding of the string sends them. ECMA-262 12.9.4 (String Literals) and 12.9.6
    // (Template Literal Lexical Components); test262 annexB/language/literals/string/
    // legacy-octal-escape-sequence.js has the values. An escape JavaScript refuses (in a
    // template: any octal or \1-\9, \0 before a digit; anywhere: a \x or \u without its digits)
    // sets m_bad_escape: the literal is not read (a tagged template would get `undefined` for it).
    void escape(MappedText& out, bool in_template) {
        const std::size_t start = m_pos;
        ++m_pos;
        if (m_pos >= m_end) return;
        const char c = at(m_pos);
        // A LineContinuation (\ before LF, CR, CRLF, U+2028 or U+2029) adds nothing.
        if (const std::size_t n = line_terminator(m_text.substr(0, m_end), m_pos)) {
            m_pos += n;
            if (c == '\r' && at(m_pos) == '\n' && m_pos < m_end) ++m_pos;
            return;
        }
        const auto octal = [](char d) { return d >= '0' && d <= '7'; };
        const auto digit = [](char d) { return d >= '0' && d <= '9'; };
        if (digit(c)) {
            if (in_template && (c != '0' || (digit(at(m_pos + 1)) && m_pos + 1 < m_end))) {
                bad_escape("an octal or decimal escape in a template literal (a SyntaxError unless tagged)");
                ++m_pos;
                return;
            }
            if (c == '8' || c == '9') {  // NonOctalDecimalEscapeSequence: the digit itself
                out.append(c, start);
                ++m_pos;
                return;
            }
            // LegacyOctalEscapeSequence (sloppy mode): \0-\3 take up to three octal digits, \4-\7
            // up to two; \0 before 8 or 9 is NUL and the digit follows.
            unsigned value = static_cast<unsigned>(c - '0');
            const std::size_t most = c <= '3' ? 3 : 2;
            std::size_t n = 1;
            while (n < most && m_pos + n < m_end && octal(at(m_pos + n))) value = value * 8 + static_cast<unsigned>(at(m_pos + n++) - '0');
            m_pos += n;
            append_utf8(out, value, start);
            return;
        }
        if (c == 'u') {
            std::size_t after = 0;
            const std::optional<unsigned long> cp = unicode_escape(start, after);
            if (!cp) {
                bad_escape("a \\u escape without its hex digits (a SyntaxError)");
                ++m_pos;
                return;
            }
            m_pos = after;
            unsigned long value = *cp;
            // A string is UTF-16: a high and a low surrogate written as two escapes are one code
            // point; a lone surrogate is sent as U+FFFD (Node's UTF-8 encoding of the string).
            if (value >= 0xD800 && value <= 0xDBFF) {
                std::size_t after_low = 0;
                const std::optional<unsigned long> low = unicode_escape(m_pos, after_low);
                if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
                    value = 0x10000 + ((value - 0xD800) << 10) + (*low - 0xDC00);
                    m_pos = after_low;
                }
            }
            if (value >= 0xD800 && value <= 0xDFFF) value = 0xFFFD;
            append_utf8(out, value, start);
            return;
        }
        ++m_pos;
        switch (c) {
            case 'n': out.append('\n', start); return;
            case 't': out.append('\t', start); return;
            case 'r': out.append('\r', start); return;
            case 'b': out.append('\b', start); return;
            case 'f': out.append('\f', start); return;
            case 'v': out.append('\v', start); return;
            case 'x': {
                const int h = m_pos < m_end ? hex_value(at(m_pos)) : -1, l = m_pos + 1 < m_end ? hex_value(at(m_pos + 1)) : -1;
                if (h < 0 || l < 0) {
                    bad_escape("a \\x escape without two hex digits (a SyntaxError)");
                    return;
                }
                m_pos += 2;
                append_utf8(out, static_cast<unsigned long>(h * 16 + l), start);
                return;
            }
            default: out.append(c, start); return;  // NonEscapeCharacter: itself (a UTF-8 lead byte's tail follows as text)
        }
    }

    void bad_escape(std::string why) {
        if (m_bad_escape.empty()) m_bad_escape = std::move(why);
    }

    void string_literal(Token& t, char quote) {
        ++m_pos;
        while (m_pos < m_end && m_text[m_pos] != quote) {
            char c = m_text[m_pos];
            if (c == '\\') {
                escape(t.string, false);
            } else if (c == '\n' || c == '\r') {
                break;  // an unterminated string ends at the line
            } else {
                t.string.append(c, m_pos++);
            }
        }
        if (m_pos < m_end && m_text[m_pos] == quote) ++m_pos;
        else t.unterminated = true;
    }

    void template_literal(Token& t) {
        ++m_templates;
        ++m_pos;
        TemplatePart part;
        while (m_pos < m_end && m_text[m_pos] != '`') {
            char c = m_text[m_pos];
            if (c == '\\') {
                escape(part.text, true);
            } else if (c == '$' && at(m_pos + 1) == '{') {
                t.parts.push_back(std::move(part));
                part = TemplatePart{};
                TemplatePart interp;
                interp.interpolation = true;
                m_pos += 2;
                interp.expr_begin = m_pos;
                if (m_templates >= k_max_js_nesting) m_too_deep = true;
                interp.expr_end = m_templates >= k_max_js_nesting ? skip_flat() : skip_interpolation(&interp.sole_name);
                t.parts.push_back(std::move(interp));
            } else if (c == '\r') {
                // A template's CR and CRLF are LF in its value (ECMA-262 12.9.6, TV of LineTerminatorSequence).
                part.text.append('\n', m_pos++);
                if (at(m_pos) == '\n' && m_pos < m_end) ++m_pos;
            } else {
                part.text.append(c, m_pos++);
            }
        }
        t.parts.push_back(std::move(part));
        if (m_pos < m_end) ++m_pos;
        else t.unterminated = true;
        // The outermost template carries the mark: the inner ones are not tokens of the file.
        if (--m_templates == 0 && m_too_deep) {
            t.too_deep = true;
            m_too_deep = false;
        }
    }

    // Skips a `${...}` body like skip_interpolation, without recursing into the templates
    // inside it: a stack of brace depths, -1 for template text.
    std::size_t skip_flat() {
        std::vector<int> stack{0};
        while (m_pos < m_end) {
            char c = m_text[m_pos];
            if (stack.back() < 0) {
                if (c == '\\') ++m_pos;
                else if (c == '`') stack.pop_back();
                else if (c == '$' && at(m_pos + 1) == '{') stack.push_back(0), ++m_pos;
                ++m_pos;
                continue;
            }
            if (c == '`') {
                stack.push_back(-1);
            } else if (c == '\'' || c == '"') {
                for (++m_pos; m_pos < m_end && m_text[m_pos] != c && m_text[m_pos] != '\n'; ++m_pos) {
                    if (m_text[m_pos] == '\\') ++m_pos;
                }
                if (m_pos >= m_end) break;
            } else if (c == '{') {
                ++stack.back();
            } else if (c == '}' && stack.back() > 0) {
                --stack.back();
            } else if (c == '}') {
                stack.pop_back();
                if (stack.empty()) return m_pos++;
            }
            ++m_pos;
        }
        m_pos = m_end;
        return m_end;
    }

    // Skips a `${...}` body (nested braces, strings, templates); returns where it ends. `sole`: the
    // name the body is, when it is one identifier.
    std::size_t skip_interpolation(std::string* sole) {
        bool saved_have = m_have_prev;
        TokenKind saved_kind = m_prev_kind;
        std::string saved_text = m_prev_text;
        bool saved_control = m_prev_control_paren;
        m_have_prev = false;
        int depth = 0;
        std::size_t count = 0;
        std::size_t close = m_end;
        Token inner;
        while (true) {
            skip_space_and_comments();
            if (m_pos >= m_end) break;
            if (m_text[m_pos] == '}' && depth == 0) {
                close = m_pos++;
                break;
            }
            if (!next(inner)) break;
            ++count;
            if (count == 1 && inner.kind == TokenKind::Ident) *sole = inner.text;
            else sole->clear();
            if (inner.kind == TokenKind::Punct && inner.text == "{") ++depth;
            if (inner.kind == TokenKind::Punct && inner.text == "}") --depth;
        }
        m_have_prev = saved_have;
        m_prev_kind = saved_kind;
        m_prev_text = std::move(saved_text);
        m_prev_control_paren = saved_control;
        return close;
    }

    void regex_literal() {
        ++m_pos;
        bool in_class = false;
        while (m_pos < m_end && line_terminator(m_text.substr(0, m_end), m_pos) == 0) {
            char c = m_text[m_pos];
            if (c == '\\') {
                m_pos += 2;
                continue;
            }
            ++m_pos;
            if (c == '[') in_class = true;
            else if (c == ']') in_class = false;
            else if (c == '/' && !in_class) break;
        }
        while (m_pos < m_end && ident_char(m_text[m_pos])) ++m_pos;  // flags
    }

public:
    bool next(Token& t) {
        if (m_stopped) {
            if (m_templates > 0 || m_stop_emitted) return false;
            m_stop_emitted = true;
            t = std::move(m_stop);
            return true;
        }
        skip_space_and_comments();
        if (m_pos >= m_end) return false;
        t = Token{};
        t.begin = m_pos;
        char c = m_text[m_pos];
        // Outside strings, templates and regular expressions a backslash is only a \u escape in an
        // identifier (knex.r\u0061w is knex.raw): not decoded here, so the rest is unknown.
        if (c == '\\') {
            return stop(t, "a \\u escape in an identifier");
        }
        // Annex B HTML-like comments: `<!--` (and `-->` at a line start) comment out the rest of the
        // line in a script, not in a module; which one Node loads is not decided here.
        if (m_text.substr(m_pos, 4) == "<!--" && m_pos + 4 <= m_end) {
            return stop(t, "an HTML-like comment `<!--`");
        }
        if (m_text.substr(m_pos, 3) == "-->" && m_pos + 3 <= m_end) {
            return stop(t, "`-->` (an HTML-like comment at a line start)");
        }
        // After '}' a '/' divides (an object literal, a function expression) or starts a regular
        // expression (after a block); after await, yield or of it depends on where the word is.
        const Slash slash = c == '/' ? slash_here() : Slash::Divide;
        if (slash == Slash::Unsure) {
            return stop(t, "a '/' after '" + m_prev_text + "' (a regular expression or a division)");
        }
        if (ident_start(c)) {
            t.kind = TokenKind::Ident;
            while (m_pos < m_end && ident_char(m_text[m_pos])) ++m_pos;
            if (at(m_pos) == '\\') {
                m_pos = t.begin;
                return stop(t, "a \\u escape in an identifier");
            }
        } else if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && std::isdigit(static_cast<unsigned char>(at(m_pos + 1))))) {
            t.kind = TokenKind::Number;
            while (m_pos < m_end && (std::isalnum(static_cast<unsigned char>(m_text[m_pos])) || m_text[m_pos] == '.' ||
                                     m_text[m_pos] == '_'))
                ++m_pos;
        } else if (c == '\'' || c == '"') {
            t.kind = TokenKind::String;
            string_literal(t, c);
            if (!m_bad_escape.empty() && m_templates == 0) return bad_literal(t);
        } else if (c == '`') {
            t.kind = TokenKind::Template;
            template_literal(t);
            if (!m_bad_escape.empty() && m_templates == 0) return bad_literal(t);
        } else if (slash == Slash::Regex) {
            t.kind = TokenKind::Regex;
            regex_literal();
        } else {
            t.kind = TokenKind::Punct;
            std::size_t len = 1;
            for (std::string_view p : k_puncts) {
                if (m_text.substr(m_pos, p.size()) == p && m_pos + p.size() <= m_end) {
                    len = p.size();
                    break;
                }
            }
            // "?." followed by a digit is a conditional and a number (a ?.5 : b).
            if (len == 2 && c == '?' && at(m_pos + 1) == '.' && std::isdigit(static_cast<unsigned char>(at(m_pos + 2)))) len = 1;
            m_pos += len;
        }
        t.end = m_pos;
        if (t.kind == TokenKind::Ident || t.kind == TokenKind::Punct || t.kind == TokenKind::Number) {
            t.text = std::string(m_text.substr(t.begin, t.end - t.begin));
        }
        // A ')' closing the head of if/while/for/with is followed by a statement, where '/' starts a
        // regular expression; any other ')' ends an expression, where '/' divides.
        if (t.kind == TokenKind::Punct && t.text == "(") {
            m_parens.push_back(m_have_prev && m_prev_kind == TokenKind::Ident && !m_prev_member &&
                               (m_prev_text == "if" || m_prev_text == "while" || m_prev_text == "for" || m_prev_text == "with" ||
                                (m_prev_text == "await" && m_after_for)));  // for await (...)
        }
        // `++`, `--` and `!` after an operand on the same line are postfix (TypeScript's `x!`):
        // a division follows; after an operator, or a line break (no LineTerminator may precede
        // a postfix operator, ECMA-262 15.4), they are prefix: a regular expression follows.
        if (t.kind == TokenKind::Punct && (t.text == "++" || t.text == "--" || t.text == "!")) {
            const Slash before = slash_here();
            m_prev_operator_slash = before == Slash::Regex || m_newline ? Slash::Regex : before;
        }
        const bool member = m_have_prev && m_prev_kind == TokenKind::Punct && (m_prev_text == "." || m_prev_text == "?.");
        m_after_for = t.kind == TokenKind::Ident && t.text == "for" && !member;
        m_prev_control_paren = false;
        if (t.kind == TokenKind::Punct && t.text == ")" && !m_parens.empty()) {
            m_prev_control_paren = m_parens.back();
            m_parens.pop_back();
        }
        m_prev_member = t.kind == TokenKind::Ident && member;
        m_have_prev = true;
        m_prev_kind = t.kind;
        m_prev_text = t.text;
        return true;
    }

private:
    // A string or template holding an escape JavaScript refuses: the stream stops at its start.
    bool bad_literal(Token& t) {
        std::string why = std::move(m_bad_escape);
        m_bad_escape.clear();
        m_pos = t.begin;
        return stop(t, why);
    }

private:
    std::string_view m_text;
    std::size_t m_pos;
    std::size_t m_end;
    int m_templates = 0;  // template literals open around m_pos
    bool m_too_deep = false;  // one of them nests past k_max_js_nesting
    bool m_have_prev = false;
    bool m_stopped = false;               // an unreadable point was reached: no more tokens
    bool m_stop_emitted = false;
    Token m_stop;                         // the ";" marking it
    bool m_prev_control_paren = false;    // the previous token closes if (...), while (...), ...
    bool m_after_for = false;             // the previous token is `for`
    bool m_prev_member = false;           // the previous token is a word after '.' or '?.'
    bool m_newline = false;               // a line terminator precedes the token being read
    Slash m_prev_operator_slash = Slash::Regex;  // the previous ++, -- or !: what a '/' after it is
    std::string m_bad_escape;             // an escape JavaScript refuses, in the literal being read
    std::vector<bool> m_parens;           // open '(': whether each opens a control statement's head
    TokenKind m_prev_kind = TokenKind::Punct;
    std::string m_prev_text;
};

}  // namespace

std::vector<Token> lex_js(std::string_view text, std::size_t begin, std::size_t end) {
    if (end > text.size()) end = text.size();
    return Lexer(text, begin, end).run();
}

std::optional<LexStop> lexing_stop(std::string_view text, bool whole) {
    const std::vector<Token> tokens = lex_js(text);
    for (const Token& t : tokens) {
        if (!t.unreadable.empty()) return LexStop{t.begin, t.unreadable};
        if (whole && t.unterminated && t.kind == TokenKind::Template) return LexStop{t.begin, "a template literal the file ends inside"};
    }
    if (!whole) return std::nullopt;
    // After the last token only white space and comments remain: an unclosed /* swallows the rest.
    std::size_t p = tokens.empty() ? 0 : tokens.back().end;
    while (p < text.size()) {
        if (text.compare(p, 2, "//") == 0) {
            p = text.find('\n', p);
            if (p == std::string_view::npos) break;
        } else if (text.compare(p, 2, "/*") == 0) {
            const std::size_t close = text.find("*/", p + 2);
            if (close == std::string_view::npos) return LexStop{p, "a comment the file ends inside"};
            p = close + 2;
        } else {
            ++p;
        }
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze::orm
