#pragma once
// `pgfence pr` and renames the migration tool runs as new migrations (#53, red team H2 NPMDOWNREN,
// DBMATEDOWNREN): a base migration named like a down half (`x.down.sql`) is a whole migration to
// node-pg-migrate, dbmate and goose, and a rename the pull request makes keeps its
// migration_identity but not the tool's record of it (analyze/migrations/tool_renames.hpp): it runs
// again, so every line of it is new.
#include <cstdint>

#include "analyze/base/error.hpp"
#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// Marks such renames of `changes` all new, the tool read from the head commit.
[[nodiscard]] analyze::Result<bool> mark_tool_renames(const diff::Repository& repo, diff::ChangeSet& changes, std::uint64_t max_bytes);

}  // namespace pgfence::bot
