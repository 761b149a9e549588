// Where a plan's files go under the folder `--format plan -o DIR` names.
#pragma once

#include <string>

namespace pgfence::bot {

// The path, relative to DIR, of a plan file `step_path` of the migration `original`: a path
// that repeats the original's absolute location (`/work/repo/db/migrations/2_x.up.sql`, or
// `later-release/work/repo/...`) is made relative to the repository holding the original (the
// nearest folder above it with a `.git`), else to the current folder when the original is
// under it, so DIR mirrors the repository and the files can be copied back. Other paths, and
// what is left, go through analyze::plan_relative_path (no absolute path, no "..").
[[nodiscard]] std::string plan_output_path(const std::string& original, const std::string& step_path);

}  // namespace pgfence::bot
