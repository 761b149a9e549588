#pragma once
// The fields after a pgfence-ignore comment's second `--` (README "Suppressions"):
//   -- pgfence-ignore: rule -- reason="40 rows, see #123" owner=@alice until=2026-12-01
// Text that names none of the fields is a free-form reason, as it always was.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/base/civil_date.hpp"

namespace pgfence::analyze::rules {

struct SuppressionFields {
    std::string reason;              // "" when none
    std::string owner;               // "@login" or "@org/team", "" when none
    std::optional<CivilDate> until;  // held through that whole UTC day
    // One sentence per malformed field (a bad date, an unknown key, an unclosed quote); a
    // suppression with any hides nothing (invalid-suppression).
    std::vector<std::string> problems;
};

// `text` is what follows the second `--`. It is read as fields when a word in it starts with
// reason=, owner=, until= or a near miss of one (untill=, ownr=) or a usual stand-in (expires=); then free text may only
// come first (it is the reason, unless reason= is given too), and every later word is a field.
[[nodiscard]] SuppressionFields parse_suppression_fields(std::string_view text);

}  // namespace pgfence::analyze::rules
