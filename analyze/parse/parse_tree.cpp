#include "analyze/parse/parse_tree.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

namespace pgfence::analyze {

// Bump allocation in blocks; nothing is freed before the whole tree is.
struct ParseTree::Arena {
    std::vector<std::unique_ptr<char[]>> blocks;
    char* cursor = nullptr;
    std::size_t left = 0;
    std::size_t next = 0;  // the size of the last block

    void* allocate(std::size_t bytes, std::size_t align) {
        std::size_t pad = (align - reinterpret_cast<std::uintptr_t>(cursor) % align) % align;
        if (cursor == nullptr || pad + bytes > left) {
            // The first block is the size decode() estimated (a small statement's tree is small:
            // a million of them must not take a 4 KiB block each); each later one at least
            // doubles the last, so a big tree takes few blocks.
            next = !blocks.empty() ? next * 2 : next > 0 ? next : k_block;
            std::size_t size = bytes + align > next ? bytes + align : next;
            blocks.push_back(std::make_unique_for_overwrite<char[]>(size));
            cursor = blocks.back().get();
            left = size;
            pad = (align - reinterpret_cast<std::uintptr_t>(cursor) % align) % align;
        }
        void* at = cursor + pad;
        cursor += pad + bytes;
        left -= pad + bytes;
        return at;
    }

    template <class T>
    T* copy(const T* from, std::size_t count) {
        if (count == 0) return nullptr;
        T* to = static_cast<T*>(allocate(sizeof(T) * count, alignof(T)));
        std::memcpy(static_cast<void*>(to), from, sizeof(T) * count);
        return to;
    }

    static constexpr std::size_t k_block = 4 * 1024;
};

namespace {

static_assert(std::is_trivially_copyable_v<Node> && std::is_trivially_copyable_v<Member>);

constexpr int k_max_depth = 20000;

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char* put_utf8(char* out, std::uint32_t cp) {
    if (cp < 0x80) {
        *out++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
        *out++ = static_cast<char>(0xC0 | (cp >> 6));
        *out++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *out++ = static_cast<char>(0xE0 | (cp >> 12));
        *out++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        *out++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        *out++ = static_cast<char>(0xF0 | (cp >> 18));
        *out++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        *out++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        *out++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
    return out;
}

// Recursive descent over a mutable copy of the text: strings are unescaped in place (never
// longer than their escaped form) and nodes view them. Elements and members gather on shared
// stacks and move into the arena once their container closes.
class Decoder {
public:
    Decoder(char* text, std::size_t size, ParseTree::Arena& arena) : m_p(text), m_end(text + size), m_arena(arena) {}

    bool document(Node& out) {
        m_elements.clear();  // a failed decode may have left some behind
        m_members.clear();
        if (!value(out, 0)) return false;
        skip_space();
        return m_p == m_end || fail("trailing characters after the JSON value");
    }
    [[nodiscard]] const std::string& error() const { return m_error; }

private:
    bool fail(const char* why) {
        if (m_error.empty()) m_error = why;
        return false;
    }

    void skip_space() {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\t' || *m_p == '\r')) ++m_p;
    }

    bool value(Node& out, int depth) {
        if (depth > k_max_depth) return fail("the parse tree nests too deeply");
        skip_space();
        if (m_p == m_end) return fail("unexpected end of the parse tree");
        switch (*m_p) {
        case '{': return object(out, depth);
        case '[': return array(out, depth);
        case '"': {
            std::string_view s;
            if (!string(s)) return false;
            out = Node::string(s);
            return true;
        }
        case 't': return literal("true", Node::boolean(true), out);
        case 'f': return literal("false", Node::boolean(false), out);
        case 'n': return literal("null", Node(), out);
        default: return number(out);
        }
    }

    bool literal(std::string_view word, Node node, Node& out) {
        if (static_cast<std::size_t>(m_end - m_p) < word.size() || std::string_view(m_p, word.size()) != word) {
            return fail("invalid literal in the parse tree");
        }
        m_p += word.size();
        out = node;
        return true;
    }

    bool number(Node& out) {
        char* start = m_p;
        bool negative = m_p < m_end && *m_p == '-';
        if (negative) ++m_p;
        std::uint64_t magnitude = 0;
        bool digits = false, overflow = false;
        while (m_p < m_end && *m_p >= '0' && *m_p <= '9') {
            if (magnitude > (UINT64_MAX - 9) / 10) overflow = true;
            magnitude = magnitude * 10 + static_cast<std::uint64_t>(*m_p - '0');
            digits = true;
            ++m_p;
        }
        if (!digits) return fail("unexpected character in the parse tree");
        bool fraction = m_p < m_end && (*m_p == '.' || *m_p == 'e' || *m_p == 'E');
        if (fraction || overflow || magnitude > static_cast<std::uint64_t>(INT64_MAX)) {
            // The text ends in a NUL the decoder appended, so strtod stops in bounds.
            char* stop = nullptr;
            double d = std::strtod(start, &stop);
            if (stop == start) return fail("invalid number in the parse tree");
            m_p = stop;
            out = Node::floating(d);
            return true;
        }
        auto i = static_cast<std::int64_t>(magnitude);
        out = Node::integer(negative ? -i : i);
        return true;
    }

    bool string(std::string_view& out) {
        char* read = ++m_p;  // past the opening quote
        // Fast path: no escape, the string is viewed where it stands.
        while (read < m_end && *read != '"' && *read != '\\') ++read;
        char* write = read;
        while (read < m_end && *read != '"') {
            if (*read != '\\') {
                *write++ = *read++;
                continue;
            }
            if (++read == m_end) break;
            char e = *read++;
            switch (e) {
            case '"': *write++ = '"'; break;
            case '\\': *write++ = '\\'; break;
            case '/': *write++ = '/'; break;
            case 'b': *write++ = '\b'; break;
            case 'f': *write++ = '\f'; break;
            case 'n': *write++ = '\n'; break;
            case 'r': *write++ = '\r'; break;
            case 't': *write++ = '\t'; break;
            case 'u': {
                std::uint32_t cp = 0;
                if (!hex4(read, cp)) return fail("invalid \\u escape in the parse tree");
                if (cp >= 0xD800 && cp < 0xDC00 && m_end - read >= 6 && read[0] == '\\' && read[1] == 'u') {
                    char* low_at = read + 2;
                    std::uint32_t low = 0;
                    if (hex4(low_at, low) && low >= 0xDC00 && low < 0xE000) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        read = low_at;
                    }
                }
                write = put_utf8(write, cp);  // at most 4 bytes for 6 or 12 read
                break;
            }
            default: return fail("invalid escape in the parse tree");
            }
        }
        if (read == m_end) return fail("unterminated string in the parse tree");
        out = std::string_view(m_p, static_cast<std::size_t>(write - m_p));
        m_p = read + 1;
        return true;
    }

    bool hex4(char*& at, std::uint32_t& cp) {
        if (m_end - at < 4) return false;
        for (int k = 0; k < 4; ++k) {
            int d = hex_digit(at[k]);
            if (d < 0) return false;
            cp = cp * 16 + static_cast<std::uint32_t>(d);
        }
        at += 4;
        return true;
    }

    bool array(Node& out, int depth) {
        ++m_p;
        std::size_t base = m_elements.size();
        skip_space();
        if (m_p < m_end && *m_p == ']') {
            ++m_p;
            out = Node::array();
            return true;
        }
        while (true) {
            Node element;
            if (!value(element, depth + 1)) return false;
            m_elements.push_back(element);
            skip_space();
            if (m_p < m_end && *m_p == ',') {
                ++m_p;
                continue;
            }
            if (m_p < m_end && *m_p == ']') {
                ++m_p;
                break;
            }
            return fail("expected ',' or ']' in the parse tree");
        }
        auto count = static_cast<std::uint32_t>(m_elements.size() - base);
        out = Node::array(m_arena.copy(m_elements.data() + base, count), count);
        m_elements.resize(base);
        return true;
    }

    bool object(Node& out, int depth) {
        ++m_p;
        std::size_t base = m_members.size();
        skip_space();
        if (m_p < m_end && *m_p == '}') {
            ++m_p;
            out = Node::object();
            return true;
        }
        while (true) {
            skip_space();
            if (m_p == m_end || *m_p != '"') return fail("expected a key in the parse tree");
            Member member;
            if (!string(member.key)) return false;
            skip_space();
            if (m_p == m_end || *m_p != ':') return fail("expected ':' in the parse tree");
            ++m_p;
            if (!value(member.value, depth + 1)) return false;
            m_members.push_back(member);
            skip_space();
            if (m_p < m_end && *m_p == ',') {
                ++m_p;
                continue;
            }
            if (m_p < m_end && *m_p == '}') {
                ++m_p;
                break;
            }
            return fail("expected ',' or '}' in the parse tree");
        }
        auto count = static_cast<std::uint32_t>(m_members.size() - base);
        out = Node::object(m_arena.copy(m_members.data() + base, count), count);
        m_members.resize(base);
        return true;
    }

    char* m_p;
    char* m_end;
    ParseTree::Arena& m_arena;
    // Shared by every tree a thread decodes: their capacity is kept between statements.
    static thread_local std::vector<Node> m_elements;
    static thread_local std::vector<Member> m_members;
    std::string m_error;
};

thread_local std::vector<Node> Decoder::m_elements;
thread_local std::vector<Member> Decoder::m_members;

void dump_string(std::string& out, std::string_view s) {
    out += '"';
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                static const char* k_hex = "0123456789abcdef";
                out += "\\u00";
                out += k_hex[(c >> 4) & 0xF];
                out += k_hex[c & 0xF];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

void dump_node(std::string& out, const Node& node) {
    switch (node.type()) {
    case Node::Type::Null: out += "null"; break;
    case Node::Type::Boolean: out += node.get<bool>() ? "true" : "false"; break;
    case Node::Type::Integer: out += std::to_string(node.get<std::int64_t>()); break;
    case Node::Type::Float: {
        if (!std::isfinite(node.get<double>())) {  // 1e999: JSON has no infinity
            out += "null";
            break;
        }
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", node.get<double>());
        out += buf;
        break;
    }
    case Node::Type::String: dump_string(out, node.string_view()); break;
    case Node::Type::Array: {
        out += '[';
        bool first = true;
        for (const Node& e : node) {
            if (!first) out += ',';
            first = false;
            dump_node(out, e);
        }
        out += ']';
        break;
    }
    case Node::Type::Object: {
        out += '{';
        bool first = true;
        for (const auto& [key, value] : node.items()) {
            if (!first) out += ',';
            first = false;
            dump_string(out, key);
            out += ':';
            dump_node(out, value);
        }
        out += '}';
        break;
    }
    }
}

}  // namespace

const Node& Node::Iterator::operator*() const { return m_member != nullptr ? m_member->value : *m_element; }

std::string_view Node::Iterator::key() const { return m_member != nullptr ? m_member->key : std::string_view(); }

Node::Iterator& Node::Iterator::operator++() {
    if (m_member != nullptr) ++m_member;
    else ++m_element;
    return *this;
}

Node Node::boolean(bool b) {
    Node n;
    n.m_type = Type::Boolean;
    n.m_boolean = b;
    return n;
}

Node Node::integer(std::int64_t i) {
    Node n;
    n.m_type = Type::Integer;
    n.m_integer = i;
    return n;
}

Node Node::floating(double d) {
    Node n;
    n.m_type = Type::Float;
    n.m_float = d;
    return n;
}

Node Node::string(std::string_view s) {
    Node n;
    n.m_type = Type::String;
    n.m_string = s.data();
    n.m_size = static_cast<std::uint32_t>(s.size());
    return n;
}

Node Node::array(const Node* elements, std::uint32_t count) {
    Node n;
    n.m_type = Type::Array;
    n.m_elements = elements;
    n.m_size = count;
    return n;
}

Node Node::object(const Member* members, std::uint32_t count) {
    Node n;
    n.m_type = Type::Object;
    n.m_members = members;
    n.m_size = count;
    return n;
}

const Node& Node::null_node() {
    static const Node k_null;
    return k_null;
}

const Member* Node::find_member(std::string_view key) const {
    if (m_type != Type::Object) return nullptr;
    for (std::uint32_t i = 0; i < m_size; ++i) {
        if (m_members[i].key == key) return &m_members[i];
    }
    return nullptr;
}

const Node* Node::member_value(std::string_view key) const {
    const Member* m = find_member(key);
    return m != nullptr ? &m->value : nullptr;
}

const Node& Node::operator[](std::string_view key) const {
    const Node* v = member_value(key);
    return v != nullptr ? *v : null_node();
}

const Node& Node::operator[](std::size_t index) const {
    if (m_type == Type::Array && index < m_size) return m_elements[index];
    return null_node();
}

Node Node::slice(std::size_t first, std::size_t count) const {
    if (m_type != Type::Array || first >= m_size) return array();
    if (count > m_size - first) count = m_size - first;
    return array(m_elements + first, static_cast<std::uint32_t>(count));
}

Node with_member(const Node& object, std::string_view key, const Node& value, std::vector<Member>& storage) {
    storage.clear();
    bool replaced = false;
    for (const Member& m : object.items()) {
        storage.push_back(m);
        if (m.key == key) {
            storage.back().value = value;
            replaced = true;
        }
    }
    if (!replaced) storage.push_back({key, value});
    return Node::object(storage.data(), static_cast<std::uint32_t>(storage.size()));
}

Node::Iterator Node::begin() const {
    if (m_type == Type::Object) return {nullptr, m_members};
    if (m_type == Type::Array) return {m_elements, nullptr};
    if (m_type == Type::Null) return {};
    return {this, nullptr};
}

Node::Iterator Node::end() const {
    if (m_type == Type::Object) return {nullptr, m_members + m_size};
    if (m_type == Type::Array) return {m_elements + m_size, nullptr};
    if (m_type == Type::Null) return {};
    return {this + 1, nullptr};
}

Node::Iterator Node::find(std::string_view key) const {
    const Member* m = find_member(key);
    return m != nullptr ? Iterator(nullptr, m) : end();
}

Node::Members Node::items() const {
    if (m_type != Type::Object) return {nullptr, nullptr};
    return {m_members, m_members + m_size};
}

std::string Node::value(std::string_view key, const char* fallback) const {
    const Node* v = member_value(key);
    return v != nullptr && v->is_string() ? std::string(v->string_view()) : std::string(fallback);
}

std::string Node::value(std::string_view key, const std::string& fallback) const {
    const Node* v = member_value(key);
    return v != nullptr && v->is_string() ? std::string(v->string_view()) : fallback;
}

int Node::value(std::string_view key, int fallback) const {
    const Node* v = member_value(key);
    return v != nullptr && v->is_number_integer() ? static_cast<int>(v->m_integer) : fallback;
}

std::int64_t Node::value(std::string_view key, std::int64_t fallback) const {
    const Node* v = member_value(key);
    return v != nullptr && v->is_number_integer() ? v->m_integer : fallback;
}

bool Node::value(std::string_view key, bool fallback) const {
    const Node* v = member_value(key);
    return v != nullptr && v->is_boolean() ? v->m_boolean : fallback;
}

Node Node::value(std::string_view key, const Node& fallback) const {
    const Node* v = member_value(key);
    return v != nullptr && !v->is_null() ? *v : fallback;
}

std::string Node::dump() const {
    std::string out;
    dump_node(out, *this);
    return out;
}

ParseTree::ParseTree() : m_arena(std::make_unique<Arena>()) {}
ParseTree::~ParseTree() = default;
ParseTree::ParseTree(ParseTree&&) noexcept = default;
ParseTree& ParseTree::operator=(ParseTree&&) noexcept = default;

ParseTree ParseTree::decode(std::string_view json) {
    ParseTree tree;
    // The nodes of libpg_query's output take about three times its text: one block for both.
    tree.m_arena->next = (json.size() + 1) * 4 + 128;
    char* text = static_cast<char*>(tree.m_arena->allocate(json.size() + 1, 1));
    std::memcpy(text, json.data(), json.size());
    text[json.size()] = '\0';
    Decoder decoder(text, json.size(), *tree.m_arena);
    if (!decoder.document(tree.m_root)) {
        tree.m_root = Node();
        tree.m_error = decoder.error();
    }
    return tree;
}

}  // namespace pgfence::analyze
