#pragma once
// libpq is opened on first use, not at start (analyze/shared_library.hpp).
#include <optional>
#include <string>

namespace pgfence::trace {

// Opens libpq if it is not open yet: nullopt when ready, else the error line (trace mode and extract-stats need it).
[[nodiscard]] std::optional<std::string> open_libpq();

}  // namespace pgfence::trace
