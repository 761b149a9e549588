#pragma once
// `pgfence pr`: the pull-request bot. Finds the migrations a pull request changed (diff/),
// analyses their head versions, marks findings on untouched statements pre-existing, and
// reports through every channel it can: check run, sticky comment, SARIF file, job summary,
// step outputs, and workflow-command annotations when the token cannot write.
#include <ostream>
#include <string>
#include <vector>

namespace pgfence::bot {

// args[0] is "pr". Exit codes as README "pgfence pr": 0, 1 (a new finding above --max-risk),
// 2 (usage, configuration, repository or input error).
[[nodiscard]] int run_pr(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace pgfence::bot
