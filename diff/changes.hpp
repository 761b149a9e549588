#pragma once
// The pull request's migration files: what the bot analyses, and which of their lines are new.
#include <optional>
#include <string>
#include <vector>

#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::diff {

// Migration files changed between the merge base of `base` and `head` and `head` (revspecs:
// sha, branch, HEAD), with rename detection. `globs` select the files as diff::selects does
// (empty: the defaults of diff/glob.hpp). A file renamed out of the migration directories is
// reported Deleted at its old path; one renamed into them, or to another version, migration set
// or direction (analyze::migration_identity), counts as all new, since it will now run as a new
// migration.
// `max_bytes`: a changed file larger than this (by its object header) is listed without its
// changed lines, never loaded: it is refused by its size anyway.
[[nodiscard]] Result<ChangeSet> changed_migrations(const Repository& repo, const std::string& base,
                                           const std::string& head,
                                           const std::vector<std::string>& globs,
                                           std::uint64_t max_bytes = UINT64_MAX);
[[nodiscard]] Result<ChangeSet> changed_migrations(const std::string& repo_dir, const std::string& base,
                                           const std::string& head,
                                           const std::vector<std::string>& globs);

// The content of `path` at `commit` (the head: the bot analyses the head version so line
// numbers match the check run's SHA, even when the working tree is GitHub's merge commit).
// Nothing when the commit has no such file.
[[nodiscard]] Result<std::optional<std::string>> read_file_at(const std::string& repo_dir,
                                                      const std::string& commit,
                                                      const std::string& path);

}  // namespace pgfence::diff
