#pragma once
// Every member of every object in a parsed JSON document, walked without recursion: a hostile
// nesting costs no stack, and the walk stops after 2^20 nodes (linear work).
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgfence::analyze {

// Calls `each(key, value)` for each member of each object in `doc`, however deep.
template <typename F>
void each_json_member(const nlohmann::json& doc, F each) {
    std::vector<const nlohmann::json*> todo = {&doc};
    for (std::size_t seen = 0; !todo.empty() && seen < (std::size_t{1} << 20); ++seen) {
        const nlohmann::json* node = todo.back();
        todo.pop_back();
        if (node->is_array()) {
            for (const auto& item : *node) todo.push_back(&item);
        } else if (node->is_object()) {
            for (auto it = node->begin(); it != node->end(); ++it) {
                each(it.key(), *it);
                todo.push_back(&*it);
            }
        }
    }
}

}  // namespace pgfence::analyze
