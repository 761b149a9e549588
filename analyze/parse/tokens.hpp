#pragma once
// The one SQL tokenizer every reader of SQL text uses (the statement splitter, the rules' text
// helpers, identifier-too-long, the column definitions' spans, the ORM readers' quote state).
// It follows PostgreSQL's scan.l for what it needs to tell apart: quoted strings (standard,
// E'' with backslash escapes), quoted identifiers, dollar quotes, nested block comments, line
// comments, parameters, words. Unlike PostgreSQL's own scanner (core_yylex, which raises an
// ERROR at an unterminated quote) it never fails: an unterminated quote or comment runs to the
// end and is marked, and any bytes, valid UTF-8 or not, come out as tokens. One pass, no
// backtracking: linear in the text.
#include <cstddef>
#include <string_view>

namespace pgfence::analyze {

enum class TokenKind {
    Word,          // keyword or identifier; bytes >= 0x80 count as letters, as in scan.l
    Number,        // a digit and the identifier characters after it
    String,        // '...', E'...', B'...', X'...', N'...' (the prefix is part of the token)
    QuotedIdent,   // "..."
    DollarString,  // $tag$...$tag$
    Param,         // $1
    LineComment,   // -- up to and including the line break (LF or CR, as scan.l's newline)
    BlockComment,  // /* ... */, nested
    Symbol,        // any other single byte: ; ( ) , . operators
};

struct Token {
    TokenKind kind = TokenKind::Symbol;
    std::size_t begin = 0;
    std::size_t end = 0;
    bool unterminated = false;  // a quote or comment the text ended inside

    [[nodiscard]] bool is_comment() const { return kind == TokenKind::LineComment || kind == TokenKind::BlockComment; }
    // Quoted text of any kind (strings, quoted identifiers, dollar quotes) or a comment.
    [[nodiscard]] bool is_opaque() const {
        return is_comment() || kind == TokenKind::String || kind == TokenKind::QuotedIdent || kind == TokenKind::DollarString;
    }
    [[nodiscard]] bool is_symbol(std::string_view text, char c) const {
        return kind == TokenKind::Symbol && text[begin] == c;
    }
};

// scan.l's ident_start and ident_cont.
[[nodiscard]] inline bool is_ident_start(char c) {
    auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || c == '_' || u >= 0x80;
}
[[nodiscard]] inline bool is_ident_cont(char c) {
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

// Tokens of text[begin, end), whitespace skipped, comments included. `begin` is read as the
// start of a token whatever comes before it.
class Tokenizer {
public:
    explicit Tokenizer(std::string_view text, std::size_t begin = 0, std::size_t end = std::string_view::npos)
        : m_text(text.substr(0, end)), m_pos(begin) {}

    // The next token, or false at the end.
    bool next(Token& token);
    // Where the next token will be looked for.
    [[nodiscard]] std::size_t position() const { return m_pos; }

private:
    void quoted(Token& token, char quote, bool backslash_escapes);
    bool dollar_quote(Token& token);

    std::string_view m_text;
    std::size_t m_pos;
};

// The token starting at `at` (whitespace is not skipped: a space comes back as a Symbol).
[[nodiscard]] Token token_at(std::string_view text, std::size_t at);

}  // namespace pgfence::analyze
