#include "stats/config_keys.hpp"

#include "stats/units.hpp"

namespace pgfence::stats {

std::optional<std::string> set_size_option(SizeOptions& options, const std::string& key, std::optional<double> number,
                                           std::optional<std::string> text) {
    SizeThresholds& t = options.thresholds;
    double* rows = key == "small_rows" ? &t.small_rows : key == "large_rows" ? &t.large_rows : key == "huge_rows" ? &t.huge_rows : nullptr;
    double* bytes = key == "small_bytes"   ? &t.small_bytes
                    : key == "large_bytes" ? &t.large_bytes
                    : key == "huge_bytes"  ? &t.huge_bytes
                                           : nullptr;
    if (rows != nullptr) {
        if (!number || *number < 0) return "stats." + key + " must be a whole number of rows";
        *rows = *number;
        return std::nullopt;
    }
    if (bytes != nullptr) {
        std::optional<double> v = number ? number : text ? parse_bytes(*text) : std::nullopt;
        if (!v || *v < 0) return "stats." + key + " must be a size such as \"10MB\" or a number of bytes";
        *bytes = *v;
        return std::nullopt;
    }
    if (key == "throughput") {
        std::optional<double> v = number ? number : text ? parse_throughput(*text) : std::nullopt;
        if (!v || *v < 0) {
            return "stats.throughput must be a rate such as \"50MB/s\", a number of bytes per second, or 0 for no estimate";
        }
        options.throughput = *v;
        return std::nullopt;
    }
    TimeThresholds& times = options.times;
    double* seconds = key == "low_seconds"        ? &times.low_seconds
                      : key == "high_seconds"     ? &times.high_seconds
                      : key == "critical_seconds" ? &times.critical_seconds
                                                  : nullptr;
    if (seconds != nullptr) {
        std::optional<double> v = number ? number : text ? parse_seconds(*text) : std::nullopt;
        if (!v || *v < 0) return "stats." + key + " must be a duration such as \"5s\", \"2min\" or a number of seconds";
        *seconds = *v;
        return std::nullopt;
    }
    return "unknown key stats." + key +
           " (expected small_rows, small_bytes, large_rows, large_bytes, huge_rows, huge_bytes, throughput, low_seconds, "
           "high_seconds, critical_seconds)";
}

std::optional<std::string> check_size_options(const SizeOptions& options) {
    const TimeThresholds& t = options.times;
    if (t.high_seconds >= t.critical_seconds) {
        return "stats.high_seconds (" + format_threshold_seconds(t.high_seconds) + ") must be below stats.critical_seconds (" +
               format_threshold_seconds(t.critical_seconds) + ")";
    }
    if (t.low_seconds > t.high_seconds) {
        return "stats.low_seconds (" + format_threshold_seconds(t.low_seconds) + ") must not be above stats.high_seconds (" +
               format_threshold_seconds(t.high_seconds) + ")";
    }
    return std::nullopt;
}

}  // namespace pgfence::stats
