#pragma once
// A pull request that changes only a helper module a merged migration loads (`require("../lib/helper")`,
// `import { drop } from "../lib/sql"`) changes what that unchanged migration runs on every database
// that has not run it yet (a fresh deploy, CI): pgfence follows the helper when it analyses the
// migration, so the migration is reviewed with the pull request, as a merged call of a function the
// pull request redefines is (bot/pr_callers.hpp), and its findings come from the new helper.
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/base/error.hpp"
#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// A merged migration reviewed with the pull request: `unresolved` when only through a load pgfence
// cannot resolve (a name computed when it runs) that may reach a file the pull request changes.
struct ReviewedLoader {
    std::string path;
    bool unresolved = false;
};

// Adds to `changes` the JavaScript/TypeScript migrations of the merge base (selected by `globs`,
// empty: the defaults) that the pull request leaves unchanged and that load, at the head (directly
// or through other repository modules), a script file the pull request changes: through relative
// imports, resolved as the analysis resolves them, or computed names folded as far as they go
// (`require(path.join(__dirname, "../lib/helper"))`, orm/load_paths.hpp); through a load pgfence
// cannot resolve, when the pull request changes a script or JSON file under the name's known start
// (anywhere in the repository outside node_modules when nothing of it is known); when it changes a
// tsconfig*.json or jsconfig*.json, those that import a bare name a path alias resolves (in the
// head's checkout) to repository code, or not agreed on. A file a module reads (fs.readFileSync,
// readFile: orm/load_paths.hpp file_reads) is a load of any extension; a bare name a package of the
// repository's workspace takes (orm/workspace_packages.hpp) is followed into that package. Every
// line new (what the new helper makes them run is the pull request's).
[[nodiscard]] analyze::Result<std::vector<ReviewedLoader>> add_loaders(const diff::Repository& repo, diff::ChangeSet& changes,
                                                                     const std::vector<std::string>& globs, const analyze::AnalyzeOptions& options);

}  // namespace pgfence::bot
