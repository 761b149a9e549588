#include "analyze/migrations/release_text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "analyze/base/utf8.hpp"

namespace pgfence::analyze::tools {
namespace {

bool hex(std::string_view s, std::size_t from, std::size_t n, std::uint32_t& v) {
    if (from + n > s.size()) return false;
    v = 0;
    for (std::size_t i = from; i < from + n; ++i) {
        const char c = s[i];
        if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return false;
        v = v * 16 + static_cast<std::uint32_t>(std::isdigit(static_cast<unsigned char>(c)) != 0 ? c - '0' : (std::tolower(c) - 'a' + 10));
    }
    return true;
}

}  // namespace

bool decode_escape(std::string_view s, std::size_t& at, std::string& out) {
    if (at + 1 >= s.size()) return false;
    const char e = s[at + 1];
    // JSON (RFC 8259 section 7) and YAML 1.2 (section 5.7, escaped characters).
    const std::string_view from = "ntrbf/\"\\0av e\t", to = "\n\t\r\b\f/\"\\\0\a\v \x1b\t";
    if (const std::size_t k = from.find(e); k != std::string_view::npos) {
        out += to[k];
        ++at;
        return true;
    }
    std::uint32_t c = 0;
    switch (e) {
        case 'N': append_utf8(out, 0x85); ++at; return true;
        case '_': append_utf8(out, 0xA0); ++at; return true;
        case 'L': append_utf8(out, 0x2028); ++at; return true;
        case 'P': append_utf8(out, 0x2029); ++at; return true;
        case 'x':
            if (!hex(s, at + 2, 2, c)) return false;
            append_utf8(out, c);
            at += 3;
            return true;
        case 'U':
            if (!hex(s, at + 2, 8, c) || c > 0x10FFFF) return false;
            append_utf8(out, c);
            at += 9;
            return true;
        case 'u': {
            if (!hex(s, at + 2, 4, c)) return false;
            at += 5;
            // A surrogate pair (`\uD83D\uDE00`), as JSON.parse joins it.
            std::uint32_t low = 0;
            if (c >= 0xD800 && c < 0xDC00 && at + 2 < s.size() && s[at + 1] == '\\' && s[at + 2] == 'u' && hex(s, at + 3, 4, low) &&
                low >= 0xDC00 && low < 0xE000) {
                c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
                at += 6;
            }
            append_utf8(out, c);
            return true;
        }
        default: return false;
    }
}

std::string release_line_opaque(std::string_view l) {
    bool token = true;  // at the start of a YAML node: the line's start, after `- `, `: `, `[`, `{`, `,`
    bool quote_ended = false;  // the last thing read was a quoted string (`"a":"b"`: its `:` starts a node)
    for (std::size_t i = 0; i < l.size(); ++i) {
        const char c = l[i];
        // A quote inside a plain YAML scalar (`message: don't`) is a character of it.
        if (token && (c == '"' || c == '\'')) {
            std::size_t j = i + 1;
            std::string sink;
            for (; j < l.size() && l[j] != c; ++j) {
                if (c == '\'' || l[j] != '\\') continue;
                if (!decode_escape(l, j, sink)) return "an escape pgfence does not decode";
            }
            if (j >= l.size()) {
                // YAML's `''` inside single quotes is two strings back to back here; a string open at
                // the line's end goes on to the next line.
                return "a quoted value that goes on past its line";
            }
            i = j;
            token = false;
            quote_ended = true;
            continue;
        }
        if (c == '#' && (i == 0 || l[i - 1] == ' ' || l[i - 1] == '\t')) break;  // a YAML comment
        if (c == ' ' || c == '\t' || c == '\r') continue;
        if (token && c == '!') return "a YAML tag";
        if (token && (c == '&' || c == '*') && i + 1 < l.size() && l[i + 1] != ' ') return "a YAML anchor or alias";
        if (token && c == '?' && (i + 1 == l.size() || l[i + 1] == ' ')) return "a YAML explicit key";
        if (token && c == '<' && l.substr(i).starts_with("<<")) {
            const std::size_t k = l.find_first_not_of(" \t", i + 2);
            if (k != std::string_view::npos && l[k] == ':') return "a YAML merge key";
        }
        if (c == '-' && (i + 1 == l.size() || l[i + 1] == ' ')) {
            token = true;
            quote_ended = false;
            continue;
        }
        token = c == '[' || c == '{' || c == ',' || (c == ':' && (quote_ended || i + 1 == l.size() || l[i + 1] == ' ' || l[i + 1] == '\t'));
        quote_ended = false;
    }
    return "";
}

std::optional<std::pair<std::string_view, int>> package_json_object(std::string_view text, std::string_view key) {
    const std::string quoted_key = "\"" + std::string(key) + "\"";
    for (std::size_t at = text.find(quoted_key); at != std::string_view::npos; at = text.find(quoted_key, at + 1)) {
        std::size_t v = text.find_first_not_of(" \t\r\n", at + quoted_key.size());
        if (v == std::string_view::npos || text[v] != ':') continue;
        v = text.find_first_not_of(" \t\r\n", v + 1);
        if (v == std::string_view::npos || text[v] != '{') continue;
        int level = 0;
        std::size_t end = v;
        for (; end < text.size(); ++end) {
            if (text[end] == '"') {
                for (++end; end < text.size() && text[end] != '"'; ++end) end += text[end] == '\\' ? 1 : 0;
            } else if (text[end] == '{') {
                ++level;
            } else if (text[end] == '}' && --level == 0) {
                break;
            }
        }
        const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(v), '\n'));
        return std::make_pair(text.substr(v, std::min(end + 1, text.size()) - v), line);
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze::tools
