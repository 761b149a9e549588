#pragma once
// Path aliases a script imports by (`@/lib/helper`, `#db`): TypeScript's `compilerOptions.paths`
// in tsconfig.json / jsconfig.json, and package.json `imports`. They name the repository's own
// modules, so pgfence follows them as it follows a relative import (imports.hpp).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::orm {

struct AliasTargets {
    bool matched = false;  // some settings file maps spec (or could not be read)
    // Per settings file that maps it: its candidate paths, in the order they are tried (absolute,
    // lexically normal). The import is known only when every file's first existing one agrees.
    std::vector<std::vector<std::filesystem::path>> candidates;
    std::string why;  // set: the alias is not resolved (a settings file not read, an `extends` of a package)
};

// The alias settings that apply to a script in `dir`, inside the repository at `root`: every
// tsconfig*.json and jsconfig*.json in `dir` and the folders above it up to `root` (which one the
// runner reads depends on its working folder and flags: TS_NODE_PROJECT, tsx --tsconfig), their
// `extends` chains, and the nearest package.json's `imports` (Node's package scope).
[[nodiscard]] AliasTargets alias_targets(const std::filesystem::path& dir, const std::filesystem::path& root, std::string_view spec);

}  // namespace pgfence::analyze::orm
