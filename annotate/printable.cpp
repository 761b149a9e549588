#include "annotate/printable.hpp"

namespace pgfence::annotate {

namespace {

bool shown_as_is(char c, bool keep_line_breaks) {
    auto u = static_cast<unsigned char>(c);
    bool layout = c == '\t' || (keep_line_breaks && (c == '\n' || c == '\r'));
    return (u >= 0x20 && u != 0x7f) || layout;
}

}  // namespace

bool is_printable(std::string_view text, bool keep_line_breaks) {
    for (char c : text) {
        if (!shown_as_is(c, keep_line_breaks)) return false;
    }
    return true;
}

std::string printable(std::string_view text, bool keep_line_breaks) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (shown_as_is(c, keep_line_breaks)) out += c;
        else out += "\xEF\xBF\xBD";
    }
    return out;
}

}  // namespace pgfence::annotate
