// is_printable checks eight bytes at a time: a control byte must be found at every position of
// a word, in the tail, and next to bytes that look like it in the word arithmetic.
#include <catch2/catch.hpp>

#include <string>

#include "annotate/printable.hpp"

using namespace pgfence::annotate;

TEST_CASE("printable: a control byte anywhere is found, layout bytes pass where allowed") {
    const std::string base = "SELECT 1 FROM users WHERE name = 'caf\xC3\xA9' -- \xE2\x82\xAC";
    CHECK(is_printable(base));
    for (std::size_t at = 0; at <= base.size(); ++at) {
        for (char c : {'\x1b', '\x07', '\x00', '\x7f', '\x1f', '\x08'}) {
            std::string text = base;
            text.insert(at, 1, c);
            INFO("byte " << int(static_cast<unsigned char>(c)) << " at " << at);
            CHECK_FALSE(is_printable(text));
            CHECK_FALSE(is_printable(text, true));
            CHECK(printable(text).find("\xEF\xBF\xBD") != std::string::npos);
        }
        // A break or tab inside a character would make it invalid UTF-8, itself not printable.
        if (at < base.size() && (static_cast<unsigned char>(base[at]) & 0xC0) == 0x80) continue;
        std::string with_break = base;
        with_break.insert(at, 1, '\n');
        CHECK_FALSE(is_printable(with_break));
        CHECK(is_printable(with_break, true));
        std::string with_tab = base;
        with_tab.insert(at, 1, '\t');
        CHECK(is_printable(with_tab));
    }
    // A control byte in the same word as allowed layout bytes is still found.
    for (std::size_t at = 0; at + 2 <= base.size(); ++at) {
        for (const char* pair : {"\n\x1b", "\x1b\n", "\t\x00", "\r\x7f", "\n\t\r\x0b"}) {
            std::string text = base;
            text.insert(at, pair, pair[1] == 0 ? 2 : std::char_traits<char>::length(pair));
            INFO("pair at " << at);
            CHECK_FALSE(is_printable(text, true));
        }
    }
    // Bytes just above the limits and valid non-ASCII characters are not control characters;
    // C1 controls (U+0080..U+009F, as UTF-8 or as raw 8-bit bytes) and invalid UTF-8 are.
    CHECK(is_printable(std::string("\x20\x21\x7e\xC2\xA0\xC3\xBF\xEF\xBF\xBD\x20\x20")));
    for (const char* c1 : {"\xC2\x80", "\xC2\x9B", "\xC2\x9F", "\x9B", "\x80", "\xFF", "\xC3", "\xE2\x82"}) {
        for (std::size_t at = 0; at <= 9; ++at) {
            std::string text = std::string("abcdefghi").insert(at, c1);
            INFO(at);
            CHECK_FALSE(is_printable(text));
            CHECK(printable(text) == std::string("abcdefghi").insert(at, "\xEF\xBF\xBD"));
        }
    }
}
