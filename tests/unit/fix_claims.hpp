#pragma once
// Every fix text is a claim: following it ends the finding and adds no other serious one (issue
// #34, "fixes that do not fix"). The golden test of each rule (rules_test.cpp) hands each finding
// here; its fix text is done to the file the way a person reading it would do it, and the result is
// analysed again. Fixes that are edits or recipes are checked where those are; what a fix asks of
// a release process (deploy code first, run by hand out of band) is named with its reason.
#include <string>
#include <string_view>

#include "analyze/analyzer.hpp"

namespace pgfence::tests {

struct FixCheck {
    bool checked = false;  // the fix was done and analysed again
    std::string problem;   // empty when it ends the finding and adds nothing serious
    std::string how;       // what was done, for the test's message
};

// Does the fix text of `finding` (a finding of `report`, the analysis of `text` at `path` with
// `options`) end it when followed? Not checked (checked == false) when the fix is an edit or a
// recipe (checked with those) or asks for what no analysis can show.
[[nodiscard]] FixCheck check_fix_claim(const std::string& path, std::string_view text, std::string_view metadata,
                                       const analyze::AnalyzeOptions& options, const analyze::FileReport& report,
                                       const analyze::Finding& finding);

}  // namespace pgfence::tests
