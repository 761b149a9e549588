#pragma once
// `pgfence pr --capture`: how a captured migration meets what pgfence read from its file. A capture
// is one run of the migrate command on an empty database: one path through the migration's code.
// It never hides what pgfence's own reading found (docs/capture.md, "In the pull request").
#include <string>
#include <string_view>

#include "analyze/analyzer.hpp"

namespace pgfence::bot {

// Whether pgfence cannot read the migration at `path` itself (a Rails, Django or Alembic file:
// Ruby or Python code): then the captured statements are what is judged.
[[nodiscard]] bool captured_code_migration(std::string_view path);

// A file pgfence reads statically: `read` keeps its statements, findings and unknowns; each
// captured statement with a finding that `read` has no statement of the same text for (a call
// the reading did not see, SQL built at run time) is added to it with its findings.
void add_unseen_captured(analyze::FileReport& read, analyze::FileReport&& captured);

// A code migration judged from its capture: each statement of `code` (the file in the head commit)
// that is not the tool's migration DSL with literal arguments (bot/migration_code_allowlist.hpp: a
// RunPython, SQL built at run time, a condition, a ternary, a subscript, the environment, an import
// of the project's own code) is an unknown statement at its line of `captured`, since the capture
// saw one path only. `code` null (the file could not be read whole): one unknown statement at line
// 1. Returns how many were added.
std::size_t add_code_branch_unknowns(analyze::FileReport& captured, const std::string* code, const analyze::AnalyzeOptions& options);

// The caveat pr says wherever it reports captured migrations.
inline constexpr std::string_view k_capture_caveat =
    "the capture ran the migrate command once, on an empty database: code that branches on data or the "
    "environment was seen taking one path only. pgfence's own reading of a file it reads (SQL, Knex, TypeORM, ...) "
    "is kept, and a Rails, Django or Alembic migration's branching code stays an unknown statement";

}  // namespace pgfence::bot
