#pragma once
// `pgfence init`: installs a git pre-commit hook that checks the staged migrations, and
// `pgfence pre-commit`, the command that hook runs (README "Pre-commit hook").
#include <iosfwd>
#include <string>
#include <vector>

namespace pgfence::bot {

// args[0] is "init". Writes .husky/pre-commit when the working tree has a .husky/ folder, else
// pre-commit in the folder git runs hooks from (core.hooksPath, worktrees). Exit 0 when written
// or already there; 2 outside a repository, or when a hook that is not pgfence's is in the way
// (--force replaces it).
[[nodiscard]] int run_init(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// args[0] is "pre-commit"; the rest are analyze options. Reads the NUL-separated paths
// `git diff --cached --name-only -z` prints on standard input (one a line when there is no NUL)
// and analyses those the migration globs select (the config's `paths`, else pr's defaults);
// exit 0 at once when none.
[[nodiscard]] int run_pre_commit(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                                 std::ostream& err);

}  // namespace pgfence::bot
