#include "bot/tool_renames.hpp"

#include <algorithm>

#include "analyze/migrations/migration_order.hpp"
#include "analyze/migrations/flyway_settings.hpp"
#include "analyze/migrations/tool_dirs.hpp"
#include "analyze/migrations/tool_renames.hpp"

namespace pgfence::bot {

analyze::Result<bool> mark_tool_renames(const diff::Repository& repo, diff::ChangeSet& changes, std::uint64_t max_bytes) {
    const std::uint64_t limit = std::min<std::uint64_t>(max_bytes, analyze::tools::k_most_settings_bytes);
    std::optional<analyze::Error> failed;
    const analyze::tools::ReadFile read = [&](const std::string& path) -> std::optional<std::string> {
        auto stored = repo.read_file_bounded(changes.head_sha, path, limit);
        if (!stored) {
            if (!failed) failed = stored.error();
            return std::nullopt;
        }
        if (!*stored || !(*stored)->text) return std::nullopt;
        return std::move((*stored)->text);
    };
    for (auto& c : changes.files) {
        // A rename migration_identity already calls another migration is all new (diff/changes.hpp);
        // one of an up migration is the "renames migration" finding (bot/removed_migrations.hpp).
        if (c.status != diff::ChangeStatus::Renamed || c.all_lines_new || c.old_path == c.path || !analyze::is_down_half(c.old_path)) continue;
        const std::string tool = analyze::tools::rename_tool(c.path, read);
        if (failed) return *failed;
        if (analyze::tools::tool_reruns_rename(c.old_path, c.path, tool)) c.all_lines_new = true;
    }
    return true;
}

}  // namespace pgfence::bot
