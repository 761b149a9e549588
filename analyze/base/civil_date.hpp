#pragma once
// A calendar date without a time or zone (a suppression's `until=`, "today" in UTC): compared
// as dates, never converted to instants, so no time zone or clock skew shifts a day.
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace pgfence::analyze {

struct CivilDate {
    int year = 1970;
    int month = 1;  // 1..12
    int day = 1;    // 1..31, valid for the month
    auto operator<=>(const CivilDate&) const = default;
};

// Exactly YYYY-MM-DD naming a real day of the Gregorian calendar (2028-02-29 is one,
// 2026-02-29 and 2026-13-45 are not); anything else is nullopt.
[[nodiscard]] std::optional<CivilDate> parse_civil_date(std::string_view text);
[[nodiscard]] std::string format_civil_date(const CivilDate& date);  // "2026-12-01"
// The date in UTC now, from the system clock.
[[nodiscard]] CivilDate utc_today();

}  // namespace pgfence::analyze
