#pragma once
// Byte offsets to 1-based line/column positions for one file's text.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/error.hpp"

namespace pgfence::analyze {

class LineIndex {
public:
    explicit LineIndex(std::string_view text);
    // Columns count characters (UTF-8 code points), as editors and GitHub do.
    [[nodiscard]] Position position(std::size_t offset) const;

private:
    std::string_view m_text;
    std::vector<std::size_t> m_line_starts;
};

// Text on one line: runs of spaces, tabs and line breaks become one space, none at the ends.
[[nodiscard]] std::string fold_whitespace(std::string_view text);

}  // namespace pgfence::analyze
