#include "analyze/model/text_edit.hpp"

#include <algorithm>

namespace pgfence::analyze {

std::string apply_edit(std::string_view text, const TextEdit& edit) {
    std::string out(text.substr(0, edit.begin));
    out += edit.text;
    out += text.substr(edit.end);
    return out;
}

EditedLines edited_lines(std::string_view text, const TextEdit& edit) {
    // From the start of `begin`'s line to the end of `end`'s: a replaced line break joins the
    // next line to the change.
    std::size_t line_begin = 0;
    if (edit.begin > 0) {
        std::size_t before = text.rfind('\n', edit.begin - 1);
        if (before != std::string_view::npos) line_begin = before + 1;
    }
    std::size_t line_end = std::min(text.find('\n', edit.end), text.size());
    auto lines_before = [&](std::size_t at) {
        return static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    };
    EditedLines lines;
    lines.first = 1 + lines_before(line_begin);
    lines.last = 1 + lines_before(line_end);
    lines.original = std::string(text.substr(line_begin, line_end - line_begin));
    lines.replacement = std::string(text.substr(line_begin, edit.begin - line_begin)) + edit.text +
                        std::string(text.substr(edit.end, line_end - edit.end));
    return lines;
}

}  // namespace pgfence::analyze
