#pragma once
// A map or set most of its owners leave empty (a relation's foreign keys, triggers, rules): one
// pointer until it holds something, where a std::map is six words and a std::unordered_map
// seven. The catalog keeps a RelationInfo for every index a migration creates, so a file of a
// hundred thousand CREATE INDEX statements keeps as many. Read as the container it stands for.
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

namespace pgfence::analyze {

template <class M>
class FewMap {
public:
    using key_type = typename M::key_type;
    using value_type = typename M::value_type;
    using size_type = std::size_t;
    using iterator = typename M::iterator;
    using const_iterator = typename M::const_iterator;

    FewMap() = default;
    FewMap(M values) { assign(std::move(values)); }
    FewMap(const FewMap& other) : m_values(other.m_values ? std::make_unique<M>(*other.m_values) : nullptr) {}
    FewMap(FewMap&&) noexcept = default;
    FewMap& operator=(const FewMap& other) {
        if (this != &other) m_values = other.m_values ? std::make_unique<M>(*other.m_values) : nullptr;
        return *this;
    }
    FewMap& operator=(FewMap&&) noexcept = default;
    FewMap& operator=(M values) {
        assign(std::move(values));
        return *this;
    }

    // The container itself: an empty one when it holds nothing.
    [[nodiscard]] const M& map() const { return m_values ? *m_values : none(); }
    operator const M&() const { return map(); }
    // The container, to change it with what FewMap does not offer.
    [[nodiscard]] M& edit() {
        if (!m_values) m_values = std::make_unique<M>();
        return *m_values;
    }

    [[nodiscard]] bool empty() const { return !m_values || m_values->empty(); }
    [[nodiscard]] size_type size() const { return m_values ? m_values->size() : 0; }
    // An empty FewMap's iterators are those of a shared empty container, which nothing changes.
    [[nodiscard]] iterator begin() { return m_values ? m_values->begin() : idle().begin(); }
    [[nodiscard]] iterator end() { return m_values ? m_values->end() : idle().end(); }
    [[nodiscard]] const_iterator begin() const { return map().begin(); }
    [[nodiscard]] const_iterator end() const { return map().end(); }
    template <class K>
    [[nodiscard]] iterator find(const K& key) { return m_values ? m_values->find(key) : idle().end(); }
    template <class K>
    [[nodiscard]] const_iterator find(const K& key) const { return map().find(key); }
    template <class K>
    [[nodiscard]] size_type count(const K& key) const { return m_values ? m_values->count(key) : 0; }
    template <class K>
    [[nodiscard]] bool contains(const K& key) const { return count(key) > 0; }
    template <class K>
    [[nodiscard]] decltype(auto) at(const K& key) const { return map().at(key); }
    template <class K>
    [[nodiscard]] decltype(auto) at(const K& key) { return edit().at(key); }
    template <class K>
    decltype(auto) operator[](K&& key) { return edit()[std::forward<K>(key)]; }

    template <class... Args>
    decltype(auto) emplace(Args&&... args) { return edit().emplace(std::forward<Args>(args)...); }
    template <class... Args>
    decltype(auto) try_emplace(Args&&... args) { return edit().try_emplace(std::forward<Args>(args)...); }
    template <class... Args>
    decltype(auto) insert_or_assign(Args&&... args) { return edit().insert_or_assign(std::forward<Args>(args)...); }
    template <class... Args>
    decltype(auto) insert(Args&&... args) { return edit().insert(std::forward<Args>(args)...); }
    decltype(auto) insert(const value_type& value) { return edit().insert(value); }
    decltype(auto) insert(value_type&& value) { return edit().insert(std::move(value)); }
    iterator erase(iterator at) { return m_values->erase(at); }
    iterator erase(const_iterator at) requires(!std::is_same_v<iterator, const_iterator>) { return m_values->erase(at); }
    size_type erase(const key_type& key) { return m_values ? m_values->erase(key) : 0; }
    void clear() { m_values.reset(); }
    template <class K>
    typename M::node_type extract(const K& key) {
        return m_values ? m_values->extract(key) : typename M::node_type{};
    }
    template <class Pred>
    friend size_type erase_if(FewMap& few, Pred pred) {
        if (!few.m_values) return 0;
        return std::erase_if(*few.m_values, pred);
    }

    friend bool operator==(const FewMap& a, const FewMap& b) { return a.map() == b.map(); }

private:
    static const M& none() {
        static const M k_none;
        return k_none;
    }
    static M& idle() {
        static M k_idle;  // stays empty: nothing is inserted through an empty FewMap's iterators
        return k_idle;
    }
    void assign(M values) {
        if (values.empty()) m_values.reset();
        else m_values = std::make_unique<M>(std::move(values));
    }

    std::unique_ptr<M> m_values;  // null: empty
};

}  // namespace pgfence::analyze
