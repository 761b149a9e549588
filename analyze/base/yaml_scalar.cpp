#include "analyze/base/yaml_scalar.hpp"

#include "analyze/base/utf8.hpp"

namespace pgfence::analyze {

std::optional<std::string> yaml_quoted(std::string_view s, std::size_t& end) {
    if (s.empty() || (s.front() != '"' && s.front() != '\'')) return std::nullopt;
    const char quote = s.front();
    std::string out;
    for (std::size_t i = 1; i < s.size(); ++i) {
        const char c = s[i];
        if (c == quote) {
            if (quote == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {  // '' is one quote (§7.3.2)
                out += '\'';
                ++i;
                continue;
            }
            end = i + 1;
            return out;
        }
        if (c != '\\' || quote == '\'') {
            out += c;
            continue;
        }
        if (++i >= s.size()) return std::nullopt;  // an escaped line break: the scalar goes on over lines
        // YAML 1.2.2 §5.7, c-ns-esc-char: the one-character escapes and \x, \u, \U with 2, 4, 8 hex digits.
        int digits = 0;
        switch (s[i]) {
            case '0': out += '\0'; break;
            case 'a': out += '\a'; break;
            case 'b': out += '\b'; break;
            case 't': case '\t': out += '\t'; break;
            case 'n': out += '\n'; break;
            case 'v': out += '\v'; break;
            case 'f': out += '\f'; break;
            case 'r': out += '\r'; break;
            case 'e': out += '\x1b'; break;
            case ' ': out += ' '; break;
            case '"': out += '"'; break;
            case '/': out += '/'; break;
            case '\\': out += '\\'; break;
            case 'N': append_utf8(out, 0x85); break;
            case '_': append_utf8(out, 0xA0); break;
            case 'L': append_utf8(out, 0x2028); break;
            case 'P': append_utf8(out, 0x2029); break;
            case 'x': digits = 2; break;
            case 'u': digits = 4; break;
            case 'U': digits = 8; break;
            default: return std::nullopt;
        }
        if (digits == 0) continue;
        unsigned long code = 0;
        for (int k = 0; k < digits; ++k) {
            if (i + 1 >= s.size() || hex_value(s[i + 1]) < 0) return std::nullopt;
            code = code * 16 + static_cast<unsigned long>(hex_value(s[++i]));
        }
        if (code > 0x10FFFF) return std::nullopt;
        append_utf8(out, code);
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze
