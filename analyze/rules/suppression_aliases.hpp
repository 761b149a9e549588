#pragma once
// The original pgfence's (the TypeScript tool this one replaces) suppressions keep working:
// its rule ids, mapped to today's, and its `-- pgfence: ignore id, id` syntax.
#include <span>
#include <string_view>

namespace pgfence::analyze::rules {

// Today's rules an id of the original stands for: empty for an id that is today's own or
// unknown; `retired` for an id whose finding pgfence no longer reports (an information line of
// the original, such as add-column-constant-default): nothing to hide.
struct OldRuleId {
    std::span<const std::string_view> today;
    bool retired = false;
};
[[nodiscard]] OldRuleId old_rule_id(std::string_view id);

}  // namespace pgfence::analyze::rules
