#pragma once
// The review comment's "Exemptions" section (annotate/markdown.hpp): the pgfence-ignore comments
// that hid findings and say why, who answers for them or until when. Internal to annotate.
#include <cstddef>
#include <string>

#include "analyze/facts.hpp"
#include "annotate/review_detail.hpp"

namespace pgfence::annotate::review {

// A list (no table: nothing scrolls sideways at a comment's width), one item per comment and
// rule it hid (×N when it hid several findings of the rule): rule, file:line of the comment,
// owner, until, reason, every repository string escaped where it stands. At most `max_rows`
// items, then one counting the rest; "" when there are none.
[[nodiscard]] std::string exemptions_section(const analyze::Report& report, const Links& links, std::size_t max_rows = 25);

}  // namespace pgfence::annotate::review
