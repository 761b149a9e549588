#pragma once
// Reading UTF-8 as PostgreSQL's pg_utf8_islegal does: no overlong forms, no surrogates, no
// code points past U+10FFFF.
#include <cstddef>
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

}  // namespace pgfence::analyze
