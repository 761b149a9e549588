#pragma once
// Expected failures as values: a message and, where there is one, a location.
// g++ 12 has no std::expected, so Result<T> is a small stand-in with the same shape; a
// library whose callers decide on more than a message (an HTTP status) names its own E.
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace pgfence::analyze {

// A 1-based line and column inside a file.
struct Position {
    int line = 0;
    int column = 0;
};

struct Error {
    std::string message;
    std::string file;               // empty when the error has no file
    std::optional<Position> where;  // set when the error points into the file

    // "file:line:col: message" (parts left out when unknown).
    [[nodiscard]] std::string describe() const;
};

template <typename T, typename E = Error>
class [[nodiscard]] Result {
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(E error) : m_value(std::move(error)) {}

    [[nodiscard]] bool has_value() const { return std::holds_alternative<T>(m_value); }
    explicit operator bool() const { return has_value(); }
    T& value() { return std::get<T>(m_value); }
    const T& value() const { return std::get<T>(m_value); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const E& error() const { return std::get<E>(m_value); }

private:
    std::variant<T, E> m_value;
};

// The value of an operation that succeeds with nothing to return.
struct Done {};
using Status = Result<Done>;

}  // namespace pgfence::analyze
