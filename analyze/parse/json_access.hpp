#pragma once
// Reading a member of libpg_query's parse tree: a reference, or a shared empty object when
// the key is absent (iterating it, empty(), contains() and value() all work).
#include <string_view>

#include "analyze/parse/parse_tree.hpp"

namespace pgfence::analyze {

[[nodiscard]] inline const Node& member(const Node& node, std::string_view key) {
    static const Node k_empty = Node::object();
    auto it = node.find(key);
    return it == node.end() ? k_empty : *it;
}

}  // namespace pgfence::analyze
