#pragma once
// Reading UTF-8 as PostgreSQL's pg_utf8_islegal does: no overlong forms, no surrogates, no
// code points past U+10FFFF.
#include <cstddef>
#include <string>
#include <string_view>

namespace pgfence::analyze {

// The bytes of the character at `at` (at < s.size()): its length (1 to 4) when it is valid
// UTF-8; otherwise minus the number of bytes of its maximal invalid prefix (never 0), after
// which reading resumes (the bytes a U+FFFD replaces, as in the Unicode standard's practice).
[[nodiscard]] inline int utf8_step(std::string_view s, std::size_t at) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[at + k]); };
    unsigned char lead = byte(0);
    if (lead < 0x80) return 1;
    int length = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
    if (length == 0) return -1;
    for (int k = 1; k < length; ++k) {
        if (at + static_cast<std::size_t>(k) >= s.size()) return -k;
        unsigned char c = byte(static_cast<std::size_t>(k));
        unsigned char low = 0x80, high = 0xBF;
        if (k == 1) {
            if (lead == 0xE0) low = 0xA0;
            if (lead == 0xED) high = 0x9F;
            if (lead == 0xF0) low = 0x90;
            if (lead == 0xF4) high = 0x8F;
        }
        if (c < low || c > high) return -k;
    }
    return length;
}

// Appends code point `c` as UTF-8 (1 to 4 bytes; what a reader decoded from an escape such as
// \u00e9 or \U0001F600: a caller that must not write surrogates maps them first).
inline void append_utf8(std::string& out, unsigned long c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

// The value of hex digit `c`, or -1.
[[nodiscard]] inline int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace pgfence::analyze
