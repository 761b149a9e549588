#pragma once
// A quoted YAML scalar read as a YAML parser reads it (YAML 1.2.2 §7.3): the escapes of a
// double-quoted one (§5.7: \x41, \u0041, \U00000041, \_ and the others) and the doubled quote of a
// single-quoted one. A compose file's key spelt "env\u005ffile" is env_file to compose (red team R75 F4).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pgfence::analyze {

// The scalar quoted at the start of `s` ('"' or '\''), decoded, and in `end` the offset past its
// closing quote; nullopt when it does not close within `s` (it goes on over lines, or `s` holds no
// quote there) or holds an escape YAML does not define.
[[nodiscard]] std::optional<std::string> yaml_quoted(std::string_view s, std::size_t& end);

}  // namespace pgfence::analyze
