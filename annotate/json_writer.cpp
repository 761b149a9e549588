#include "annotate/json_writer.hpp"

#include <cstring>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "analyze/base/utf8.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pgfence::annotate {

namespace {

constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
constexpr std::uint64_t k_highs = 0x8080808080808080ULL;

// Whether any byte of the word equals b.
constexpr std::uint64_t has_byte(std::uint64_t w, unsigned char b) {
    std::uint64_t x = w ^ (k_ones * b);
    return (x - k_ones) & ~x & k_highs;
}

// The length of the leading run of `s` (from `i`) that JSON takes as it is: no control byte,
// quote, backslash, '[' (for "##[") or non-ASCII byte. Sixteen or eight bytes at a time.
std::size_t plain_run_end(std::string_view s, std::size_t i) {
#if defined(__SSE2__)
    // Sixteen at a time where the instructions exist: a signed compare finds both the control
    // bytes and (as negative numbers) the non-ASCII ones.
    const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
                  bracket = _mm_set1_epi8('[');
    for (; i + 16 <= s.size(); i += 16) {
        __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
        __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(w, space), _mm_cmpeq_epi8(w, quote)),
                                       _mm_or_si128(_mm_cmpeq_epi8(w, backslash), _mm_cmpeq_epi8(w, bracket)));
        int mask = _mm_movemask_epi8(special);
        if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
#endif
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        std::uint64_t special = ((w - k_ones * 0x20) & ~w & k_highs)  // below 0x20
                                | (w & k_highs)                         // 0x80 and above
                                | has_byte(w, '"') | has_byte(w, '\\') | has_byte(w, '[');
        if (special != 0) break;
    }
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80 || c == '[') break;
        ++i;
    }
    return i;
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view s, bool nul_replaced) {
    static const char* k_hex = "0123456789abcdef";
    std::size_t i = 0;
    while (i < s.size()) {
        // Runs of plain ASCII are copied at once.
        std::size_t run = plain_run_end(s, i);
        out.append(s.data() + i, run - i);
        i = run;
        if (i == s.size()) break;
        auto c = static_cast<unsigned char>(s[i]);
        if (c == '[') {
            // "##[" is a workflow command to a CI runner reading the output; "##\u005b" is not.
            out += i >= 2 && s[i - 1] == '#' && s[i - 2] == '#' ? "\\u005b" : "[";
            ++i;
            continue;
        }
        if (c >= 0x80) {
            int step = analyze::utf8_step(s, i);
            if (step > 0) {
                out.append(s.data() + i, static_cast<std::size_t>(step));
                i += static_cast<std::size_t>(step);
            } else {
                out += "\xEF\xBF\xBD";
                i += static_cast<std::size_t>(-step);
            }
            continue;
        }
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\0':
            if (nul_replaced) {
                out += "\xEF\xBF\xBD";
                break;
            }
            out += "\\u0000";
            break;
        default:
            out += "\\u00";
            out += k_hex[c >> 4];
            out += k_hex[c & 0xF];
        }
        ++i;
    }
}

void JsonWriter::newline_indent(std::size_t depth) {
    if (m_base >= 0) line_start(false, depth, {});
}

void JsonWriter::misplaced_key() const {
    if (m_levels.empty() || !m_levels.back().object || m_after_key) throw std::logic_error("JsonWriter: a key outside an object");
    throw std::logic_error("JsonWriter: an empty key");
}

void JsonWriter::key_out_of_order(std::string_view k, std::string_view last) {
    throw std::logic_error("JsonWriter: key \"" + std::string(k) + "\" after \"" + std::string(last) + "\"");
}

void JsonWriter::value_without_key() { throw std::logic_error("JsonWriter: a value inside an object needs a key"); }




void JsonWriter::begin_object() {
    before_value();
    m_out += '{';
    m_levels.push_back(Level{true, true, {}});
}

void JsonWriter::begin_array() {
    before_value();
    m_out += '[';
    m_levels.push_back(Level{false, true, {}});
}

void JsonWriter::end_object() {
    bool empty = m_levels.back().empty;
    m_levels.pop_back();
    if (!empty) newline_indent(m_levels.size());
    m_out += '}';
}

void JsonWriter::end_array() {
    bool empty = m_levels.back().empty;
    m_levels.pop_back();
    if (!empty) newline_indent(m_levels.size());
    m_out += ']';
}


void JsonWriter::string_or_null(std::string_view s) {
    if (s.empty()) null();
    else string(s);
}


void JsonWriter::number(double d) {
    before_value();
    // nlohmann's shortest round-trip form ("1.0", "1e+20", null for NaN): only stats figures
    // are floating point, so reusing its formatter costs nothing measurable.
    m_out += nlohmann::json(d).dump();
}



}  // namespace pgfence::annotate
