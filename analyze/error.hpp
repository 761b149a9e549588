#pragma once
// Expected failures as values: a message and, where there is one, a location.
// g++ 12 has no std::expected, so Result<T> is a small stand-in with the same shape.
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

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Error error) : m_value(std::move(error)) {}

    [[nodiscard]] bool has_value() const { return std::holds_alternative<T>(m_value); }
    explicit operator bool() const { return has_value(); }
    T& value() { return std::get<T>(m_value); }
    const T& value() const { return std::get<T>(m_value); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const { return std::get<Error>(m_value); }

private:
    std::variant<T, Error> m_value;
};

}  // namespace pgfence::analyze
