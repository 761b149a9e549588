#pragma once
// Reading libpg_query's JSON parse tree without copies. nlohmann's value(key, default)
// returns by value, which copies whole subtrees; member() returns a reference, or a shared
// empty object when the key is absent (iterating it, empty(), contains() and value() all work).
#include <string_view>

#include <nlohmann/json.hpp>

namespace pgfence::analyze {

[[nodiscard]] inline const nlohmann::json& member(const nlohmann::json& node, std::string_view key) {
    static const nlohmann::json k_empty = nlohmann::json::object();
    if (!node.is_object()) return k_empty;
    auto it = node.find(key);
    return it == node.end() ? k_empty : *it;
}

}  // namespace pgfence::analyze
