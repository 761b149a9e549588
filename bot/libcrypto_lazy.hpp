#pragma once
// libcrypto is opened on first use, not at start (analyze/shared_library.hpp): only
// `pr --upload` hashes anything.
#include <optional>
#include <string>

namespace pgfence::bot {

// Opens libcrypto if it is not open yet: nullopt when ready, else the error line.
[[nodiscard]] std::optional<std::string> open_libcrypto();

}  // namespace pgfence::bot
