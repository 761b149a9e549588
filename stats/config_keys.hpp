#pragma once
// The `[stats]` table of .pgfence.toml / .pgfence.json: thresholds and throughput, each a
// number or a size with a unit ("10MB", "50MB/s"). bot/config.cpp hands each key here.
#include <optional>
#include <string>

#include "stats/size_risk.hpp"

namespace pgfence::stats {

// Sets `key` from a number (`integer`) or a text (`text`); an error message when the key is
// unknown or the value does not fit it.
[[nodiscard]] std::optional<std::string> set_size_option(SizeOptions& options, const std::string& key,
                                                         std::optional<double> number, std::optional<std::string> text);

}  // namespace pgfence::stats
