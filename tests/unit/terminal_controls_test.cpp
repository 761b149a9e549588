// The text report shows no byte sequence a terminal acts on, whatever the migration holds:
// C0 controls (ESC, BEL, CR), DEL, and the C1 controls (CSI U+009B, OSC U+009D, ...) both as
// UTF-8 (xterm and VTE act on U+0080..U+009F) and as raw 8-bit bytes (a Latin-1 terminal's).
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "analyze/analyzer.hpp"
#include "analyze/base/utf8.hpp"
#include "annotate/printable.hpp"
#include "annotate/terminal.hpp"

using namespace pgfence;

namespace {

// The first control a terminal would act on, as an offset, or npos.
std::size_t control_at(const std::string& text) {
    for (std::size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return i;
            ++i;
            continue;
        }
        int step = analyze::utf8_step(text, i);
        if (step < 0) return i;                                                   // raw 8-bit byte
        if (c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) return i;  // U+0080..U+009F
        i += static_cast<std::size_t>(step);
    }
    return std::string::npos;
}

}  // namespace

TEST_CASE("text report: no C0 or C1 control from the input reaches the terminal", "[terminal]") {
    for (std::string control : {"\x1b[2J", "\x07", "\r", "\xC2\x9B" "2J", "\xC2\x9D" "0;title\xC2\x9C", "\x9b" "2J",
                                "\x9d" "0;t\x07", "\xC2\x85"}) {
        std::string name = "t" + control + "x";
        std::string sql = "CREATE INDEX i ON \"" + name + "\" (a);\nALTER TABLE \"" + name +
                          "\" ADD COLUMN b int NOT NULL;\n-- " + control + "\nSELECT '" + control + "';\nSELEC " + control + ";\n";
        analyze::AnalyzeOptions options;
        analyze::Report report;
        report.files.push_back(analyze::analyze_text("db/" + control + ".sql", sql, options));
        std::ostringstream out;
        annotate::render_terminal(report, out, annotate::TerminalOptions{false});
        std::string text = out.str();
        INFO(text);
        CHECK(control_at(text) == std::string::npos);
    }
    CHECK_FALSE(annotate::is_printable("a\xC2\x9B" "b"));
    CHECK_FALSE(annotate::is_printable("abcdefgh\x9b"));
    CHECK(annotate::printable("\xC2\x9B" "2J") == "\xEF\xBF\xBD" "2J");
    CHECK(annotate::is_printable("caf\xC3\xA9 \xE2\x82\xAC \xC2\xA0 \xF0\x9F\x90\x98"));
}
