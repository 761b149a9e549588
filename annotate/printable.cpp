#include "annotate/printable.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <cstdint>
#include <cstring>

#include "analyze/base/utf8.hpp"

namespace pgfence::annotate {

namespace {

bool shown_as_is(char c, bool keep_line_breaks) {
    auto u = static_cast<unsigned char>(c);
    bool layout = c == '\t' || (keep_line_breaks && (c == '\n' || c == '\r'));
    return (u >= 0x20 && u != 0x7f) || layout;
}

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";

// The bytes of the character at `at` when a terminal shows it as it is (valid UTF-8 and no C1
// control, U+0080..U+009F, which xterm and VTE act on as they do on ESC-sequences); 0 when
// it is to be replaced, the length of what is replaced then in `bad`. `at` holds a byte >= 0x80.
std::size_t shown_character(std::string_view text, std::size_t at, std::size_t& bad) {
    int step = analyze::utf8_step(text, at);
    if (step < 0) {
        bad = static_cast<std::size_t>(-step);
        return 0;
    }
    if (static_cast<unsigned char>(text[at]) == 0xC2 && static_cast<unsigned char>(text[at + 1]) < 0xA0) {
        bad = 2;
        return 0;
    }
    // The bidirectional controls, which reorder what a terminal shows after them (a file name or
    // an identifier that reads as something else): U+061C, U+200E-F, U+202A-E, U+2066-9.
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(text[at + k]); };
    bool bidi = (step == 2 && b(0) == 0xD8 && b(1) == 0x9C) ||
                (step == 3 && b(0) == 0xE2 &&
                 ((b(1) == 0x80 && (b(2) == 0x8E || b(2) == 0x8F || (b(2) >= 0xAA && b(2) <= 0xAE))) ||
                  (b(1) == 0x81 && b(2) >= 0xA6 && b(2) <= 0xA9)));
    if (bidi) {
        bad = static_cast<std::size_t>(step);
        return 0;
    }
    return static_cast<std::size_t>(step);
}

}  // namespace

bool is_printable(std::string_view text, bool keep_line_breaks) {
    // Eight bytes at a time, with exact per-byte masks (no borrow between bytes): a word of
    // ASCII passes when its only bytes below 0x20 are layout (a tab, and line breaks when kept)
    // and it has no 0x7f. SQL has a line break every few dozen bytes, so those must not send a
    // word to the byte-by-byte check; a byte >= 0x80 does, for the character it starts.
    constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
    constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
    constexpr std::uint64_t k_lows = 0x7f7f7f7f7f7f7f7fULL;
    auto equal = [&](std::uint64_t w, unsigned char b) {
        std::uint64_t x = w ^ (k_ones * b);
        return ~(((x & k_lows) + k_lows) | x) & k_highs;
    };
    std::size_t i = 0;
    while (i < text.size()) {
#if defined(__SSE2__)
        // Sixteen bytes of printable ASCII at once (a signed compare finds control bytes and
        // non-ASCII ones alike); anything else goes to the checks below.
        if (i + 16 <= text.size()) {
            __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
            __m128i odd = _mm_or_si128(_mm_cmplt_epi8(w, _mm_set1_epi8(0x20)), _mm_cmpeq_epi8(w, _mm_set1_epi8(0x7f)));
            if (_mm_movemask_epi8(odd) == 0) {
                i += 16;
                continue;
            }
        }
#endif
        if (i + 8 <= text.size()) {
            std::uint64_t w;
            std::memcpy(&w, text.data() + i, 8);
            if ((w & k_highs) == 0) {
                std::uint64_t control = ~((((w & k_lows) + k_ones * 0x60) | w)) & k_highs;
                if (control == 0 && equal(w, 0x7f) == 0) {  // most words: nothing below 0x20
                    i += 8;
                    continue;
                }
                std::uint64_t layout = equal(w, '\t');
                if (keep_line_breaks) layout |= equal(w, '\n') | equal(w, '\r');
                if (((control & ~layout) | equal(w, 0x7f)) != 0) return false;
                i += 8;
                continue;
            }
        }
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            if (!shown_as_is(text[i], keep_line_breaks)) return false;
            ++i;
            continue;
        }
        std::size_t bad = 0;
        std::size_t length = shown_character(text, i, bad);
        if (length == 0) return false;
        i += length;
    }
    return true;
}

std::string printable(std::string_view text, bool keep_line_breaks) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char c = text[i];
        if (static_cast<unsigned char>(c) < 0x80) {
            if (shown_as_is(c, keep_line_breaks)) out += c;
            else out += k_replacement;
            ++i;
            continue;
        }
        std::size_t bad = 0;
        std::size_t length = shown_character(text, i, bad);
        if (length == 0) {
            out += k_replacement;
            i += bad;
            continue;
        }
        out.append(text, i, length);
        i += length;
    }
    return out;
}

}  // namespace pgfence::annotate
