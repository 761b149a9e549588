#pragma once
// The review comment's "Exemptions" section (annotate/markdown.hpp): the pgfence-ignore comments
// that hid findings and say why, who answers for them or until when. Internal to annotate.
#include <cstddef>
#include <string>

#include "analyze/model/facts.hpp"
#include "annotate/review_detail.hpp"

namespace pgfence::annotate::review {

// A list (no table: nothing scrolls sideways at a comment's width), one item per comment and
// rule it hid (×N when it hid several findings of the rule): rule, file:line of the comment,
// owner, until, reason, every repository string escaped where it stands. At most `max_rows`
// items, then one counting the rest; "" when there are none.
[[nodiscard]] std::string exemptions_section(const analyze::Report& report, const Links& links, std::size_t max_rows = 25);

// How many findings pgfence-ignore comments the pull request adds or changes hide (`lifted`) or,
// given no reason, could not hide (MarkdownOptions::pull_request_suppressions).
struct PullRequestSuppressionCounts {
    std::size_t lifted = 0;
    std::size_t not_lifted = 0;
};
[[nodiscard]] PullRequestSuppressionCounts pull_request_suppression_counts(const std::vector<PullRequestSuppression>& list);

// "**1 finding suppressed by this pull request**: ..." then one item per finding: rule, risk, the
// comment's file:line, the reason or "no reason given" (and, for one not lifted, that it still
// counts). At most `max_rows` items, then one counting the rest; "" when there are none.
[[nodiscard]] std::string pull_request_suppressions_section(const std::vector<PullRequestSuppression>& list, const Links& links,
                                                            std::size_t max_rows = 25);

}  // namespace pgfence::annotate::review
