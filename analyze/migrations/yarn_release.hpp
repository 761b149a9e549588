#pragma once
// Yarn 2+'s `yarnPath` (yarnpkg.com/configuration/yarnrc#yarnPath): the Yarn release checked into
// the repository that every `yarn` command runs in place of the installed one. `yarn set version`
// writes it under .yarn/releases/ (review87 E: an unknown on every Yarn 2+ project). analyze prints
// such a release as an assumption (a note); a yarnPath anywhere else, computed, or through a link
// stays unknown (preload_lines), and `pr` reviews any change to .yarnrc.yml or .yarn/releases/.
// Not for use outside analyze.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgfence::analyze::tools {

// In a .yarnrc.yml at `rc_path` (repository-relative), the `yarnPath:` lines whose value is a
// literal path under the rc file's own .yarn/releases/ folder (Yarn resolves it from the rc file's
// folder): (line, repository path). The caller checks that the file is a regular file and no link.
[[nodiscard]] std::vector<std::pair<int, std::string>> yarn_release_lines(std::string_view rc_path, std::string_view text);

}  // namespace pgfence::analyze::tools
