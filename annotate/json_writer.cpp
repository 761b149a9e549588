#include "annotate/json_writer.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "analyze/utf8.hpp"

namespace pgfence::annotate {

void append_json_escaped(std::string& out, std::string_view s) {
    static const char* k_hex = "0123456789abcdef";
    std::size_t i = 0;
    while (i < s.size()) {
        // Runs of plain ASCII are copied at once.
        std::size_t run = i;
        while (run < s.size()) {
            auto c = static_cast<unsigned char>(s[run]);
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80 || c == '[') break;
            ++run;
        }
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
        default:
            out += "\\u00";
            out += k_hex[c >> 4];
            out += k_hex[c & 0xF];
        }
        ++i;
    }
}

void JsonWriter::newline_indent(std::size_t depth) {
    m_out += '\n';
    m_out.append(static_cast<std::size_t>(m_base) + 2 * depth, ' ');
}

void JsonWriter::before_value() {
    if (m_after_key) {
        m_after_key = false;
        return;
    }
    if (m_levels.empty()) return;
    Level& level = m_levels.back();
    if (level.object) throw std::logic_error("JsonWriter: a value inside an object needs a key");
    m_out += level.empty ? "" : ",";
    level.empty = false;
    newline_indent(m_levels.size());
}

JsonWriter& JsonWriter::key(std::string_view k, bool ordered) {
    if (m_levels.empty() || !m_levels.back().object || m_after_key) throw std::logic_error("JsonWriter: a key outside an object");
    Level& level = m_levels.back();
    if (ordered && !level.empty && k <= level.last_key) {
        throw std::logic_error("JsonWriter: key \"" + std::string(k) + "\" after \"" + level.last_key + "\"");
    }
    m_out += level.empty ? "" : ",";
    level.empty = false;
    level.last_key.assign(k);
    newline_indent(m_levels.size());
    m_out += '"';
    append_json_escaped(m_out, k);
    m_out += "\": ";
    m_after_key = true;
    return *this;
}

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

void JsonWriter::string(std::string_view s) {
    before_value();
    m_out += '"';
    append_json_escaped(m_out, s);
    m_out += '"';
}

void JsonWriter::string_or_null(std::string_view s) {
    if (s.empty()) null();
    else string(s);
}

void JsonWriter::number(std::int64_t n) {
    before_value();
    m_out += std::to_string(n);
}

void JsonWriter::number(double d) {
    before_value();
    // nlohmann's shortest round-trip form ("1.0", "1e+20", null for NaN): only stats figures
    // are floating point, so reusing its formatter costs nothing measurable.
    m_out += nlohmann::json(d).dump();
}

void JsonWriter::boolean(bool b) {
    before_value();
    m_out += b ? "true" : "false";
}

void JsonWriter::null() {
    before_value();
    m_out += "null";
}

}  // namespace pgfence::annotate
