#pragma once
#include <memory>
#include <utility>

namespace pgfence::analyze {

// An optional value kept out of line: for fields most statements leave empty, which then cost
// a pointer, not the value's size. Read like std::optional; copies copy the value.
template <class T>
class Boxed {
public:
    Boxed() = default;
    Boxed(T value) : m_value(std::make_unique<T>(std::move(value))) {}
    Boxed(const Boxed& other) : m_value(other.m_value ? std::make_unique<T>(*other.m_value) : nullptr) {}
    Boxed(Boxed&&) noexcept = default;
    Boxed& operator=(const Boxed& other) {
        if (this != &other) m_value = other.m_value ? std::make_unique<T>(*other.m_value) : nullptr;
        return *this;
    }
    Boxed& operator=(Boxed&&) noexcept = default;
    Boxed& operator=(T value) {
        m_value = std::make_unique<T>(std::move(value));
        return *this;
    }
    template <class... Args>
    T& emplace(Args&&... args) {
        m_value = std::make_unique<T>(std::forward<Args>(args)...);
        return *m_value;
    }
    void reset() { m_value.reset(); }
    [[nodiscard]] bool has_value() const { return m_value != nullptr; }
    explicit operator bool() const { return has_value(); }
    [[nodiscard]] T& operator*() { return *m_value; }
    [[nodiscard]] const T& operator*() const { return *m_value; }
    [[nodiscard]] T* operator->() { return m_value.get(); }
    [[nodiscard]] const T* operator->() const { return m_value.get(); }

private:
    std::unique_ptr<T> m_value;
};

}  // namespace pgfence::analyze
