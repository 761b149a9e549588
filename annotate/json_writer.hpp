#pragma once
// A streaming JSON writer for the report: text straight into a string, in the exact layout of
// nlohmann's dump(2) (which the report used to be built with, as a DOM per file: that DOM cost
// more than the analysis of the file). Keys must come in byte order, as a std::map-backed
// nlohmann object prints them; the writer checks it, so the layout cannot drift.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::annotate {

class JsonWriter {
public:
    // Writes into `out`; every line after the first is indented by `base_indent` spaces.
    explicit JsonWriter(std::string& out, int base_indent = 0) : m_out(out), m_base(base_indent) {}

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

    JsonWriter& key(std::string_view k, bool ordered);
    void before_value();
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
};

// Appends `s` as a JSON string body (no quotes) the way nlohmann's dump does with
// error_handler_t::replace: control bytes as \uXXXX, invalid UTF-8 as U+FFFD.
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace pgfence::annotate
