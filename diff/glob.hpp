#pragma once
// Path globs for picking migration files out of a diff. Paths are repository-relative with
// '/' separators; a pattern is anchored at the repository root.
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::diff {

// `*` and `?` match within one path segment, `[abc]`/`[a-z]`/`[!a]` one character of a
// segment, `**` as a whole segment any number of segments (zero included), `{a,b}` either
// alternative (nesting allowed). Empty segments (a trailing '/') and a leading "./" are
// ignored on both sides.
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view path);

// True when any of `patterns` matches `path`.
[[nodiscard]] bool matches_any(const std::vector<std::string>& patterns, std::string_view path);

// Whether the `paths` setting selects `path` the way `pgfence analyze` reads it: a pattern
// matching the file itself, or one of its directories (then .sql files below it, and
// TypeScript/JavaScript files whose path says "migration"). Never anything inside
// node_modules, nor TypeScript declaration files.
[[nodiscard]] bool selects(const std::vector<std::string>& patterns, std::string_view path);

// Whether the folder `dir` may hold files `selects` takes: a pattern matches it or one of its
// parent folders, or it is a leading part of what a pattern matches, reached through a segment
// other than `**` (`db` for `db/migrations/*.sql`, `x/migrations/20240102` for
// `**/migrations/**/*.sql`) or leaving only `**` and the file name (any folder for
// `**/*.sql`). A link or submodule at such a path is a folder of migrations the tools run
// through it. Never inside node_modules.
[[nodiscard]] bool may_hold(const std::vector<std::string>& patterns, std::string_view dir);

// The globs used when neither the config file nor the action input names any; documented in
// diff/README.md. Every entry needs a migrations-like directory, so a stray `schema.sql`
// at the repository root is not picked up.
[[nodiscard]] const std::vector<std::string>& default_migration_globs();

}  // namespace pgfence::diff
