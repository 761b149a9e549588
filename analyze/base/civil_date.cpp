#include "analyze/base/civil_date.hpp"

#include <chrono>
#include <cstdio>

namespace pgfence::analyze {

std::optional<CivilDate> parse_civil_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    auto number = [&](std::size_t from, std::size_t count) -> std::optional<int> {
        int n = 0;
        for (std::size_t i = from; i < from + count; ++i) {
            if (text[i] < '0' || text[i] > '9') return std::nullopt;
            n = n * 10 + (text[i] - '0');
        }
        return n;
    };
    auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
    if (!y || !m || !d) return std::nullopt;
    std::chrono::year_month_day ymd{std::chrono::year(*y), std::chrono::month(static_cast<unsigned>(*m)),
                                    std::chrono::day(static_cast<unsigned>(*d))};
    if (!ymd.ok()) return std::nullopt;
    return CivilDate{*y, *m, *d};
}

std::string format_civil_date(const CivilDate& date) {
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02d-%02d", date.year, date.month, date.day);
    return out;
}

CivilDate utc_today() {
    std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
    return CivilDate{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                     static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

}  // namespace pgfence::analyze
