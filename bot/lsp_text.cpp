#include "bot/lsp_text.hpp"

#include <cstring>

#include <algorithm>

namespace pgfence::bot::lsp {

namespace {

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The units of the character whose first byte is `c` (0 for a continuation byte).
std::size_t width(char c, Encoding encoding) {
    if (encoding == Encoding::Utf8) return 1;
    if (continuation(c)) return 0;
    return encoding == Encoding::Utf16 && static_cast<unsigned char>(c) >= 0xF0 ? 2 : 1;
}

// Where an LSP line ends (before its break) and where the next one starts, from `start`.
std::pair<std::size_t, std::size_t> line_end(std::string_view text, std::size_t start) {
    std::size_t i = text.find_first_of("\r\n", start);
    if (i == std::string_view::npos) return {text.size(), text.size()};
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') return {i, i + 2};
    return {i, i + 1};
}

// From `from`, the offset `units` characters on, but not past `to`; a position inside a
// character is its start.
std::size_t walk(std::string_view text, std::size_t from, std::size_t to, std::size_t units, Encoding encoding) {
    std::size_t i = from, seen = 0;
    while (i < to && continuation(text[i])) ++i;
    while (i < to) {
        std::size_t w = width(text[i], encoding == Encoding::Utf8 ? Encoding::Utf32 : encoding);
        if (encoding == Encoding::Utf8) {
            std::size_t bytes = 1;
            while (i + bytes < to && continuation(text[i + bytes])) ++bytes;
            w = bytes;
        }
        if (seen + w > units) break;
        seen += w;
        ++i;
        while (i < to && continuation(text[i])) ++i;
    }
    return i;
}

}  // namespace

std::string_view encoding_name(Encoding encoding) {
    switch (encoding) {
        case Encoding::Utf8: return "utf-8";
        case Encoding::Utf32: return "utf-32";
        case Encoding::Utf16: break;
    }
    return "utf-16";
}

TextIndex::TextIndex(std::string_view text, Encoding encoding) : m_text(text), m_encoding(encoding) {
    for (std::size_t start = 0;;) {
        auto [end, next] = line_end(text, start);
        m_lsp_lines.push_back(start);
        m_lsp_ends.push_back(end);
        if (next >= text.size() && end == text.size()) break;
        start = next;
    }
    m_nl_lines.push_back(0);
    for (std::size_t at = text.find('\n'); at != std::string_view::npos; at = text.find('\n', at + 1)) m_nl_lines.push_back(at + 1);
    m_units.reserve(text.size() / k_step + 1);
    m_points.reserve(text.size() / k_step + 1);
    std::size_t units = 0, points = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i % k_step == 0) {
            m_units.push_back(units);
            m_points.push_back(points);
        }
        units += width(text[i], encoding);
        points += continuation(text[i]) ? 0 : 1;
    }
    if (m_units.empty()) {
        m_units.push_back(0);
        m_points.push_back(0);
    }
}

std::size_t TextIndex::units_before(std::size_t offset, bool points) const {
    const auto& table = points ? m_points : m_units;
    std::size_t block = std::min(offset / k_step, table.size() - 1);
    std::size_t count = table[block];
    for (std::size_t i = block * k_step; i < offset && i < m_text.size(); ++i) {
        count += points ? (continuation(m_text[i]) ? 0 : 1) : width(m_text[i], m_encoding);
    }
    return count;
}

std::size_t TextIndex::advance(std::size_t from, std::size_t to, std::size_t units, bool points) const {
    const auto& table = points ? m_points : m_units;
    const Encoding encoding = points ? Encoding::Utf32 : m_encoding;
    std::size_t target = units_before(from, points) + units;
    // The block before the first whose count reaches the target: the target is in it or after.
    std::size_t block = static_cast<std::size_t>(std::lower_bound(table.begin(), table.end(), target) - table.begin());
    std::size_t start = std::clamp(block == 0 ? 0 : (block - 1) * k_step, from, to);
    while (start > from && start < m_text.size() && continuation(m_text[start])) --start;  // a character's first byte
    std::size_t done = units_before(start, points);
    return walk(m_text, start, to, target - std::min(target, done), encoding);
}

std::size_t TextIndex::offset(LspPosition position) const {
    if (position.line < 0) return 0;
    if (static_cast<unsigned long long>(position.line) >= m_lsp_lines.size()) return m_text.size();
    std::size_t line = static_cast<std::size_t>(position.line);
    std::size_t start = m_lsp_lines[line], end = m_lsp_ends[line];
    if (position.character <= 0) return start;
    return advance(start, end, static_cast<std::size_t>(position.character), false);
}

LspPosition TextIndex::position(std::size_t offset) const {
    offset = std::min(offset, m_text.size());
    std::size_t line = static_cast<std::size_t>(std::upper_bound(m_lsp_lines.begin(), m_lsp_lines.end(), offset) - m_lsp_lines.begin()) - 1;
    offset = std::min(offset, m_lsp_ends[line]);
    long long character = static_cast<long long>(units_before(offset, false) - units_before(m_lsp_lines[line], false));
    return LspPosition{static_cast<long long>(line), character};
}

std::size_t TextIndex::offset(analyze::Position position) const {
    if (position.line < 1) return 0;
    if (static_cast<std::size_t>(position.line) > m_nl_lines.size()) return m_text.size();
    std::size_t line = static_cast<std::size_t>(position.line) - 1;
    std::size_t start = m_nl_lines[line];
    std::size_t end = line + 1 < m_nl_lines.size() ? m_nl_lines[line + 1] - 1 : m_text.size();
    if (position.column <= 1) return start;
    return advance(start, end, static_cast<std::size_t>(position.column) - 1, true);
}

std::size_t TextIndex::after_character(std::size_t offset) const {
    if (offset >= m_text.size()) return m_text.size();
    std::size_t i = offset + 1;
    while (i < m_text.size() && continuation(m_text[i])) ++i;
    return i;
}

namespace {

// The byte offset of an LSP position, found by walking the text from its start (one change of
// a didChange, on text no index is kept for).
std::size_t offset_of(std::string_view text, LspPosition position, Encoding encoding) {
    if (position.line < 0) return 0;
    std::size_t start = 0;
    if (text.find('\r') == std::string_view::npos) {
        // Line feeds only (most files): each line's end found with memchr, so that a didChange of
        // many edits to a large document stays quick.
        for (long long line = 0; line < position.line; ++line) {
            const void* nl = std::memchr(text.data() + start, '\n', text.size() - start);
            if (nl == nullptr) return text.size();
            start = static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) + 1;
        }
    } else {
        for (long long line = 0; line < position.line; ++line) {
            auto [end, next] = line_end(text, start);
            if (end == text.size()) return text.size();
            start = next;
        }
    }
    std::size_t end = line_end(text, start).first;
    if (position.character <= 0) return start;
    return walk(text, start, end, static_cast<std::size_t>(position.character), encoding);
}

}  // namespace

void apply_change(std::string& text, const TextChange& change, Encoding encoding) {
    if (change.whole) {
        text = change.text;
        return;
    }
    std::size_t begin = offset_of(text, change.start, encoding);
    std::size_t end = offset_of(text, change.end, encoding);
    if (end < begin) std::swap(begin, end);
    text.replace(begin, end - begin, change.text);
}

}  // namespace pgfence::bot::lsp
