#pragma once
// A streaming JSON writer for the report: text straight into a string, in the exact layout of
// nlohmann's dump(2) (which the report used to be built with, as a DOM per file: that DOM cost
// more than the analysis of the file). Keys must come in byte order, as a std::map-backed
// nlohmann object prints them; the writer checks it, so the layout cannot drift.
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::annotate {

class JsonWriter {
public:
    // Writes into `out`; every line after the first is indented by `base_indent` spaces. With
    // k_compact, no line breaks nor spaces at all: nlohmann's dump(-1) layout.
    static constexpr int k_compact = -1;
    explicit JsonWriter(std::string& out, int base_indent = 0) : m_out(out), m_base(base_indent) {}
    // A NUL byte in a string is written as U+FFFD, not \u0000 (PostgreSQL's jsonb cannot hold it).
    void nul_as_replacement(bool on) { m_nul_replaced = on; }

    void begin_object();
    void end_object();
    void begin_array();
    void end_array();
    // The next member's key (inside an object); its value follows. A key is one of the
    // report's own names, plain ASCII written as it is (never input text: that goes in values).
    // It is not copied: it must live until the object's next key or its end.
    JsonWriter& key(std::string_view k) { return key(k, true); }
    // A key that breaks the byte order on purpose (the report's "files" comes last).
    JsonWriter& last_key(std::string_view k) { return key(k, false); }

    void string(std::string_view s);
    void number(std::int64_t n);
    void number(double d);
    void boolean(bool b);
    void null();
    // A string, or null when it is empty.
    void string_or_null(std::string_view s);

    template <class T>
    JsonWriter& member(std::string_view k, const T& v) {
        key(k);
        put(v);
        return *this;
    }

private:
    void put(std::string_view s) { string(s); }
    void put(const std::string& s) { string(s); }
    void put(const char* s) { string(s); }
    void put(bool b) { boolean(b); }
    void put(int n) { number(static_cast<std::int64_t>(n)); }
    void put(long n) { number(static_cast<std::int64_t>(n)); }
    void put(long long n) { number(static_cast<std::int64_t>(n)); }
    void put(unsigned long n) { number(static_cast<std::int64_t>(n)); }
    void put(unsigned long long n) { number(static_cast<std::int64_t>(n)); }
    void put(double d) { number(d); }

    // The hot path (half a million keys in a large report) is inline, below the class; misuse
    // goes out of line.
    JsonWriter& key(std::string_view k, bool ordered);
    void before_value();
    [[noreturn]] void misplaced_key() const;
    [[noreturn]] static void key_out_of_order(std::string_view k, std::string_view last);
    [[noreturn]] static void value_without_key();
    void newline_indent(std::size_t depth);
    // A line break, the indent of `depth`, after a comma if asked, and then `key`'s lead-in.
    void line_start(bool comma, std::size_t depth, std::string_view key);

    struct Level {
        bool object;
        bool empty = true;
        // Objects: the previous key, to check the order. Not a copy: a key must live until the
        // object's next key (the report's keys are string literals).
        std::string_view last_key;
    };
    std::string& m_out;
    int m_base;
    std::vector<Level> m_levels;
    bool m_after_key = false;
    bool m_nul_replaced = false;
};

inline void JsonWriter::line_start(bool comma, std::size_t depth, std::string_view key) {
    // One write for a member's whole lead-in (",\n" + indent + "\"key\": "): the report has
    // millions of them, and separate appends cost more than the bytes.
    if (m_base < 0) {
        if (comma) m_out += ',';
        if (!key.empty()) {
            m_out += '"';
            m_out.append(key.data(), key.size());
            m_out += "\":";
        }
        return;
    }
    const std::size_t indent = static_cast<std::size_t>(m_base) + 2 * depth;
    const std::size_t quoted = key.empty() ? 0 : key.size() + 4;
    const std::size_t at = m_out.size();
    // Appended as spaces (the indent's bytes): the rest is written over them.
    m_out.append((comma ? 1 : 0) + 1 + indent + quoted, ' ');
    char* p = m_out.data() + at;
    if (comma) *p++ = ',';
    *p++ = '\n';
    p += indent;
    if (!key.empty()) {
        *p++ = '"';
        std::memcpy(p, key.data(), key.size());
        p += key.size();
        std::memcpy(p, "\": ", 3);
    }
}

inline void JsonWriter::before_value() {
    if (m_after_key) {
        m_after_key = false;
        return;
    }
    if (m_levels.empty()) return;
    Level& level = m_levels.back();
    if (level.object) value_without_key();
    const bool comma = !level.empty;
    level.empty = false;
    line_start(comma, m_levels.size(), {});
}

inline JsonWriter& JsonWriter::key(std::string_view k, bool ordered) {
    if (m_levels.empty() || !m_levels.back().object || m_after_key || k.empty()) misplaced_key();
    Level& level = m_levels.back();
    // The first byte decides nearly every pair of keys: the full comparison (a memcmp) only
    // when it does not. Half a million keys go through this over a large report.
    const std::string_view last = level.last_key;
    const bool after_last = level.empty || last.empty() ||
                            (k[0] != last[0] ? static_cast<unsigned char>(k[0]) > static_cast<unsigned char>(last[0]) : k > last);
    if (ordered && !after_last) key_out_of_order(k, level.last_key);
    const bool comma = !level.empty;
    level.empty = false;
    level.last_key = k;
    // Keys are the report's own names (plain ASCII, nothing to escape), never input text.
    line_start(comma, m_levels.size(), k);
    m_after_key = true;
    return *this;
}

inline void JsonWriter::boolean(bool b) {
    before_value();
    m_out += b ? "true" : "false";
}

inline void JsonWriter::null() {
    before_value();
    m_out += "null";
}

// Appends `s` as a JSON string body (no quotes) the way nlohmann's dump does with
// error_handler_t::replace: control bytes as \uXXXX, invalid UTF-8 as U+FFFD.
// With `nul_replaced`, a NUL byte as U+FFFD.
void append_json_escaped(std::string& out, std::string_view s, bool nul_replaced = false);

inline void JsonWriter::string(std::string_view s) {
    before_value();
    m_out += '"';
    append_json_escaped(m_out, s, m_nul_replaced);
    m_out += '"';
}

inline void JsonWriter::number(std::int64_t n) {
    before_value();
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
    m_out.append(digits, static_cast<std::size_t>(end - digits));
}

}  // namespace pgfence::annotate
