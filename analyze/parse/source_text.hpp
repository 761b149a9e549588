#pragma once
// Byte offsets to 1-based line/column positions for one file's text.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/base/error.hpp"

namespace pgfence::analyze {

class LineIndex {
public:
    explicit LineIndex(std::string_view text);
    // Columns count characters (UTF-8 code points), as editors and GitHub do. O(log lines + k_step)
    // a look-up, whatever the line's length.
    [[nodiscard]] Position position(std::size_t offset) const;

private:
    static constexpr std::size_t k_step = 256;
    // Code points (bytes that start a UTF-8 character) in m_text before `offset`.
    [[nodiscard]] std::size_t points_before(std::size_t offset) const;
    std::string_view m_text;
    std::vector<std::size_t> m_line_starts;
    std::vector<std::size_t> m_points;  // code points before byte k * k_step
};

// Text on one line: runs of spaces, tabs and line breaks become one space, none at the ends.
[[nodiscard]] std::string fold_whitespace(std::string_view text);

}  // namespace pgfence::analyze
