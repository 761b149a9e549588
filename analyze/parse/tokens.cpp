#include "analyze/parse/tokens.hpp"

#include "analyze/parse/tool_lines.hpp"

namespace pgfence::analyze {
namespace {

// scan.l's space: the bytes PostgreSQL skips between tokens.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool Tokenizer::next(Token& token) {
    const std::size_t size = m_text.size();
    while (m_pos < size && is_space(m_text[m_pos])) ++m_pos;
    if (m_pos >= size) return false;
    token = Token{TokenKind::Symbol, m_pos, m_pos + 1, false};
    const char c = m_text[m_pos];
    const char after = m_pos + 1 < size ? m_text[m_pos + 1] : '\0';
    if (c == '-' && after == '-') {
        // scan.l: `comment ("--"{non_newline}*)`, `newline [\n\r]`: a lone CR ends it too
        // (tool_lines.hpp, LineConvention::Postgres).
        token.kind = TokenKind::LineComment;
        std::size_t eol = line_end(m_text, m_pos, LineConvention::Postgres);
        m_pos = eol >= size ? size : eol + 1;
    } else if (c == '/' && after == '*') {
        token.kind = TokenKind::BlockComment;
        int depth = 0;
        token.unterminated = true;
        while (m_pos < size) {
            const char next = m_pos + 1 < size ? m_text[m_pos + 1] : '\0';
            if (m_text[m_pos] == '/' && next == '*') {
                ++depth;
                m_pos += 2;
            } else if (m_text[m_pos] == '*' && next == '/') {
                m_pos += 2;
                if (--depth == 0) {
                    token.unterminated = false;
                    break;
                }
            } else {
                ++m_pos;
            }
        }
    } else if (c == '\'' || c == '"') {
        quoted(token, c, false);
    } else if (c == '$') {
        if (!dollar_quote(token)) {
            ++m_pos;
            if (is_digit(after)) {
                token.kind = TokenKind::Param;
                while (m_pos < size && is_digit(m_text[m_pos])) ++m_pos;
            }
        }
    } else if (is_ident_start(c)) {
        // E'...' takes backslash escapes; B'', X'' and N'' are plain strings with a prefix.
        const bool prefix = after == '\'' && (c == 'e' || c == 'E' || c == 'b' || c == 'B' || c == 'x' || c == 'X' ||
                                              c == 'n' || c == 'N');
        if (prefix) {
            ++m_pos;
            quoted(token, '\'', c == 'e' || c == 'E');
        } else {
            token.kind = TokenKind::Word;
            while (m_pos < size && is_ident_cont(m_text[m_pos])) ++m_pos;
        }
    } else if (is_digit(c)) {
        token.kind = TokenKind::Number;
        ++m_pos;
        while (m_pos < size && is_ident_cont(m_text[m_pos])) ++m_pos;
    } else {
        ++m_pos;
    }
    token.end = m_pos;
    return true;
}

// m_pos is at the opening quote; a doubled quote stands for itself.
void Tokenizer::quoted(Token& token, char quote, bool backslash_escapes) {
    token.kind = quote == '"' ? TokenKind::QuotedIdent : TokenKind::String;
    const std::size_t size = m_text.size();
    for (++m_pos; m_pos < size;) {
        const char c = m_text[m_pos];
        if (backslash_escapes && c == '\\') {
            m_pos += 2;
        } else if (c == quote) {
            if (m_pos + 1 < size && m_text[m_pos + 1] == quote) {
                m_pos += 2;
            } else {
                ++m_pos;
                return;
            }
        } else {
            ++m_pos;
        }
    }
    m_pos = size;
    token.unterminated = true;
}

// $$ or $tag$ where the tag is an identifier without '$' (so $1 is a parameter, not a tag).
bool Tokenizer::dollar_quote(Token& token) {
    const std::size_t size = m_text.size();
    std::size_t p = m_pos + 1;
    if (p < size && m_text[p] != '$') {
        if (!is_ident_start(m_text[p])) return false;
        while (p < size && m_text[p] != '$' && is_ident_cont(m_text[p])) ++p;
    }
    if (p >= size || m_text[p] != '$') return false;
    std::string_view tag = m_text.substr(m_pos, p - m_pos + 1);
    token.kind = TokenKind::DollarString;
    std::size_t close = m_text.find(tag, p + 1);
    if (close == std::string_view::npos) {
        m_pos = size;
        token.unterminated = true;
    } else {
        m_pos = close + tag.size();
    }
    return true;
}

Token token_at(std::string_view text, std::size_t at) {
    if (at < text.size() && is_space(text[at])) return Token{TokenKind::Symbol, at, at + 1, false};
    Token token{TokenKind::Symbol, at, at, false};
    Tokenizer tokens(text, at);
    if (!tokens.next(token)) return Token{TokenKind::Symbol, at, at, false};
    return token;
}

}  // namespace pgfence::analyze
