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
    // Eight bytes at a time, with exact per-byte masks (no borrow between bytes): a word passes
    // when its only bytes below 0x20 are layout (a tab, and line breaks when kept) and it has no
    // 0x7f. SQL has a line break every few dozen bytes, so those must not send a word to the
    // byte-by-byte check.
    constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
    constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
    constexpr std::uint64_t k_lows = 0x7f7f7f7f7f7f7f7fULL;
    auto equal = [&](std::uint64_t w, unsigned char b) {
        std::uint64_t x = w ^ (k_ones * b);
        return ~(((x & k_lows) + k_lows) | x) & k_highs;
    };
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, text.data() + i, 8);
        std::uint64_t control = ~((((w & k_lows) + k_ones * 0x60) | w)) & k_highs;
        if (control == 0 && equal(w, 0x7f) == 0) continue;  // most words: nothing below 0x20
        std::uint64_t layout = equal(w, '\t');
        if (keep_line_breaks) layout |= equal(w, '\n') | equal(w, '\r');
        if (((control & ~layout) | equal(w, 0x7f)) != 0) return false;
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
