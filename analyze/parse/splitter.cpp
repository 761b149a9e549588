#include "analyze/parse/splitter.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <string>

#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze {
namespace {

bool keyword_is(std::string_view word, std::string_view kw) {
    if (word.size() != kw.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (std::toupper(static_cast<unsigned char>(word[i])) != kw[i]) return false;
    }
    return true;
}

// Groups the tokens of a region into statements at top-level semicolons.
class Splitter {
public:
    Splitter(std::string_view text, const std::function<bool(const RawStatement&)>& each) : m_text(text), m_each(each) {}

    void run(Region region) {
        m_single = region.single;
        Tokenizer tokens(m_text, region.begin, region.end);
        Token t;
        while (!m_stopped && tokens.next(t)) step(t);
        flush();
    }

private:
    void step(const Token& t) {
        if (t.unterminated) m_unterminated = true;
        if (t.is_comment()) return;
        if (t.is_symbol(m_text, ';') && m_atomic_depth == 0 && m_paren_depth == 0) {
            flush();
            return;
        }
        if (t.kind == TokenKind::Word) {
            word(m_text.substr(t.begin, t.end - t.begin));
        } else if (m_in_rule && t.is_symbol(m_text, '(')) {
            // A rule's action list, CREATE RULE ... DO (a; b), holds ';'. Only there: an
            // unbalanced '(' elsewhere must not swallow the statements after it.
            ++m_paren_depth;
        } else if (m_in_rule && t.is_symbol(m_text, ')') && m_paren_depth > 0) {
            --m_paren_depth;
        }
        if (m_tokens == 0) m_begin = t.begin;
        m_last_end = t.end;
        ++m_tokens;
    }

    // Tracks BEGIN ATOMIC ... END so the semicolons inside the body do not split.
    void word(std::string_view w) {
        if (m_atomic_depth > 0) {
            if (keyword_is(w, "BEGIN") || keyword_is(w, "CASE")) ++m_atomic_depth;
            else if (keyword_is(w, "END")) --m_atomic_depth;
        } else if (keyword_is(w, "ATOMIC") && keyword_is(m_last_word, "BEGIN") && m_in_create) {
            m_atomic_depth = 1;
        }
        if (m_tokens == 0) m_in_create = keyword_is(w, "CREATE");
        if (m_in_create && m_tokens <= 3 && keyword_is(w, "RULE")) m_in_rule = true;
        m_last_word = w;
    }

    void flush() {
        if (m_tokens > 0 && !m_stopped) {
            RawStatement s{m_begin, m_last_end, m_unterminated};
            if (m_single) {
                // A StatementBegin/End block is one statement; its final ';' is not part of it.
                std::size_t e = s.end;
                while (e > s.begin && (m_text[e - 1] == ';' || std::isspace(static_cast<unsigned char>(m_text[e - 1])))) --e;
                s.end = e;
            }
            m_stopped = !m_each(s);
        }
        m_tokens = 0;
        m_unterminated = false;
        m_atomic_depth = 0;
        m_paren_depth = 0;
        m_in_create = false;
        m_in_rule = false;
        m_last_word = {};
    }

    std::string_view m_text;
    const std::function<bool(const RawStatement&)>& m_each;
    bool m_single = false;
    bool m_stopped = false;
    std::size_t m_begin = 0;
    std::size_t m_last_end = 0;
    int m_tokens = 0;
    bool m_unterminated = false;
    int m_atomic_depth = 0;
    int m_paren_depth = 0;
    bool m_in_create = false;
    bool m_in_rule = false;
    std::string_view m_last_word;
};

}  // namespace

void for_each_statement(std::string_view text, Region region, const std::function<bool(const RawStatement&)>& each) {
    if (region.end > text.size()) region.end = text.size();
    if (region.begin >= region.end) return;
    Splitter(text, each).run(region);
}

std::vector<RawStatement> split_statements(std::string_view text, Region region) {
    std::vector<RawStatement> out;
    for_each_statement(text, region, [&](const RawStatement& s) {
        out.push_back(s);
        return true;
    });
    return out;
}

std::string without_psql_meta_commands(std::string_view text) {
    // As psql reads it: a backslash outside quotes and comments starts a meta-command that runs
    // to the end of the line, whatever quotes it holds (`\echo it's done`). One that sends the
    // query buffer (\g, \gx, \gexec, \gset) ends the statement before it, as a ';' would.
    std::string out(text);
    Tokenizer tokens(text);
    Token t;
    while (tokens.next(t)) {
        if (t.kind != TokenKind::Symbol || text[t.begin] != '\\') continue;
        std::size_t line_end = text.find('\n', t.begin);
        if (line_end == std::string_view::npos) line_end = text.size();
        std::size_t name_end = t.begin + 1;
        while (name_end < line_end && std::isalpha(static_cast<unsigned char>(text[name_end])) != 0) ++name_end;
        std::string_view name = text.substr(t.begin + 1, name_end - t.begin - 1);
        bool sends = name == "g" || name == "gx" || name == "gexec" || name == "gset" || name == "gdesc";
        std::fill(out.begin() + static_cast<long>(t.begin), out.begin() + static_cast<long>(line_end), ' ');
        if (sends) out[t.begin] = ';';
        tokens = Tokenizer(text, line_end);
    }
    return out;
}

}  // namespace pgfence::analyze
