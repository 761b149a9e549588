#pragma once
// `pgfence pr`: the pull-request bot. Finds the migrations a pull request changed (diff/),
// analyses their head versions, marks findings on untouched statements pre-existing, and
// reports through every channel it can: check run, sticky comment, SARIF file, job summary,
// step outputs, and workflow-command annotations when the token cannot write.
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::bot {

// args[0] is "pr". Exit codes as README "pgfence pr": 0, 1 (a new finding above --max-risk),
// 2 (usage, configuration, repository or input error).
[[nodiscard]] int run_pr(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// An `analyze` option that pr does not list in its help. A refused one is a usage error
// ("--baseline is analyze's, not accepted by pr: <why>"); the others are taken, as scripts pass
// them, and change nothing in a pull request's review. `pgfence pr --help` lists analyze's
// options without these (nor those pr's own section lists: --format, --schema), so it lists
// only what pr takes and heeds.
struct AnalyzeOptionNotInPr {
    std::string_view option;  // as analyze's help spells it: "-o", "--output", "-" (standard input)
    bool refused;
    std::string_view why;
};
[[nodiscard]] std::span<const AnalyzeOptionNotInPr> analyze_options_not_in_pr();

}  // namespace pgfence::bot
