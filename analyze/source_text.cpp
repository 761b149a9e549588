#include "analyze/source_text.hpp"

#include <algorithm>
#include <cstring>

namespace pgfence::analyze {

LineIndex::LineIndex(std::string_view text) : m_text(text) {
    m_line_starts.push_back(0);
    // memchr from break to break: SQL lines are dozens of bytes long.
    const char* base = text.data();
    for (const char* at = base; at < base + text.size();) {
        const void* brk = std::memchr(at, '\n', text.size() - static_cast<std::size_t>(at - base));
        if (brk == nullptr) break;
        at = static_cast<const char*>(brk) + 1;
        m_line_starts.push_back(static_cast<std::size_t>(at - base));
    }
}

Position LineIndex::position(std::size_t offset) const {
    offset = std::min(offset, m_text.size());
    auto it = std::upper_bound(m_line_starts.begin(), m_line_starts.end(), offset);
    std::size_t line = static_cast<std::size_t>(it - m_line_starts.begin()) - 1;
    std::size_t start = m_line_starts[line];
    int column = 1;
    for (std::size_t i = start; i < offset; ++i) {
        // Count only bytes that start a UTF-8 code point.
        if ((static_cast<unsigned char>(m_text[i]) & 0xC0) != 0x80) ++column;
    }
    return Position{static_cast<int>(line) + 1, column};
}

std::string fold_whitespace(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool space = false;
    for (char c : text) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

}  // namespace pgfence::analyze
