#include "analyze/splitter.hpp"

#include <cctype>
#include <string>

namespace pgfence::analyze {
namespace {

bool is_ident_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (static_cast<unsigned char>(c) >= 0x80);
}
bool is_ident_char(char c) {
    return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$';
}

bool keyword_is(std::string_view word, std::string_view kw) {
    if (word.size() != kw.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (std::toupper(static_cast<unsigned char>(word[i])) != kw[i]) return false;
    }
    return true;
}

class Lexer {
public:
    Lexer(std::string_view text, Region region) : m_text(text), m_pos(region.begin), m_end(region.end) {}

    std::vector<RawStatement> run(bool single) {
        while (m_pos < m_end) step(single);
        flush();
        return std::move(m_out);
    }

private:
    void step(bool single) {
        char c = m_text[m_pos];
        if (std::isspace(static_cast<unsigned char>(c))) { ++m_pos; return; }
        if (c == '-' && peek(1) == '-') { skip_line_comment(); return; }
        if (c == '/' && peek(1) == '*') { skip_block_comment(); return; }
        std::size_t start = m_pos;
        if (c == ';' && m_atomic_depth == 0 && m_paren_depth == 0) {
            ++m_pos;
            flush();
            return;
        }
        if (c == '\'') {
            bool escapes = m_pos > 0 && (m_text[m_pos - 1] == 'e' || m_text[m_pos - 1] == 'E') &&
                           m_last_word_end == m_pos && m_last_word.size() == 1;
            skip_quoted('\'', escapes);
        } else if (c == '"') {
            skip_quoted('"', false);
        } else if (c == '$' && try_dollar_quote()) {
            // consumed
        } else if (is_ident_start(c)) {
            while (m_pos < m_end && is_ident_char(m_text[m_pos])) ++m_pos;
            word(std::string_view(m_text).substr(start, m_pos - start), start);
        } else {
            // A rule's action list, CREATE RULE ... DO (a; b), holds ';'. Only there: an
            // unbalanced '(' elsewhere must not swallow the statements after it.
            if (m_in_rule && c == '(') ++m_paren_depth;
            else if (m_in_rule && c == ')' && m_paren_depth > 0) --m_paren_depth;
            ++m_pos;
        }
        token(start, m_pos);
    }

    // Tracks BEGIN ATOMIC ... END so the semicolons inside the body do not split.
    void word(std::string_view w, std::size_t start) {
        if (m_atomic_depth > 0) {
            if (keyword_is(w, "BEGIN") || keyword_is(w, "CASE")) ++m_atomic_depth;
            else if (keyword_is(w, "END")) --m_atomic_depth;
        } else if (keyword_is(w, "ATOMIC") && keyword_is(m_last_word, "BEGIN") && m_in_create) {
            m_atomic_depth = 1;
        }
        if (m_tokens == 0) m_in_create = keyword_is(w, "CREATE");
        if (m_in_create && m_tokens <= 3 && keyword_is(w, "RULE")) m_in_rule = true;
        m_last_word = w;
        m_last_word_end = start + w.size();
    }

    void token(std::size_t begin, std::size_t end) {
        if (m_tokens == 0) m_begin = begin;
        m_last_end = end;
        ++m_tokens;
    }

    void flush() {
        if (m_tokens > 0) m_out.push_back(RawStatement{m_begin, m_last_end, m_unterminated});
        m_tokens = 0;
        m_unterminated = false;
        m_atomic_depth = 0;
        m_paren_depth = 0;
        m_in_create = false;
        m_in_rule = false;
        m_last_word = {};
    }

    char peek(std::size_t ahead) const {
        return m_pos + ahead < m_end ? m_text[m_pos + ahead] : '\0';
    }

    void skip_line_comment() {
        while (m_pos < m_end && m_text[m_pos] != '\n') ++m_pos;
    }

    void skip_block_comment() {
        int depth = 0;
        while (m_pos < m_end) {
            if (m_text[m_pos] == '/' && peek(1) == '*') { ++depth; m_pos += 2; continue; }
            if (m_text[m_pos] == '*' && peek(1) == '/') {
                m_pos += 2;
                if (--depth == 0) return;
                continue;
            }
            ++m_pos;
        }
        m_unterminated = true;
    }

    void skip_quoted(char quote, bool backslash_escapes) {
        ++m_pos;
        while (m_pos < m_end) {
            char c = m_text[m_pos];
            if (backslash_escapes && c == '\\') { m_pos += 2; continue; }
            if (c == quote) {
                if (peek(1) == quote) { m_pos += 2; continue; }
                ++m_pos;
                return;
            }
            ++m_pos;
        }
        m_pos = m_end;
        m_unterminated = true;
    }

    // $tag$ ... $tag$; a '$' that does not open a quote ($1, part of an identifier) is a token.
    bool try_dollar_quote() {
        if (m_pos > 0 && m_last_word_end == m_pos) return false;  // identifier continues with '$'
        std::size_t p = m_pos + 1;
        if (p < m_end && std::isdigit(static_cast<unsigned char>(m_text[p]))) return false;
        while (p < m_end && m_text[p] != '$') {
            if (!is_ident_char(m_text[p]) || m_text[p] == '$') return false;
            ++p;
        }
        if (p >= m_end) return false;
        std::string_view tag = m_text.substr(m_pos, p - m_pos + 1);
        std::size_t close = m_text.substr(0, m_end).find(tag, p + 1);
        if (close == std::string_view::npos) {
            m_pos = m_end;
            m_unterminated = true;
        } else {
            m_pos = close + tag.size();
        }
        return true;
    }

    std::string_view m_text;
    std::size_t m_pos;
    std::size_t m_end;
    std::vector<RawStatement> m_out;
    std::size_t m_begin = 0;
    std::size_t m_last_end = 0;
    int m_tokens = 0;
    bool m_unterminated = false;
    int m_atomic_depth = 0;
    int m_paren_depth = 0;
    bool m_in_create = false;
    bool m_in_rule = false;
    std::string_view m_last_word;
    std::size_t m_last_word_end = static_cast<std::size_t>(-1);
};

}  // namespace

std::vector<RawStatement> split_statements(std::string_view text, Region region) {
    if (region.end > text.size()) region.end = text.size();
    if (region.begin >= region.end) return {};
    auto out = Lexer(text, region).run(region.single);
    if (region.single) {
        // A StatementBegin/End block is one statement; its final ';' is not part of it.
        for (auto& s : out) {
            std::size_t e = s.end;
            while (e > s.begin && (text[e - 1] == ';' || std::isspace(static_cast<unsigned char>(text[e - 1])))) --e;
            s.end = e;
        }
    }
    return out;
}

}  // namespace pgfence::analyze
