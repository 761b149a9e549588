#pragma once
// Yarn 2+'s `yarnPath` (yarnpkg.com/configuration/yarnrc#yarnPath): the Yarn release checked into
// the repository that every `yarn` command runs in place of the installed one. `yarn set version`
// writes it under .yarn/releases/ (review87 E: an unknown on every Yarn 2+ project). analyze prints
// such a release as an assumption (a note); a yarnPath anywhere else, computed, or through a link
// stays unknown (preload_lines), and `pr` reviews any change to .yarnrc.yml or .yarn/releases/.
// Not for use outside analyze.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgfence::analyze::tools {

// In a .yarnrc.yml at `rc_path` (repository-relative), the `yarnPath:` lines whose value is a
// literal path under the rc file's own .yarn/releases/ folder (Yarn resolves it from the rc file's
// folder): (line, repository path). The caller checks that the file is a regular file and no link.
// In a workflow or script (not named .yarnrc.yml), the lines whose YARN_YARN_PATH names such a release
// from the top of the checkout (red team R88b F3).
[[nodiscard]] std::vector<std::pair<int, std::string>> yarn_release_lines(std::string_view rc_path, std::string_view text);

// In a .yarnrc.yml at `rc_path`, the top-level `plugins:` list when every entry names one of Yarn's
// own plugins as `yarn plugin import` checks it in (.yarn/plugins/@yarnpkg/plugin-<name>.cjs,
// beside the rc file; `spec:` "@yarnpkg/plugin-<name>", `checksum:`): the `plugins:` line and the
// plugins' repository paths. Any other entry, form or scope: nullopt, and the line stays unknown.
// The caller checks that each file is a regular file and no link (review89 F).
struct YarnPlugins {
    int line = 0;
    std::vector<std::string> files;
};
[[nodiscard]] std::optional<YarnPlugins> yarn_official_plugins(std::string_view rc_path, std::string_view text);

// In a workflow or script, the lines that set a Yarn setting naming code Yarn runs (YARN_YARN_PATH,
// YARN_RC_FILENAME, YARN_PLUGINS, YARN_INJECT_ENVIRONMENT_FILES, any case) in an `env:` map, an
// assignment or a $GITHUB_ENV write, with the literal value (nullopt: computed); and, where the file
// runs yarn, each $GITHUB_ENV write pgfence cannot read (red team R88b F3).
struct YarnEnvSetting {
    int line = 0;
    std::string name;                  // as written; empty: a $GITHUB_ENV write pgfence cannot read
    std::optional<std::string> value;  // nullopt: computed
};
[[nodiscard]] std::vector<YarnEnvSetting> yarn_env_settings(std::string_view text);

}  // namespace pgfence::analyze::tools
