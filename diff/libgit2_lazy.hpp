#pragma once
// libgit2 is opened on first use, not at start (analyze/shared_library.hpp).
#include <optional>
#include <string>

namespace pgfence::diff {

// Opens libgit2 if it is not open yet: nullopt when ready, else the error line (pgfence pr needs it).
[[nodiscard]] std::optional<std::string> open_libgit2();

}  // namespace pgfence::diff
