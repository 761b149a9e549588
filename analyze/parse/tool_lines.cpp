#include "analyze/parse/tool_lines.hpp"

#include <array>

namespace pgfence::analyze {
namespace {

// U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR, UTF-8 encoded. Node decodes a file
// read as 'utf8' with the WHATWG decoder, where a lead byte 0xE2 is never taken as part of an
// earlier malformed sequence: these three bytes are that character wherever they appear.
constexpr std::string_view k_ls = "\xE2\x80\xA8";
constexpr std::string_view k_ps = "\xE2\x80\xA9";

}  // namespace

std::size_t line_break_at(std::string_view text, std::size_t at, LineConvention convention) {
    if (at >= text.size()) return 0;
    const char c = text[at];
    switch (convention) {
        case LineConvention::Postgres: return c == '\n' || c == '\r' ? 1 : 0;
        case LineConvention::GoScanLines:
        case LineConvention::LineFeed: return c == '\n' ? 1 : 0;
        case LineConvention::JavaScript: {
            if (c == '\n' || c == '\r') return 1;
            std::string_view rest = text.substr(at);
            return rest.starts_with(k_ls) || rest.starts_with(k_ps) ? 3 : 0;
        }
    }
    return 0;
}

std::size_t line_end(std::string_view text, std::size_t at, LineConvention convention) {
    switch (convention) {
        case LineConvention::Postgres: {
            std::size_t end = text.find_first_of("\r\n", at);
            return end == std::string_view::npos ? text.size() : end;
        }
        case LineConvention::GoScanLines:
        case LineConvention::LineFeed: {
            std::size_t end = text.find('\n', at);
            return end == std::string_view::npos ? text.size() : end;
        }
        case LineConvention::JavaScript:
            for (std::size_t i = at; i < text.size(); ++i) {
                if (line_break_at(text, i, convention) > 0) return i;
            }
            return text.size();
    }
    return text.size();
}

bool line_start(std::string_view text, std::size_t at, LineConvention convention) {
    if (at == 0) return true;
    if (at > text.size()) return false;
    const char before = text[at - 1];
    switch (convention) {
        case LineConvention::Postgres: return before == '\n' || before == '\r';
        case LineConvention::GoScanLines:
        case LineConvention::LineFeed: return before == '\n';
        case LineConvention::JavaScript:
            return before == '\n' || before == '\r' ||
                   (at >= 3 && (text.substr(at - 3, 3) == k_ls || text.substr(at - 3, 3) == k_ps));
    }
    return false;
}

void for_each_line(std::string_view text, LineConvention convention, const std::function<bool(const ToolLine&)>& each) {
    for (std::size_t start = 0; start <= text.size();) {
        const std::size_t brk = line_end(text, start, convention);
        ToolLine line;
        line.begin = start;
        line.end = brk;
        // bufio.ScanLines' dropCR: one CR before the LF, or before the end of the text.
        if (convention == LineConvention::GoScanLines && line.end > start && text[line.end - 1] == '\r') --line.end;
        const std::size_t width = line_break_at(text, brk, convention);
        line.next = width == 0 ? text.size() : brk + width;
        line.text = text.substr(line.begin, line.end - line.begin);
        if (!each(line) || width == 0) return;
        start = line.next;
    }
}

std::size_t js_space_at(std::string_view text, std::size_t at) {
    if (at >= text.size()) return 0;
    const unsigned char c = static_cast<unsigned char>(text[at]);
    if (c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == ' ') return 1;
    if (c < 0xC2) return 0;
    // U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF.
    static constexpr std::array<std::string_view, 19> k_wide = {
        "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x81", "\xE2\x80\x82", "\xE2\x80\x83", "\xE2\x80\x84",
        "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87", "\xE2\x80\x88", "\xE2\x80\x89", "\xE2\x80\x8A", "\xE2\x80\xA8",
        "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80", "\xEF\xBB\xBF"};
    std::string_view rest = text.substr(at);
    for (std::string_view w : k_wide) {
        if (rest.starts_with(w)) return w.size();
    }
    return 0;
}

}  // namespace pgfence::analyze
