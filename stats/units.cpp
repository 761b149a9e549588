#include "stats/units.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace pgfence::stats {
namespace {

// One decimal below 10 ("4.1"), none above ("37").
std::string short_number(double v) {
    char buf[32];
    if (v < 9.95) std::snprintf(buf, sizeof buf, "%.1f", v);
    else std::snprintf(buf, sizeof buf, "%.0f", v);
    std::string s = buf;
    if (s.ends_with(".0")) s.resize(s.size() - 2);
    return s;
}

}  // namespace

std::string format_bytes(double bytes) {
    const char* units[] = {"kB", "MB", "GB", "TB", "PB"};
    if (bytes < 1024) return short_number(bytes) + (bytes == 1 ? " byte" : " bytes");
    double v = bytes / 1024;
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    return short_number(v) + " " + units[u];
}

std::string format_rows(double rows) {
    if (rows < 1000) {
        long n = std::lround(rows);
        return "~" + std::to_string(n) + (n == 1 ? " row" : " rows");
    }
    if (rows < 1e6) return "~" + short_number(rows / 1e3) + "k rows";
    if (rows < 1e9) return "~" + short_number(rows / 1e6) + "M rows";
    return "~" + short_number(rows / 1e9) + "G rows";
}

std::string format_seconds(double seconds) {
    if (seconds < 1) return "under 1 s";
    long s = std::lround(seconds);
    if (s < 60) return std::to_string(s) + " s";
    if (s < 3600) return std::to_string(s / 60) + " min" + (s % 60 ? " " + std::to_string(s % 60) + " s" : "");
    long m = std::lround(seconds / 60);
    return std::to_string(m / 60) + " h" + (m % 60 ? " " + std::to_string(m % 60) + " min" : "");
}

namespace {

// A non-negative number and the unit written after it (lower case, blanks dropped): "10 MB" is
// {10, "mb"}.
std::optional<std::pair<double, std::string>> number_and_unit(std::string_view text) {
    std::string s(text);
    const char* begin = s.c_str();
    char* end = nullptr;
    double v = std::strtod(begin, &end);
    if (end == begin || !std::isfinite(v) || v < 0) return std::nullopt;
    std::string unit;
    for (const char* p = end; *p; ++p) {
        if (*p != ' ') unit += static_cast<char>(std::tolower(static_cast<unsigned char>(*p)));
    }
    return std::make_pair(v, unit);
}

}  // namespace

std::optional<double> parse_bytes(std::string_view text) {
    auto parsed = number_and_unit(text);
    if (!parsed) return std::nullopt;
    const auto& [v, unit] = *parsed;
    double scale = 0;
    if (unit.empty() || unit == "b" || unit == "bytes") scale = 1;
    else if (unit == "kb" || unit == "k") scale = 1024.0;
    else if (unit == "mb" || unit == "m") scale = 1024.0 * 1024;
    else if (unit == "gb" || unit == "g") scale = 1024.0 * 1024 * 1024;
    else if (unit == "tb" || unit == "t") scale = 1024.0 * 1024 * 1024 * 1024;
    else return std::nullopt;
    return v * scale;
}

std::optional<double> parse_throughput(std::string_view text) {
    std::string s(text);
    if (s.size() > 2 && (s.ends_with("/s") || s.ends_with("/S"))) s.resize(s.size() - 2);
    auto v = parse_bytes(s);
    if (!v || *v <= 0) return std::nullopt;
    return v;
}

std::optional<double> parse_seconds(std::string_view text) {
    auto parsed = number_and_unit(text);
    if (!parsed) return std::nullopt;
    const auto& [v, unit] = *parsed;
    double scale = 0;
    if (unit.empty() || unit == "s" || unit == "sec") scale = 1;
    else if (unit == "ms") scale = 0.001;
    else if (unit == "min") scale = 60;
    else if (unit == "h") scale = 3600;
    else return std::nullopt;
    return v * scale;
}

std::string format_threshold_seconds(double seconds) {
    if (seconds >= 60) return format_seconds(seconds);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g s", seconds);
    return buf;
}

}  // namespace pgfence::stats
