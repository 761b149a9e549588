#pragma once
// A sorted map whose copy costs O(1): the copies share their nodes, and a change copies only the
// nodes on the path to the one it changes (O(log n), a treap with path copying). The catalog's
// relations are kept in one (Catalog::relations): each migration file of a chained run starts
// from a copy of the catalog the file before it left (the schema as the file found it, which the
// plan check starts from), and a std::map copied there cost the whole schema per file, so a
// history of n files cost n times its schema (issue "The house in layers": 4,000 files took 28
// times the CPU of 500).
//
// Reading: begin/end (in key order, as std::map), find, get, at, count, size, empty. Changing:
// get_mut, operator[], insert_or_assign, emplace, erase. A reference from get_mut or operator[]
// is valid until the next change of this map; iterators until any change of it. Not safe for
// two threads to change one map at once; copies in other threads are independent (a node is
// changed in place only while one map holds it).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

namespace pgfence::analyze {

namespace persistent_map_detail {
// The treap's priorities: a hash of the key mixed with a seed drawn once per process, so that
// keys a repository chooses cannot line up into a deep tree.
inline std::uint64_t seed() {
    static const std::uint64_t value = [] {
        std::random_device device;
        return (static_cast<std::uint64_t>(device()) << 32) ^ device();
    }();
    return value;
}
inline std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}
}  // namespace persistent_map_detail

template <class K, class V, class Compare = std::less<>>
class PersistentMap {
    struct Node {
        Node(K key, V value, std::uint64_t p) : kv(std::move(key), std::move(value)), priority(p) {}
        Node(const Node&) = default;
        std::pair<const K, V> kv;
        std::uint64_t priority;
        std::shared_ptr<Node> left;
        std::shared_ptr<Node> right;
    };
    using Link = std::shared_ptr<Node>;

public:
    using key_type = K;
    using mapped_type = V;
    using value_type = std::pair<const K, V>;
    using size_type = std::size_t;

    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = PersistentMap::value_type;
        using difference_type = std::ptrdiff_t;
        using pointer = const value_type*;
        using reference = const value_type&;

        const_iterator() = default;
        reference operator*() const { return m_stack.back()->kv; }
        pointer operator->() const { return &m_stack.back()->kv; }
        const_iterator& operator++() {
            const Node* node = m_stack.back();
            m_stack.pop_back();
            descend(node->right.get());
            return *this;
        }
        const_iterator operator++(int) {
            const_iterator before = *this;
            ++*this;
            return before;
        }
        friend bool operator==(const const_iterator& a, const const_iterator& b) {
            if (a.m_stack.empty() || b.m_stack.empty()) return a.m_stack.empty() == b.m_stack.empty();
            return a.m_stack.back() == b.m_stack.back();
        }

    private:
        friend class PersistentMap;
        void descend(const Node* node) {
            for (; node != nullptr; node = node->left.get()) m_stack.push_back(node);
        }
        // The path from the root: each node still to be visited whose left part is done.
        std::vector<const Node*> m_stack;
    };
    using iterator = const_iterator;

    [[nodiscard]] bool empty() const { return m_size == 0; }
    [[nodiscard]] size_type size() const { return m_size; }
    [[nodiscard]] const_iterator begin() const {
        const_iterator it;
        it.descend(m_root.get());
        return it;
    }
    [[nodiscard]] const_iterator end() const { return {}; }

    template <class Key>
    [[nodiscard]] const V* get(const Key& key) const {
        const Node* node = m_root.get();
        while (node != nullptr) {
            if (m_less(key, node->kv.first)) node = node->left.get();
            else if (m_less(node->kv.first, key)) node = node->right.get();
            else return &node->kv.second;
        }
        return nullptr;
    }
    template <class Key>
    [[nodiscard]] const_iterator find(const Key& key) const {
        const_iterator it;
        const Node* node = m_root.get();
        while (node != nullptr) {
            if (m_less(key, node->kv.first)) {
                it.m_stack.push_back(node);  // visited after its left part
                node = node->left.get();
            } else if (m_less(node->kv.first, key)) {
                node = node->right.get();
            } else {
                it.m_stack.push_back(node);
                return it;
            }
        }
        return end();
    }
    template <class Key>
    [[nodiscard]] size_type count(const Key& key) const { return get(key) != nullptr ? 1 : 0; }
    template <class Key>
    [[nodiscard]] const V& at(const Key& key) const {
        const V* value = get(key);
        if (value == nullptr) throw std::out_of_range("PersistentMap::at");
        return *value;
    }

    // The value of `key` to change (null: absent). The nodes on its path become this map's own.
    template <class Key>
    V* get_mut(const Key& key) {
        if (get(key) == nullptr) return nullptr;
        Link* slot = &m_root;
        for (;;) {
            Node& node = own(*slot);
            if (m_less(key, node.kv.first)) slot = &node.left;
            else if (m_less(node.kv.first, key)) slot = &node.right;
            else return &node.kv.second;
        }
    }
    V& operator[](const K& key) {
        if (V* value = get_mut(key)) return *value;
        return insert_new(key, V{});
    }
    // True when `key` was added, false when it was there (and now has `value`).
    bool insert_or_assign(const K& key, V value) {
        if (V* old = get_mut(key)) {
            *old = std::move(value);
            return false;
        }
        insert_new(key, std::move(value));
        return true;
    }
    // Adds `key` with `value` unless it is there; true when added.
    bool emplace(const K& key, V value) {
        if (get(key) != nullptr) return false;
        insert_new(key, std::move(value));
        return true;
    }
    template <class Key>
    size_type erase(const Key& key) {
        if (get(key) == nullptr) return 0;
        Link* slot = &m_root;
        for (;;) {
            Node& node = own(*slot);
            if (m_less(key, node.kv.first)) {
                slot = &node.left;
            } else if (m_less(node.kv.first, key)) {
                slot = &node.right;
            } else {
                Link left = std::move(node.left);
                Link right = std::move(node.right);
                *slot = merge(std::move(left), std::move(right));
                --m_size;
                return 1;
            }
        }
    }
    void clear() {
        m_root.reset();
        m_size = 0;
    }

private:
    // The node in `slot`, copied first when another map shares it.
    static Node& own(Link& slot) {
        if (slot.use_count() != 1) slot = std::make_shared<Node>(*slot);
        return *slot;
    }
    static std::uint64_t priority_of(const K& key) {
        return persistent_map_detail::mix(std::hash<K>{}(key) ^ persistent_map_detail::seed());
    }
    V& insert_new(const K& key, V value) {
        auto node = std::make_shared<Node>(key, std::move(value), priority_of(key));
        V& out = node->kv.second;
        Link* slot = &m_root;
        while (*slot != nullptr && (*slot)->priority >= node->priority) {
            Node& at = own(*slot);
            slot = m_less(key, at.kv.first) ? &at.left : &at.right;
        }
        split(std::move(*slot), key, node->left, node->right);
        *slot = std::move(node);
        ++m_size;
        return out;
    }
    // `tree`'s keys below `key` into `below`, the others into `above` (`key` is not in it).
    void split(Link tree, const K& key, Link& below, Link& above) {
        if (tree == nullptr) {
            below.reset();
            above.reset();
            return;
        }
        Node& node = own(tree);
        if (m_less(node.kv.first, key)) {
            split(std::move(node.right), key, node.right, above);
            below = std::move(tree);
        } else {
            split(std::move(node.left), key, below, node.left);
            above = std::move(tree);
        }
    }
    // Every key of `a` is below every key of `b`.
    static Link merge(Link a, Link b) {
        if (a == nullptr) return b;
        if (b == nullptr) return a;
        if (a->priority >= b->priority) {
            Node& node = own(a);
            node.right = merge(std::move(node.right), std::move(b));
            return a;
        }
        Node& node = own(b);
        node.left = merge(std::move(a), std::move(node.left));
        return b;
    }

    Link m_root;
    size_type m_size = 0;
    [[no_unique_address]] Compare m_less;
};

}  // namespace pgfence::analyze
