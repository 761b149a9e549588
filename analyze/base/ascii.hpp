#pragma once
// Text helpers for the names and keywords pgfence compares without case (settings keys, tool
// names, SQL keywords): bytes lower-cased as std::tolower does, one by one.
#include <cctype>
#include <string>
#include <string_view>

namespace pgfence::analyze {

[[nodiscard]] inline std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace pgfence::analyze
