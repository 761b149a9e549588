#pragma once
// A vector most statements leave empty (their notes, rewrites, dependent views): one pointer
// until it holds something, where a std::vector is three. A file of a million statements keeps a
// million StatementFacts until its rules have run, so each field's size counts.
#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <utility>
#include <vector>

namespace pgfence::analyze {

template <class T>
class Few {
public:
    using value_type = T;
    using size_type = std::size_t;
    using iterator = T*;
    using const_iterator = const T*;
    using reference = T&;
    using const_reference = const T&;

    Few() = default;
    Few(std::vector<T> values) { assign(std::move(values)); }
    Few(std::initializer_list<T> values) { assign(std::vector<T>(values)); }
    Few(const Few& other) : m_values(other.m_values ? std::make_unique<std::vector<T>>(*other.m_values) : nullptr) {}
    Few(Few&&) noexcept = default;
    Few& operator=(const Few& other) {
        if (this != &other) m_values = other.m_values ? std::make_unique<std::vector<T>>(*other.m_values) : nullptr;
        return *this;
    }
    Few& operator=(Few&&) noexcept = default;
    Few& operator=(std::vector<T> values) {
        assign(std::move(values));
        return *this;
    }

    // Read as the std::vector it stands for (an empty one when it holds nothing).
    [[nodiscard]] const std::vector<T>& vector() const { return m_values ? *m_values : empty_vector(); }
    operator const std::vector<T>&() const { return vector(); }
    // The vector itself, to change it with what Few does not offer.
    [[nodiscard]] std::vector<T>& edit() {
        if (!m_values) m_values = std::make_unique<std::vector<T>>();
        return *m_values;
    }

    [[nodiscard]] bool empty() const { return !m_values || m_values->empty(); }
    [[nodiscard]] size_type size() const { return m_values ? m_values->size() : 0; }
    [[nodiscard]] T* data() { return m_values ? m_values->data() : nullptr; }
    [[nodiscard]] const T* data() const { return m_values ? m_values->data() : nullptr; }
    [[nodiscard]] iterator begin() { return data(); }
    [[nodiscard]] iterator end() { return data() + size(); }
    [[nodiscard]] const_iterator begin() const { return data(); }
    [[nodiscard]] const_iterator end() const { return data() + size(); }
    [[nodiscard]] const_iterator cbegin() const { return begin(); }
    [[nodiscard]] const_iterator cend() const { return end(); }
    [[nodiscard]] T& operator[](size_type i) { return (*m_values)[i]; }
    [[nodiscard]] const T& operator[](size_type i) const { return (*m_values)[i]; }
    [[nodiscard]] T& at(size_type i) { return edit().at(i); }
    [[nodiscard]] const T& at(size_type i) const { return vector().at(i); }
    [[nodiscard]] T& front() { return m_values->front(); }
    [[nodiscard]] const T& front() const { return m_values->front(); }
    [[nodiscard]] T& back() { return m_values->back(); }
    [[nodiscard]] const T& back() const { return m_values->back(); }

    void push_back(const T& value) { edit().push_back(value); }
    void push_back(T&& value) { edit().push_back(std::move(value)); }
    template <class... Args>
    T& emplace_back(Args&&... args) { return edit().emplace_back(std::forward<Args>(args)...); }
    iterator insert(const_iterator at, const T& value) {
        const auto i = offset(at);
        edit().insert(m_values->begin() + i, value);
        return data() + i;
    }
    template <class It>
    iterator insert(const_iterator at, It first, It last) {
        const auto i = offset(at);
        edit().insert(m_values->begin() + i, first, last);
        return data() + i;
    }
    iterator erase(const_iterator at) { return erase(at, at + 1); }
    iterator erase(const_iterator first, const_iterator last) {
        if (first == last) return data() + offset(first);
        const auto i = offset(first);
        m_values->erase(m_values->begin() + i, m_values->begin() + offset(last));
        return data() + i;
    }
    void clear() { m_values.reset(); }
    void reserve(size_type n) {
        if (n > 0) edit().reserve(n);
    }

    friend bool operator==(const Few& a, const Few& b) { return a.vector() == b.vector(); }

    template <class U>
    friend size_type erase(Few& few, const U& value) {
        if (!few.m_values) return 0;
        return std::erase(*few.m_values, value);
    }
    template <class Pred>
    friend size_type erase_if(Few& few, Pred pred) {
        if (!few.m_values) return 0;
        return std::erase_if(*few.m_values, pred);
    }

private:
    static const std::vector<T>& empty_vector() {
        static const std::vector<T> none;
        return none;
    }
    std::ptrdiff_t offset(const_iterator at) const { return at - data(); }
    void assign(std::vector<T> values) {
        if (values.empty()) m_values.reset();
        else m_values = std::make_unique<std::vector<T>>(std::move(values));
    }

    std::unique_ptr<std::vector<T>> m_values;  // null: none
};

}  // namespace pgfence::analyze
