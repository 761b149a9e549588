#pragma once
// The `[stats]` table of .pgfence.toml / .pgfence.json: thresholds and throughput, each a
// number or a size or duration with a unit ("10MB", "50MB/s", "2min"). bot/config.cpp hands
// each key here, then checks the whole table.
#include <optional>
#include <string>

#include "stats/size_risk.hpp"

namespace pgfence::stats {

// Sets `key` from a number (`number`) or a text (`text`); an error message when the key is
// unknown or the value does not fit it.
[[nodiscard]] std::optional<std::string> set_size_option(SizeOptions& options, const std::string& key,
                                                         std::optional<double> number, std::optional<std::string> text);
// An error message when the keys disagree with each other (high_seconds not below critical_seconds).
[[nodiscard]] std::optional<std::string> check_size_options(const SizeOptions& options);

}  // namespace pgfence::stats
