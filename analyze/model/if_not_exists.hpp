#pragma once
// IF NOT EXISTS of something the known schema already has: the model notes it (and records
// nothing else the statement would build), and the rules leave such a statement alone.
#include <algorithm>
#include <string>
#include <string_view>

#include "analyze/model/facts.hpp"

namespace pgfence::analyze {

inline constexpr std::string_view k_exists_already = " exists already: IF NOT EXISTS skips it";

// The note for `what` (an index, a table, "column x").
[[nodiscard]] inline std::string exists_already_note(std::string_view what) {
    return std::string(what) + std::string(k_exists_already);
}

// A CREATE INDEX / CREATE TABLE [AS] the schema proves a no-op: it takes its locks (CREATE INDEX
// locks the table before it looks at the name) and does nothing else. ALTER TABLE ... ADD COLUMN
// IF NOT EXISTS is not one: its other subcommands still run.
[[nodiscard]] inline bool skipped_if_exists(const StatementFacts& s) {
    if (s.kind != "IndexStmt" && s.kind != "CreateStmt" && s.kind != "CreateTableAsStmt") return false;
    return std::any_of(s.notes.begin(), s.notes.end(), [](const std::string& n) {
        return n.size() >= k_exists_already.size() &&
               std::string_view(n).substr(n.size() - k_exists_already.size()) == k_exists_already;
    });
}

}  // namespace pgfence::analyze
