#pragma once
// libpg_query's JSON parse tree, decoded into one arena per statement. A general JSON DOM
// (nlohmann) spent a third of pgfence's time building and freeing maps of strings for every
// statement; this tree is read-only, built with a handful of allocations and freed at once.
// Node keeps the subset of nlohmann's reading API the lock model uses, so code reads the same.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace pgfence::analyze {

struct Member;

// One value of the tree: a cheap view (16 bytes) that is valid while its ParseTree lives.
// Reading never throws: a missing key or an index out of range gives a null node.
class Node {
public:
    enum class Type : std::uint8_t { Null, Boolean, Integer, Float, String, Array, Object };

    // Iterates an array's elements or an object's values (key() names the member).
    class Iterator {
    public:
        using difference_type = std::ptrdiff_t;
        using value_type = Node;
        using pointer = const Node*;
        using reference = const Node&;
        using iterator_category = std::forward_iterator_tag;
        Iterator() = default;
        Iterator(const Node* element, const Member* member) : m_element(element), m_member(member) {}
        [[nodiscard]] const Node& operator*() const;
        [[nodiscard]] const Node* operator->() const { return &**this; }
        [[nodiscard]] const Node& value() const { return **this; }
        [[nodiscard]] std::string_view key() const;  // empty for array elements
        Iterator& operator++();
        Iterator operator++(int) {
            Iterator old = *this;
            ++*this;
            return old;
        }
        friend bool operator==(const Iterator& a, const Iterator& b) {
            return a.m_element == b.m_element && a.m_member == b.m_member;
        }
        friend bool operator!=(const Iterator& a, const Iterator& b) { return !(a == b); }

    private:
        const Node* m_element = nullptr;
        const Member* m_member = nullptr;
    };

    // An object's members as {key, value} pairs (structured bindings work).
    struct Members {
        const Member* first;
        const Member* last;
        [[nodiscard]] const Member* begin() const { return first; }
        [[nodiscard]] const Member* end() const { return last; }
    };

    Node() noexcept {}  // null (user-provided, so `const Node x;` is allowed)
    static Node boolean(bool b);
    static Node integer(std::int64_t i);
    static Node floating(double d);
    static Node string(std::string_view s);  // views s: it must outlive the node
    static Node array(const Node* elements, std::uint32_t count);
    static Node object(const Member* members, std::uint32_t count);
    static Node array() { return array(nullptr, 0); }
    static Node object() { return object(nullptr, 0); }

    [[nodiscard]] Type type() const { return m_type; }
    [[nodiscard]] bool is_null() const { return m_type == Type::Null; }
    [[nodiscard]] bool is_boolean() const { return m_type == Type::Boolean; }
    [[nodiscard]] bool is_number() const { return m_type == Type::Integer || m_type == Type::Float; }
    [[nodiscard]] bool is_number_integer() const { return m_type == Type::Integer; }
    [[nodiscard]] bool is_string() const { return m_type == Type::String; }
    [[nodiscard]] bool is_array() const { return m_type == Type::Array; }
    [[nodiscard]] bool is_object() const { return m_type == Type::Object; }
    [[nodiscard]] bool is_structured() const { return is_array() || is_object(); }

    // Elements of an array, members of an object; like nlohmann, 0 for null and 1 for a scalar
    // (which also iterates as itself).
    [[nodiscard]] std::size_t size() const { return is_structured() ? m_size : is_null() ? 0 : 1; }
    [[nodiscard]] bool empty() const { return size() == 0; }

    [[nodiscard]] bool contains(std::string_view key) const { return find_member(key) != nullptr; }
    [[nodiscard]] const Node& operator[](std::string_view key) const;
    [[nodiscard]] const Node& operator[](const char* key) const { return (*this)[std::string_view(key)]; }
    [[nodiscard]] const Node& operator[](const std::string& key) const { return (*this)[std::string_view(key)]; }
    [[nodiscard]] const Node& operator[](std::size_t index) const;
    [[nodiscard]] const Node& operator[](int index) const { return (*this)[static_cast<std::size_t>(index)]; }
    [[nodiscard]] const Node& front() const { return is_structured() ? (*this)[std::size_t{0}] : *this; }
    [[nodiscard]] const Node& back() const { return is_structured() ? (*this)[size() - 1] : *this; }

    // Elements [first, first + count) of an array, as an array viewing the same storage.
    [[nodiscard]] Node slice(std::size_t first, std::size_t count) const;
    // All elements but the last (a qualified name without its final part).
    [[nodiscard]] Node without_last() const { return slice(0, empty() ? 0 : size() - 1); }

    [[nodiscard]] Iterator begin() const;
    [[nodiscard]] Iterator end() const;
    [[nodiscard]] Iterator find(std::string_view key) const;
    [[nodiscard]] Members items() const;

    // The value of a member, or `fallback` when it is absent or of another type.
    [[nodiscard]] std::string value(std::string_view key, const char* fallback) const;
    [[nodiscard]] std::string value(std::string_view key, const std::string& fallback) const;
    [[nodiscard]] int value(std::string_view key, int fallback) const;
    [[nodiscard]] std::int64_t value(std::string_view key, std::int64_t fallback) const;
    [[nodiscard]] bool value(std::string_view key, bool fallback) const;
    [[nodiscard]] Node value(std::string_view key, const Node& fallback) const;  // a copy: fallback may be a temporary

    // The scalar itself; a node of another type gives the type's zero value.
    template <class T>
    [[nodiscard]] T get() const {
        if constexpr (std::is_same_v<T, std::string>) {
            return std::string(string_view());
        } else if constexpr (std::is_same_v<T, std::string_view>) {
            return string_view();
        } else if constexpr (std::is_same_v<T, bool>) {
            return m_type == Type::Boolean && m_boolean;
        } else if constexpr (std::is_floating_point_v<T>) {
            return m_type == Type::Float ? static_cast<T>(m_float)
                   : m_type == Type::Integer ? static_cast<T>(m_integer) : T{};
        } else {
            static_assert(std::is_integral_v<T>, "Node::get: a string, bool or number type");
            return m_type == Type::Integer ? static_cast<T>(m_integer) : T{};
        }
    }
    [[nodiscard]] std::string_view string_view() const {
        return m_type == Type::String ? std::string_view(m_string, m_size) : std::string_view();
    }

    // Compact JSON text, as libpg_query would print it (used by tests and error messages).
    [[nodiscard]] std::string dump() const;

    friend bool operator==(const Node& node, std::string_view s) { return node.is_string() && node.string_view() == s; }
    friend bool operator==(const Node& node, const char* s) { return node == std::string_view(s); }
    friend bool operator==(const Node& node, const std::string& s) { return node == std::string_view(s); }
    friend bool operator==(const Node& node, bool b) { return node.is_boolean() && node.m_boolean == b; }
    friend bool operator==(const Node& node, int i) { return node.is_number_integer() && node.m_integer == i; }
    friend bool operator==(const Node& node, std::int64_t i) { return node.is_number_integer() && node.m_integer == i; }

    [[nodiscard]] static const Node& null_node();

private:
    [[nodiscard]] const Member* find_member(std::string_view key) const;
    [[nodiscard]] const Node* member_value(std::string_view key) const;

    Type m_type = Type::Null;
    std::uint32_t m_size = 0;  // string length, element or member count
    union {
        bool m_boolean;
        std::int64_t m_integer = 0;
        double m_float;
        const char* m_string;
        const Node* m_elements;
        const Member* m_members;
    };
};

struct Member {
    std::string_view key;
    Node value;
};

// The members of `object` in the order a reader meets the tables of a query: `first` (when
// present) before the others, the others in the parser's order. libpg_query prints a
// SELECT's target list before its FROM clause; walkers visit FROM first.
template <class Fn>
void each_member_first(const Node& object, std::string_view first, Fn&& fn) {
    const Node& head = object[first];
    if (!head.is_null()) fn(first, head);
    for (const auto& [key, value] : object.items()) {
        if (key != first) fn(key, value);
    }
}

// A copy of `object` with member `key` set to `value`, its members kept in `storage` (which
// must outlive the result and not be touched while it is used).
[[nodiscard]] Node with_member(const Node& object, std::string_view key, const Node& value,
                               std::vector<Member>& storage);

// The owner of a decoded tree: its text and nodes live in arena blocks freed together.
class ParseTree {
public:
    ParseTree();
    ~ParseTree();
    ParseTree(ParseTree&&) noexcept;
    ParseTree& operator=(ParseTree&&) noexcept;

    [[nodiscard]] const Node& root() const { return m_root; }
    // Points the root at a node inside this tree (a sub-tree the caller keeps).
    void reroot(const Node& node) { m_root = node; }

    // Decodes JSON text; nullopt-like: ok() is false and error() says why on malformed text.
    [[nodiscard]] static ParseTree decode(std::string_view json);
    [[nodiscard]] bool ok() const { return m_error.empty(); }
    [[nodiscard]] const std::string& error() const { return m_error; }

    struct Arena;

private:
    std::unique_ptr<Arena> m_arena;
    Node m_root;
    std::string m_error;
};

}  // namespace pgfence::analyze
