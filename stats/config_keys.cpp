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
        if (!v || *v <= 0) return "stats.throughput must be a rate such as \"50MB/s\" or a number of bytes per second";
        options.throughput = *v;
        return std::nullopt;
    }
    return "unknown key stats." + key +
           " (expected small_rows, small_bytes, large_rows, large_bytes, huge_rows, huge_bytes, throughput)";
}

}  // namespace pgfence::stats
