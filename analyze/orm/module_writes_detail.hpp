#pragma once
// What module_writes.cpp, module_loads.cpp and module_escapes.cpp share (split from
// module_writes.cpp, moves only): token tests, member chains, the names bound to a module.
// Not for use outside analyze/orm: module_writes.hpp is the API.
#include <algorithm>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::orm::module_writes_detail {

bool is(const std::vector<Token>& t, std::size_t i, std::string_view s);
bool ident(const std::vector<Token>& t, std::size_t i);
// Whether token i follows `.` or `?.`.
bool member(const std::vector<Token>& t, std::size_t i);
// Whether token i ends an operand (a name that is not an operator word, a closing bracket, a literal).
bool operand_end(const std::vector<Token>& t, std::size_t i);
// A template with no `${}` is a constant, as a string is: its value in *spec.
bool constant_spec(const std::vector<Token>& t, std::size_t i, std::string* spec);
// Words that stand between two operands in an expression (`a instanceof B`, `await x`).
bool operator_word(const std::vector<Token>& t, std::size_t i);

// What a member chain starts from, and what it passes through.
struct Chain {
    enum class Base { Name, Module, Group, Other } base = Base::Other;
    std::string name;       // Base::Name: the name
    std::size_t end = 0;    // the token after the chain
    int members = 0;        // members after the last call
    bool called = false;    // a call along the chain (before its last members)
    bool proto = false;     // `.prototype` or `__proto__` along it
};

// The chain starting at i (module_writes.cpp).
Chain chain_at(const std::vector<Token>& t, std::size_t i, const std::vector<std::size_t>& close);

// Names bound to a module's value, each with the token ranges where the binding holds.
class ScopedNames {
public:
    // Whether `name` holds a module's value at token `at`.
    [[nodiscard]] bool holds(std::string_view name, std::size_t at) const {
        auto it = m_ranges.find(name);
        if (it == m_ranges.end()) return false;
        return std::any_of(it->second.begin(), it->second.end(), [&](const auto& r) { return r.first <= at && at < r.second; });
    }
    void insert(const std::string& name, std::size_t from, std::size_t to) {
        auto& ranges = m_ranges[name];
        if (std::any_of(ranges.begin(), ranges.end(), [&](const auto& r) { return r.first <= from && to <= r.second; })) return;
        ranges.emplace_back(from, to);
        ++m_count;
    }
    [[nodiscard]] std::size_t size() const { return m_count; }

private:
    std::map<std::string, std::vector<std::pair<std::size_t, std::size_t>>, std::less<>> m_ranges;
    std::size_t m_count = 0;
};

// The names that hold what the script imports or a value computed from one (module_writes.cpp).
ScopedNames module_names(const std::vector<Token>& t, const std::vector<std::size_t>& close);
// Does the `{` at o open a class or interface body (module_writes.cpp)?
bool class_body(const std::vector<Token>& t, std::size_t o);
// Is the name at i part of a TypeScript type (module_writes.cpp)? `open`: the brackets open at i.
bool in_type(const std::vector<Token>& t, std::size_t i, const std::vector<std::size_t>& open);
// Where a whole module goes where pgfence does not follow it (module_escapes.cpp).
void module_escapes(const std::vector<Token>& t, const std::vector<std::size_t>& close, std::vector<std::pair<std::size_t, std::string>>& out);

}  // namespace pgfence::analyze::orm::module_writes_detail
