#include "bot/changed_texts.hpp"

namespace pgfence::bot {

analyze::Result<bool> each_changed_text(
    const diff::Repository& repo, const diff::ChangeSet& changes, const std::function<bool(std::string_view)>& select,
    std::uint64_t max_bytes, const std::set<std::string>& listed,
    const std::function<void(const diff::ChangedFile& file, std::optional<std::string_view> text)>& each) {
    auto changed = repo.changed_files(changes.merge_base_sha, changes.head_sha, select, {}, max_bytes);
    if (!changed) return changed.error();
    for (const auto& file : *changed) {
        if (file.status == diff::ChangeStatus::Deleted || listed.contains(file.path)) continue;
        // Judged by its size before it is read: a blob of gigabytes is never loaded.
        auto stored = repo.read_file_bounded(changes.head_sha, file.path, max_bytes);
        if (!stored) return stored.error();
        if (!*stored) continue;  // a link or a submodule at the head: not a file
        each(file, (*stored)->text ? std::optional<std::string_view>(*(*stored)->text) : std::nullopt);
    }
    return true;
}

}  // namespace pgfence::bot
