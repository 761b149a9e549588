#pragma once
// A small JavaScript/TypeScript lexer: just enough of the language to find calls and read
// their string arguments. Strings and template literals are decoded with, for every byte of
// the value, the offset of the source character it came from, so SQL positions map back to
// the .ts/.js file. Comments are skipped; a '/' starts a regular expression where an
// expression may start, so a regex holding a quote does not derail the rest of the file.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::orm {

// A decoded string with the source offset of every byte (offsets.size() == value.size()).
struct MappedText {
    std::string value;
    std::vector<std::size_t> offsets;

    void append(char c, std::size_t at) {
        value += c;
        offsets.push_back(at);
    }
    void append(const MappedText& other) {
        value += other.value;
        offsets.insert(offsets.end(), other.offsets.begin(), other.offsets.end());
    }
    // Text with no source of its own (a builder's SQL, a substituted value): every byte at `at`.
    void append(std::string_view text, std::size_t at) {
        value += text;
        offsets.insert(offsets.end(), text.size(), at);
    }
};

// One part of a template literal: text, or a `${...}` whose expression spans [expr_begin, expr_end).
struct TemplatePart {
    bool interpolation = false;
    MappedText text;
    std::size_t expr_begin = 0;
    std::size_t expr_end = 0;
    std::string sole_name;  // the interpolation is this one name, `${h}` (a tagged template's argument)
};

enum class TokenKind { Ident, Number, String, Template, Regex, Punct };

struct Token {
    TokenKind kind = TokenKind::Punct;
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string text;                  // identifier or punctuator as written; raw text for numbers
    MappedText string;                 // String: the decoded value
    std::vector<TemplatePart> parts;   // Template: text and interpolations, in order
    bool unterminated = false;         // the file ended inside it
    bool too_deep = false;             // Template: holds templates nested past k_max_js_nesting (skipped)
    // Non-empty: the lexer cannot tell how JavaScript reads the text from here (an escape in an
    // identifier, an HTML-like comment, a '/' after '}'): this is the last token, a ";" at that
    // point, and the rest of the text is not read (reported unknown there, never read differently).
    std::string unreadable;
};

// Tokens of text[begin, end). Never throws; unknown bytes become one-character punctuators.
[[nodiscard]] std::vector<Token> lex_js(std::string_view text, std::size_t begin, std::size_t end);
[[nodiscard]] inline std::vector<Token> lex_js(std::string_view text) { return lex_js(text, 0, text.size()); }

// Where the lexer stopped short of the script's end, and why: its stop (Token::unreadable: an HTML-like
// comment, a '/' after '}', an escape in an identifier), or a template literal or block comment
// the file ends inside (each swallows the rest). Nothing past it is read, so nothing past it can
// tell which tool runs the script. `whole`: the text is the whole file (else a template or comment
// still open at its end may close past it).
struct LexStop {
    std::size_t at = 0;
    std::string why;
};
[[nodiscard]] std::optional<LexStop> lexing_stop(std::string_view text, bool whole);

}  // namespace pgfence::analyze::orm
