#pragma once
// How deep a JSON text's arrays and objects nest, read before it is parsed: nlohmann's parser,
// its dump() and every copy of a value recurse, so a message of a million brackets overflows the
// stack. The governance service's bodies and the language server's messages are checked with it.
#include <cstddef>
#include <string_view>

namespace pgfence::analyze {

// Whether no array or object of `body` (counted outside strings) nests deeper than `limit`.
[[nodiscard]] inline bool json_nesting_within(std::string_view body, std::size_t limit) {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) return false;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return true;
}

}  // namespace pgfence::analyze
