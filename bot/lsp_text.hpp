#pragma once
// Positions in an editor's document. LSP counts lines at "\n", "\r\n" and "\r", and characters in
// the encoding the client and the server agreed on (UTF-16 code units unless both take another);
// pgfence counts lines at "\n" and columns in code points (analyze/source_text.hpp). Both are
// turned into byte offsets of the UTF-8 text, where they meet.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/base/error.hpp"

namespace pgfence::bot::lsp {

enum class Encoding { Utf8, Utf16, Utf32 };

[[nodiscard]] std::string_view encoding_name(Encoding encoding);  // "utf-8", "utf-16", "utf-32"

// An LSP position: 0-based line and character.
struct LspPosition {
    long long line = 0;
    long long character = 0;
};

// Byte offsets <-> positions of one text, which must outlive it. Any look-up is O(log n + 256),
// whatever the lengths of the lines.
class TextIndex {
public:
    TextIndex(std::string_view text, Encoding encoding);

    // The byte offset of an LSP position. As the protocol says, a character past its line's end
    // means the line's end, and a line past the last one the text's end; a position inside a
    // character (the second unit of a surrogate pair) means the character's start.
    [[nodiscard]] std::size_t offset(LspPosition position) const;
    [[nodiscard]] LspPosition position(std::size_t offset) const;
    // The byte offset of pgfence's 1-based line and code-point column.
    [[nodiscard]] std::size_t offset(analyze::Position position) const;
    // One past the character at `offset` (its last byte + 1): an inclusive end made exclusive.
    [[nodiscard]] std::size_t after_character(std::size_t offset) const;

private:
    static constexpr std::size_t k_step = 256;
    // Units of `m_encoding` (or code points, when `points`) before `offset`.
    [[nodiscard]] std::size_t units_before(std::size_t offset, bool points) const;
    // The offset in [from, to) at which `units` units from `from` are reached.
    [[nodiscard]] std::size_t advance(std::size_t from, std::size_t to, std::size_t units, bool points) const;

    std::string_view m_text;
    Encoding m_encoding;
    std::vector<std::size_t> m_lsp_lines;  // byte offsets where LSP lines start
    std::vector<std::size_t> m_lsp_ends;   // and where their text ends (before the break)
    std::vector<std::size_t> m_nl_lines;   // where pgfence's lines start
    std::vector<std::size_t> m_units;      // units before byte k * k_step
    std::vector<std::size_t> m_points;     // code points before byte k * k_step
};

// One contentChanges entry of didChange, already read: a range (start, end) replaced by text,
// or the whole document when `whole`.
struct TextChange {
    bool whole = false;
    LspPosition start, end;
    std::string text;
};

// Applies one change to `text` in place, counting characters in `encoding`.
void apply_change(std::string& text, const TextChange& change, Encoding encoding);

}  // namespace pgfence::bot::lsp
