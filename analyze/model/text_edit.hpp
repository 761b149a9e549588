#pragma once
// Applying a finding's TextEdit (findings.hpp) to a file's text, and the whole lines it changes:
// what a one-click suggestion replaces and what it replaces them with.
#include <string>
#include <string_view>

#include "analyze/model/findings.hpp"

namespace pgfence::analyze {

// `text` with the edit applied. The edit must lie within the text (begin <= end <= size).
[[nodiscard]] std::string apply_edit(std::string_view text, const TextEdit& edit);

// The lines an edit touches, as 1-based inclusive numbers of the original text, and what they
// read after the edit, without their final line break. An insertion touches the one line it
// is on; an insertion that ends with a line break becomes lines of its own above that line's
// rest.
struct EditedLines {
    int first = 0;
    int last = 0;
    std::string original;  // those lines before the edit, without their final line break
    std::string replacement;
};
[[nodiscard]] EditedLines edited_lines(std::string_view text, const TextEdit& edit);

}  // namespace pgfence::analyze
