#pragma once
// Room for one more finding in a long list. A std::vector doubles when it is full, holding its
// old and new buffers at once (three times the findings) and up to twice the room it needs
// afterwards; a file of a hundred thousand findings grows its list by a quarter instead.
#include <cstddef>
#include <vector>

#include "analyze/model/findings.hpp"

namespace pgfence::analyze::rules {

inline void make_room_for_one(std::vector<Finding>& findings) {
    constexpr std::size_t k_small = 1024;  // below this, the vector's own doubling
    const std::size_t n = findings.size();
    if (n < k_small || n < findings.capacity()) return;
    findings.reserve(n + n / 4);
}

}  // namespace pgfence::analyze::rules
