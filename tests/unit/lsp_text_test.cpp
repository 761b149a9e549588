// bot/lsp_text: LSP positions <-> byte offsets against a direct count, on lines long enough to
// use the index's checkpoints, and incremental changes in each encoding.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "bot/lsp_text.hpp"

using namespace pgfence::bot::lsp;

namespace {

// Each character's bytes and its width in UTF-16 units.
const std::vector<std::pair<std::string, int>> k_pieces = {
    {"a", 1}, {" ", 1}, {"\xC3\xA9", 1}, {"\xE6\x97\xA5", 1}, {"\xF0\x9F\x8E\x89", 2}, {"\n", 0}, {"\r\n", 0}, {"\r", 0}};

struct Char {
    std::size_t offset;
    LspPosition utf16, utf8, utf32;
};

// Every character boundary of `text` with its positions, counted one character at a time.
std::vector<Char> walk(const std::vector<int>& picks, std::string& text) {
    std::vector<Char> out;
    long long line = 0, u16 = 0, u8 = 0, u32 = 0;
    for (int p : picks) {
        out.push_back({text.size(), {line, u16}, {line, u8}, {line, u32}});
        const auto& [bytes, width] = k_pieces[static_cast<std::size_t>(p)];
        text += bytes;
        if (width == 0) {
            ++line;
            u16 = u8 = u32 = 0;
        } else {
            u16 += width;
            u8 += static_cast<long long>(bytes.size());
            u32 += 1;
        }
    }
    out.push_back({text.size(), {line, u16}, {line, u8}, {line, u32}});
    return out;
}

}  // namespace

TEST_CASE("lsp text index: positions and offsets agree with a direct count") {
    std::mt19937 random(7);
    for (int round = 0; round < 20; ++round) {
        // Mostly long lines (past the 256-byte checkpoints), now and then a break.
        std::vector<int> picks;
        for (int i = 0; i < 3000; ++i) {
            int p = static_cast<int>(random() % 100);
            picks.push_back(p < 2 ? 5 + p % 3 : static_cast<int>(random() % 5));
        }
        std::string text;
        const auto chars = walk(picks, text);
        for (Encoding e : {Encoding::Utf16, Encoding::Utf8, Encoding::Utf32}) {
            TextIndex index(text, e);
            for (const auto& c : chars) {
                const LspPosition& want = e == Encoding::Utf16 ? c.utf16 : e == Encoding::Utf8 ? c.utf8 : c.utf32;
                // A "\r\n" pair: the offset between its bytes is not a boundary the walk lists.
                INFO("offset " << c.offset);
                CHECK(index.offset(want) == c.offset);
                LspPosition got = index.position(c.offset);
                CHECK(got.line == want.line);
                CHECK(got.character == want.character);
            }
        }
    }
}

TEST_CASE("lsp text index: past the end of a line or the text, inside a surrogate pair") {
    const std::string text = "ab\xF0\x9F\x8E\x89x\r\nsecond";
    TextIndex index(text, Encoding::Utf16);
    CHECK(index.offset(LspPosition{0, 3}) == 2);   // inside 🎉: its start
    CHECK(index.offset(LspPosition{0, 99}) == 7);  // past the line: before its break
    CHECK(index.offset(LspPosition{5, 0}) == text.size());
    CHECK(index.position(8).line == 0);  // between \r and \n: still the first line
    CHECK(index.offset(pgfence::analyze::Position{2, 3}) == 11);  // pgfence's line 2, column 3
    CHECK(index.offset(pgfence::analyze::Position{1, 4}) == 6);   // code points: a, b, 🎉, x
    CHECK(index.after_character(2) == 6);
}

TEST_CASE("lsp text changes: ranges in each encoding") {
    std::string text = "SELECT '\xF0\x9F\x8E\x89'; CREATE INDEX i ON t (c);\nnext";
    TextChange change;
    change.start = change.end = LspPosition{0, 26};  // after "CREATE INDEX " in UTF-16 (🎉 is two)
    change.text = "CONCURRENTLY ";
    apply_change(text, change, Encoding::Utf16);
    CHECK(text == "SELECT '\xF0\x9F\x8E\x89'; CREATE INDEX CONCURRENTLY i ON t (c);\nnext");
    std::string bytes = "\xC3\xA9x";
    TextChange replace;
    replace.start = LspPosition{0, 2};
    replace.end = LspPosition{0, 3};
    replace.text = "y";
    apply_change(bytes, replace, Encoding::Utf8);
    CHECK(bytes == "\xC3\xA9y");
    TextChange whole;
    whole.whole = true;
    whole.text = "new";
    apply_change(bytes, whole, Encoding::Utf8);
    CHECK(bytes == "new");
}
