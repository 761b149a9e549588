#pragma once
// Sizes, row counts and durations as people read them ("4.1 GB", "~12M rows", "1 min 20 s"),
// and sizes and durations as people write them in flags and the config ("10MB", "50MB/s", "2min"). Binary units,
// as PostgreSQL's pg_size_pretty: 1 MB = 1024 kB.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pgfence::stats {

[[nodiscard]] std::string format_bytes(double bytes);     // "4.1 GB", "30 MB", "512 bytes"
[[nodiscard]] std::string format_rows(double rows);       // "~12M rows", "~200k rows", "~1 row"
[[nodiscard]] std::string format_seconds(double seconds); // "under 1 s", "40 s", "3 min 20 s", "2 h 5 min"

// "10MB", "1 GB", "512kB", "123" (bytes); case-insensitive units B, kB, MB, GB, TB.
[[nodiscard]] std::optional<double> parse_bytes(std::string_view text);
// parse_bytes with an optional "/s" suffix: "50MB/s".
[[nodiscard]] std::optional<double> parse_throughput(std::string_view text);
// A duration in seconds: "5s", "0.5 s", "500ms", "2min", "1h", or a plain number of seconds.
[[nodiscard]] std::optional<double> parse_seconds(std::string_view text);
// A threshold as the messages name it: "0.5 s", "5 s", "1 min", "1 min 30 s".
[[nodiscard]] std::string format_threshold_seconds(double seconds);

}  // namespace pgfence::stats
