#pragma once
// The pgfence-ignore comments a pull request adds or changes (docs/pr.md "Suppressions the pull
// request adds"). Governance already ignores them (governance/evaluate.cpp); in `pgfence pr` each
// is listed in the check run and the comment, and one that gives no reason does not lift a HIGH
// or CRITICAL finding: that finding stays, new, and fails the check until a reason is given (for
// a reviewer to judge) or the statement changes.
#include <vector>

#include "analyze/model/facts.hpp"
#include "annotate/markdown.hpp"

namespace pgfence::bot {

// `from_base` is compare_with_base's answer, parallel to file.suppressed: whether each suppressed
// finding's comment stands on the base branch. Appends one entry per finding such a comment of
// the pull request hides to `out`, moves the findings a reason-less one cannot lift back to
// file.findings (their message says why), and keeps `from_base` parallel to what stays suppressed.
void review_pull_request_suppressions(analyze::FileReport& file, std::vector<bool>& from_base,
                                      std::vector<annotate::PullRequestSuppression>& out);

}  // namespace pgfence::bot
