#include "annotate/printable.hpp"

#include <cstdint>
#include <cstring>

namespace pgfence::annotate {

namespace {

bool shown_as_is(char c, bool keep_line_breaks) {
    auto u = static_cast<unsigned char>(c);
    bool layout = c == '\t' || (keep_line_breaks && (c == '\n' || c == '\r'));
    return (u >= 0x20 && u != 0x7f) || layout;
}

}  // namespace

bool is_printable(std::string_view text, bool keep_line_breaks) {
    // Eight bytes at a time: a word with no byte below 0x20 and none equal to 0x7f is shown as
    // is; only a word that has one (most often a line break) is checked byte by byte.
    constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
    constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, text.data() + i, 8);
        std::uint64_t control = (w - k_ones * 0x20) & ~w & k_highs;
        std::uint64_t x = w ^ (k_ones * 0x7f);
        std::uint64_t del = (x - k_ones) & ~x & k_highs;
        if ((control | del) == 0) continue;
        for (std::size_t k = i; k < i + 8; ++k) {
            if (!shown_as_is(text[k], keep_line_breaks)) return false;
        }
    }
    for (; i < text.size(); ++i) {
        if (!shown_as_is(text[i], keep_line_breaks)) return false;
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
