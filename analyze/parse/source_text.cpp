#include "analyze/parse/source_text.hpp"

#include <algorithm>
#include <cstring>

namespace pgfence::analyze {

namespace {

bool starts_code_point(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

}  // namespace

LineIndex::LineIndex(std::string_view text) : m_text(text) {
    // Counted first, so that the list is allocated once: a doubling vector holds its old and
    // new buffers at once (a file of a million short lines would peak at twice the list).
    m_line_starts.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
    m_line_starts.push_back(0);
    // memchr from break to break: SQL lines are dozens of bytes long.
    const char* base = text.data();
    for (const char* at = base; at < base + text.size();) {
        const void* brk = std::memchr(at, '\n', text.size() - static_cast<std::size_t>(at - base));
        if (brk == nullptr) break;
        at = static_cast<const char*>(brk) + 1;
        m_line_starts.push_back(static_cast<std::size_t>(at - base));
    }
    // Code points before every k_step-th byte: a column on a long line is then found without
    // counting from the line's start (a one-line file of n findings stays linear, not n^2).
    m_points.reserve(text.size() / k_step + 1);
    std::size_t points = 0;
    // A block at a time: the count of a block is a loop the compiler vectorises.
    for (std::size_t begin = 0; begin < text.size(); begin += k_step) {
        m_points.push_back(points);
        const std::size_t end = std::min(text.size(), begin + k_step);
        for (std::size_t i = begin; i < end; ++i) points += starts_code_point(text[i]);
    }
}

std::size_t LineIndex::points_before(std::size_t offset) const {
    std::size_t block = offset / k_step;
    if (block >= m_points.size()) block = m_points.empty() ? 0 : m_points.size() - 1;
    std::size_t points = m_points.empty() ? 0 : m_points[block];
    for (std::size_t i = block * k_step; i < offset; ++i) points += starts_code_point(m_text[i]);
    return points;
}

Position LineIndex::position(std::size_t offset) const {
    offset = std::min(offset, m_text.size());
    auto it = std::upper_bound(m_line_starts.begin(), m_line_starts.end(), offset);
    std::size_t line = static_cast<std::size_t>(it - m_line_starts.begin()) - 1;
    std::size_t start = m_line_starts[line];
    std::size_t column = 1;
    if (offset - start <= 2 * k_step) {
        for (std::size_t i = start; i < offset; ++i) column += starts_code_point(m_text[i]);
    } else {
        column += points_before(offset) - points_before(start);
    }
    return Position{static_cast<int>(line) + 1, static_cast<int>(column)};
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
