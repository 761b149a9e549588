#pragma once
// The pull request's changed files read the one way the reviews of what it may run read them (the
// unselected migrations, the connections' session setup, migrations in code and of other tools):
// skip a deleted file or one a report already lists, read the head's version within the size
// limit, a file too large to read given without its text.
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "analyze/base/error.hpp"
#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// Calls `each` for the files changed from changes.merge_base_sha to changes.head_sha that `select`
// picks, neither deleted nor in `listed` (checked before each call: `each` may add to it), that are
// regular files at the head, with their text (none when larger than `max_bytes`).
[[nodiscard]] analyze::Result<bool> each_changed_text(
    const diff::Repository& repo, const diff::ChangeSet& changes, const std::function<bool(std::string_view)>& select,
    std::uint64_t max_bytes, const std::set<std::string>& listed,
    const std::function<void(const diff::ChangedFile& file, std::optional<std::string_view> text)>& each);

}  // namespace pgfence::bot
